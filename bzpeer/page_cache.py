"""Pages every reader sees alike, rendered once and shared, each reader's own parts stitched in.

A shared page is stored under the versions of what it shows (`versions`). Every visible change
retires a version (`retire`), at once and again when its transaction commits, and versions are
read before the database: a page rendered from old rows is only ever stored under a version
already retired, so it is never served. Versions live in the cache beside the pages; losing the
cache loses both, and fresh versions are drawn.

What differs from reader to reader (the account menu, the follow form, claim controls) is left
in the shared page as a marker by the ``{% person_part %}`` tag, and rendered for each request
by `serve` from the page's own snapshot (`Shared.context`) and the reader's per-person state,
which `person_state` reads in one cache round trip. The apps that own a piece of that state
register its loader (`register_person_state`) and retire it when they change it (`forget_person`).
"""

import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import urlencode

from . import safety

# The public record every list and entity page shows (works, topics, institutions, names,
# trust scores): imports, corrections, merges and rescoring retire it.
RECORDS = "records"
PAGE_TIMEOUT = 60 * 60
_PART = re.compile(r"<!--bz-part:([A-Za-z0-9_/.\-]+)-->")
# The request attribute that asks templates for markers instead of per-person parts.
SHARED_RENDER = "bz_shared_render"


def marker(template_name: str) -> str:
    return f"<!--bz-part:{template_name}-->"


def _version_key(scope: str) -> str:
    return f"page-version:{scope}"


def versions(scopes: Iterable[str]) -> str:
    """One token for the current versions of these scopes: one cache read when they exist."""
    keys = [_version_key(scope) for scope in scopes]
    return _token(keys, cache.get_many(keys))


def _token(keys: list[str], found: dict) -> str:
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key, time.time_ns())  # a cache that is down: a miss, always
    return ".".join(str(found[key]) for key in keys)


def _slot_key(name: str) -> str:
    return f"kept:{name}"


def lookup(name: str, scopes: Iterable[str], *extra_keys: str) -> tuple[str, object, dict]:
    """The current version token of `scopes`, the value kept under `name` if it was kept under
    that token (else None), and the `extra_keys` found: all in one cache round trip.

    A value is kept beside the token it was rendered under (`keep`), so reading the versions
    and the value together is as safe as reading the versions first: a value rendered from old
    rows carries a token already retired."""
    version_keys = [_version_key(scope) for scope in scopes]
    slot = _slot_key(name)
    found = cache.get_many([*version_keys, slot, *extra_keys])
    kept = found.pop(slot, None)
    token = _token(version_keys, found)
    value = kept[1] if kept is not None and kept[0] == token else None
    return token, value, {key: found[key] for key in extra_keys if key in found}


def keep(name: str, token: str, value, timeout: int = PAGE_TIMEOUT) -> None:
    """Keep `value` under `name`, for readers of the version `token` (see `lookup`)."""
    cache.set(_slot_key(name), (token, value), timeout=timeout)


def retire(scopes: Iterable[str]) -> None:
    """Retire the pages shown under these scopes, now and again once the change commits."""
    keys = [_version_key(scope) for scope in set(scopes)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# --- Per-person state -----------------------------------------------------------------------

_person_loaders: dict[str, Callable] = {}
_part_providers: dict[str, Callable] = {}


def register_part(template_name: str, provider: Callable) -> None:
    """What a per-person part needs beyond the page's snapshot: ``provider(request, context)``
    returns a dict, from `person_state` rather than the database; idempotent."""
    _part_providers[template_name] = provider


def register_person_state(name: str, loader: Callable) -> None:
    """Add a piece of per-person state: ``loader(user)`` returns it, picklable; idempotent."""
    _person_loaders[name] = loader


def _person_key(user_id: int, name: str) -> str:
    return f"person-state:{user_id}:{name}"


def person_keys(request) -> list[str]:
    """The cache keys of the signed-in reader's state, for a caller that reads them alongside
    its own keys (`lookup`); none for an anonymous reader."""
    user = request.user
    if not user.is_authenticated:
        return []
    return [_person_key(user.pk, name) for name in _person_loaders]


def person_state(request, found: dict | None = None) -> dict:
    """The signed-in reader's state (unread counts, follows...): one cache read, memoised.

    `found` is what a caller already read of `person_keys` (no read then). Each piece is kept
    apart, so that a change reloads only its own piece."""
    state = getattr(request, "_bz_person_state", None)
    if state is not None:
        return state
    user = request.user
    state = {}
    if user.is_authenticated:
        keys = {name: _person_key(user.pk, name) for name in _person_loaders}
        if found is None:
            found = cache.get_many(list(keys.values()))
        missing = {}
        for name, key in keys.items():
            if key in found:
                state[name] = found[key]
            else:
                state[name] = missing[key] = _person_loaders[name](user)
        if missing:
            cache.set_many(missing, timeout=PAGE_TIMEOUT)
    request._bz_person_state = state
    return state


def forget_person(user_ids: Iterable[int | None], *names: str) -> None:
    """Drop these people's cached state (only the pieces `names`, if given), now and again
    once the change commits."""
    names = names or tuple(_person_loaders)
    keys = [_person_key(pk, name) for pk in set(user_ids) if pk is not None for name in names]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


# --- Serving --------------------------------------------------------------------------------


@dataclass
class Shared:
    """A page as every reader sees it, and what its per-person parts need of the page."""

    html: str
    context: dict = field(default_factory=dict)


def is_shareable(request, allowed_params: Iterable[str] | None = ("page",)) -> bool:
    """A plain read (with only `allowed_params`, if given) and no flash message for this
    reader alone."""
    return (
        request.method in ("GET", "HEAD")
        and (allowed_params is None or set(request.GET) <= set(allowed_params))
        and not len(messages.get_messages(request))
    )


def query_variant(request) -> str:
    """A short key for a page's query string, whatever order its parameters come in."""
    items = sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    return _digest(urlencode(items))


def public_page(name: str, *, allowed_params: Iterable[str] | None = ("page",), timeout=None):
    """Decorate a view of the public record: served shared under RECORDS (see `serve`)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_shareable(request, allowed_params):
                return view(request, *args, **kwargs)
            return serve(
                request,
                name=name,
                variant=":".join(
                    [*map(str, args), *map(str, kwargs.values()), query_variant(request)]
                ),
                scopes=[RECORDS],
                render=lambda: view(request, *args, **kwargs),
                timeout=timeout or PAGE_TIMEOUT,
            )

        return wrapped

    return decorate


def serve(
    request,
    *,
    name: str,
    scopes: Iterable[str],
    render: Callable[[], HttpResponse],
    variant: str = "",
    part_context: Callable[[HttpResponse], dict] | None = None,
    timeout: int = PAGE_TIMEOUT,
) -> HttpResponse:
    """The shared page `name` (with `variant`), rendered by `render` once per version of
    `scopes`, with this reader's parts stitched in. `part_context(response)` gives what the
    parts need of the page (a snapshot of plain values, stored with it).

    A signed-in reader's state is read in the same round trip as the page. Anonymous readers
    all get the same parts for the same address, so their whole page is kept as it is sent:
    one cache round trip and no stitching."""
    scopes = list(scopes)
    page = f"page:{name}:{variant}"
    if not request.user.is_authenticated:
        anonymous = f"{page}:anonymous:{_digest(request.get_full_path())}"
        token, html, _ = lookup(anonymous, scopes)
        if html is not None:
            return _kept_response(html)
        response = _serve_shared(request, page, token, scopes, render, part_context, timeout)
        if response.status_code == 200 and not _used_csrf_token(request):
            # Kept as the bidi-controls middleware would send it, which then skips it.
            keep(anonymous, token, safety.strip_bidi_bytes(response.content)[0], timeout)
        return response
    token, shared, found = lookup(page, scopes, *person_keys(request))
    person_state(request, found)
    return _serve_shared(request, page, token, scopes, render, part_context, timeout, shared)


def _serve_shared(request, page, token, scopes, render, part_context, timeout, shared=None):
    if shared is None and not request.user.is_authenticated:
        # The anonymous page is not kept yet; the shared page may be.
        token, shared, _ = lookup(page, scopes)
    if shared is None:
        setattr(request, SHARED_RENDER, True)
        try:
            response = render()
        finally:
            setattr(request, SHARED_RENDER, False)
        if response.streaming or response.status_code != 200:
            # Not a page to share (a redirect, say): rendered again the ordinary way if need be.
            return (
                render() if not response.streaming and _PART.search(_text(response)) else response
            )
        context = part_context(response) if part_context else {}
        shared = Shared(html=_text(response), context=context)
        if _used_csrf_token(request):
            return HttpResponse(stitch(request, shared))  # it holds this reader's token
        keep(page, token, shared, timeout)
    return HttpResponse(stitch(request, shared))


def _kept_response(html: bytes) -> HttpResponse:
    response = HttpResponse(html)
    response.bidi_stripped = True
    return response


def _used_csrf_token(request) -> bool:
    """Whether a form in what was rendered holds this reader's CSRF token: never kept for
    others (get_token marks the request)."""
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _text(response) -> str:
    return response.content.decode(response.charset or "utf-8")


def stitch(request, shared: Shared) -> str:
    """The shared page with each marked part rendered for this reader."""
    if "<!--bz-part:" not in shared.html:
        return shared.html
    rendered: dict[str, str] = {}

    def part(match: re.Match) -> str:
        name = match[1]
        if name not in rendered:
            context = dict(shared.context)
            provider = _part_providers.get(name)
            if provider is not None:
                context.update(provider(request, context))
            rendered[name] = render_to_string(name, context, request=request)
        return rendered[name]

    return _PART.sub(part, shared.html)
