"""Whole list pages (meta, results, group_by), kept as the bytes they are sent as.

A page is kept under the version of the public record (bzpeer.page_cache.RECORDS), which every
import batch, correction, merge and rescoring retires, and is read with that version in one
cache round trip (page_cache.lookup): a kept page costs no query. So a list is exactly as fresh
as the site's own pages. A page rendered from old rows is only ever kept under a version
already retired (the version is read before the rows), so it is never served.

A page is named by what it means, not how it is spelled: by the parsed parameters, so
`per_page` and `per-page`, `group_by` and `group-by`, the order of parameters, and what is
ignored (`mailto`, `api_key`) share one page. Not kept:

- `sample` without `seed`: each answer is drawn afresh;
- an indented answer (`Accept: application/json; indent=2`), which is for people, and rare.

`next_cursor` is a function of the query and the page's last row alone (queries._encode_cursor),
so pages walked by cursor are kept as any other.

`meta.db_response_time_ms` stays this request's own: a kept page is sent with the time this
request took to find it (0 or 1 ms, and no database), written into the kept bytes.
"""

import hashlib
import time

import orjson
from django.http import HttpResponse
from rest_framework.response import Response

from bzpeer import page_cache, safety

from . import queries, rendering
from .entities import Entity
from .queries import ListParams

TIME_FIELD = b'"db_response_time_ms":'


def keepable(params: ListParams) -> bool:
    """Whether the answer is the same for every request asking it."""
    return params.sample is None or params.seed is not None


def _name(entity: Entity, params: ListParams) -> str:
    # Everything list_response reads of the parameters (sort_raw: the cursor's fingerprint).
    meaning = (
        params.clauses,
        params.search,
        params.sort,
        params.sort_raw,
        params.select,
        params.per_page,
        params.page or 1,
        params.cursor,
        params.group_by,
        params.sample,
        params.seed,
    )
    digest = hashlib.sha256(repr(meaning).encode()).hexdigest()[:32]
    return f"openalex-page:{entity.name}:{digest}"


def _json(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response.bidi_stripped = True  # kept cleaned, so the middleware need not scan it again
    return response


def list_page(entity: Entity, params: ListParams) -> HttpResponse | Response:
    """The list page for these parameters, from the cache when it was kept under the public
    record's current version (`keepable` parameters only)."""
    started = time.monotonic()
    name = _name(entity, params)
    token, kept, _ = page_cache.lookup(name, [page_cache.RECORDS])
    if kept is not None:
        head, tail = kept
        elapsed = round((time.monotonic() - started) * 1000)
        return _json(b"".join((head, str(elapsed).encode(), tail)))
    data = queries.list_response(entity, params, version=token)
    try:
        # As the bidi-controls middleware would send it.
        body = safety.strip_bidi_bytes(rendering.dumps(data))[0]
    except (orjson.JSONEncodeError, TypeError):
        return Response(data)  # DRF's renderer says why (an integer beyond 64 bits)
    # meta comes first and its first field, count, is a number: the first match is meta's.
    head, found, rest = body.partition(TIME_FIELD)
    if found:
        _, comma, tail = rest.partition(b",")
        page_cache.keep(name, token, (head + found, comma + tail))
    return _json(body)
