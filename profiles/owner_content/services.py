"""The owner's writes to their own words and pinned works.

Each write checks the input first, then locks the record and checks its owner, so nothing is
written for a refused change; the constraints on the models hold the rules that must never
break (one row per record, links http(s) only, at most LINKS_MAX links and PINS_MAX pins, each
work pinned once). Every change retires the record's cached pages.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404

from bzpeer.errors import DomainError
from bzpeer.safety import safe_url, strip_bidi
from profiles import page_cache
from profiles.accounts.models import User
from works.models import Authorship, Researcher

from .models import (
    BIO_MAX,
    KEYWORD_MAX_LENGTH,
    KEYWORDS_MAX,
    LINK_LABEL_MAX,
    LINK_URL_MAX,
    LINKS_MAX,
    PINS_MAX,
    OwnerContent,
    OwnerLink,
    PinnedWork,
)

_BLANK_LINES = re.compile(r"\n{3,}")
_KEYWORD_SEPARATORS = re.compile(r"[,;\n]")


# --- Input rules, shared by the forms and the services ---------------------------------------


def clean_bio(bio: str) -> str:
    """The bio as shown: bidi controls dropped, spaces tidied, at most one blank line in a row."""
    text = strip_bidi(bio or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    if len(text) > BIO_MAX:
        raise DomainError(f"Keep the bio under {BIO_MAX} characters (it has {len(text)}).")
    return text


def split_keywords(text: str) -> list[str]:
    """Keywords as typed in one box, separated by commas, semicolons or lines."""
    return _KEYWORD_SEPARATORS.split(text or "")


def clean_keywords(keywords: Iterable[str]) -> list[str]:
    """Each keyword tidied and kept once (case aside), in the owner's order."""
    kept: dict[str, str] = {}
    for keyword in keywords:
        keyword = " ".join(strip_bidi(keyword or "").split())
        if not keyword:
            continue
        if len(keyword) > KEYWORD_MAX_LENGTH:
            raise DomainError(
                f"Keep each keyword under {KEYWORD_MAX_LENGTH} characters "
                f"(“{keyword[:20]}…” has {len(keyword)})."
            )
        kept.setdefault(keyword.casefold(), keyword)
    if len(kept) > KEYWORDS_MAX:
        raise DomainError(f"Give at most {KEYWORDS_MAX} keywords (there are {len(kept)}).")
    return list(kept.values())


def clean_link(label: str, url: str) -> tuple[str, str]:
    """A link's label and address, or a DomainError saying what is wrong with them."""
    label = " ".join(strip_bidi(label or "").split())
    raw = (url or "").strip()
    if not raw:
        raise DomainError(f"Give the web address for “{label}”.")
    if len(raw) > LINK_URL_MAX:
        raise DomainError(f"Keep a web address under {LINK_URL_MAX} characters.")
    address = safe_url(raw)
    try:
        URLValidator(schemes=["http", "https"])(address)
    except ValidationError:
        raise DomainError(
            f"“{raw[:60]}” is not a web address: links start with https:// or http://."
        ) from None
    if not label:
        raise DomainError(f"Give a label for {address[:60]} (for example Homepage or Lab).")
    if len(label) > LINK_LABEL_MAX:
        raise DomainError(f"Keep a link's label under {LINK_LABEL_MAX} characters.")
    return label, address


def clean_links(links: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The links that were filled in, checked, in order; empty rows are dropped."""
    cleaned = [clean_link(label, url) for label, url in links if (label or "").strip() or url]
    if len(cleaned) > LINKS_MAX:
        raise DomainError(f"Give at most {LINKS_MAX} links.")
    return cleaned


# --- Writes -----------------------------------------------------------------------------------


@transaction.atomic
def owner_content_update(
    *,
    user: User,
    researcher: Researcher,
    bio: str,
    keywords: Iterable[str],
    links: Iterable[tuple[str, str]],
) -> OwnerContent:
    """The owner writes their bio, keywords and links (replacing what was there)."""
    bio = clean_bio(bio)
    keywords = clean_keywords(keywords)
    links = clean_links(links)
    researcher = _lock_owned(researcher, user)
    content, _ = OwnerContent.objects.get_or_create(researcher=researcher)
    content.bio = bio
    content.keywords = keywords
    content.updated_by = user
    content.save()
    content.links.all().delete()
    OwnerLink.objects.bulk_create(
        OwnerLink(content=content, position=i, label=label, url=url)
        for i, (label, url) in enumerate(links, start=1)
    )
    page_cache.invalidate([researcher.pk])
    return content


@transaction.atomic
def owner_pins_set(*, user: User, researcher: Researcher, work_ids: list[int]) -> list[int]:
    """Pin exactly these works of the record, in this order; return their ids."""
    work_ids = [int(pk) for pk in work_ids]
    if len(set(work_ids)) != len(work_ids):
        raise DomainError("A work can be pinned once.")
    if len(work_ids) > PINS_MAX:
        raise DomainError(f"Pin at most {PINS_MAX} works; unpin one first.")
    researcher = _lock_owned(researcher, user)
    on_record = set(
        Authorship.objects.filter(researcher=researcher, work_id__in=work_ids).values_list(
            "work_id", flat=True
        )
    )
    if set(work_ids) - on_record:
        raise DomainError("Pin only works that are on this record.")
    content, _ = OwnerContent.objects.get_or_create(
        researcher=researcher, defaults={"updated_by": user}
    )
    content.pins.all().delete()
    PinnedWork.objects.bulk_create(
        PinnedWork(content=content, work_id=work_id, position=i)
        for i, work_id in enumerate(work_ids, start=1)
    )
    page_cache.invalidate([researcher.pk])
    return work_ids


def owner_pin_add(*, user: User, researcher: Researcher, work_id: int) -> list[int]:
    """Pin one more work, after the ones already pinned."""
    current = pinned_work_ids(researcher)
    if work_id in current:
        raise DomainError("That work is already pinned.")
    return owner_pins_set(user=user, researcher=researcher, work_ids=[*current, work_id])


def owner_pin_remove(*, user: User, researcher: Researcher, work_id: int) -> list[int]:
    current = pinned_work_ids(researcher)
    if work_id not in current:
        raise DomainError("That work is not pinned.")
    return owner_pins_set(
        user=user, researcher=researcher, work_ids=[pk for pk in current if pk != work_id]
    )


def owner_pin_move_up(*, user: User, researcher: Researcher, work_id: int) -> list[int]:
    """Show a pinned work one place earlier (the first stays first)."""
    current = pinned_work_ids(researcher)
    if work_id not in current:
        raise DomainError("That work is not pinned.")
    i = current.index(work_id)
    if i:
        current[i - 1], current[i] = current[i], current[i - 1]
    return owner_pins_set(user=user, researcher=researcher, work_ids=current)


def pinned_work_ids(researcher: Researcher) -> list[int]:
    """Every pin of the record in order, stale ones too (the owner's edit page shows them)."""
    return list(
        PinnedWork.objects.filter(content_id=researcher.pk)
        .order_by("position")
        .values_list("work_id", flat=True)
    )


def _lock_owned(researcher: Researcher, user: User) -> Researcher:
    try:
        locked = Researcher.objects.select_for_update().get(pk=researcher.pk)
    except Researcher.DoesNotExist:
        raise Http404("No such researcher.") from None
    if locked.owner_id is None or locked.owner_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the record's owner can change its words.")
    return locked
