"""A list's entities, each encoded once as JSON and cached until anything in that JSON changes.

A works list is built from the page's rows; each work's list form (its byline cut at 100, with
institutions, source, topics) is encoded once and kept in the cache as bytes under a key made of
the work's id, its own dates (`updated_date`, the record's; `updated_at`, the row's) and the
version of the public record (bzpeer.page_cache.RECORDS), which imports, corrections, merges
and renames retire. The version is read before the database, as the shared pages do: JSON built
from old rows is only ever stored under a version already retired, so it is never served.

A page not kept whole yet (pages.py keeps whole pages) then costs its own two queries (count,
page rows, read light) and one cache round trip; only the works not cached are loaded whole
and serialized.

A large count (a filter such as `type:article` matches most works: counting them took 0.5-0.7 s
at 1,000,000 works) is kept under the same version, as long as the shared pages are; a count
below COUNTED_FROM is counted by every page not kept whole yet. A large count lags, as the
shared pages and the kept list pages do, only behind a change that retires no version (every
import batch does; a write by hand, in the shell, does not).
"""

from django.core.cache import cache

from bzpeer import page_cache

from . import rendering

TIMEOUT = page_cache.PAGE_TIMEOUT
COUNTED_FROM = 10_000
# What a page's rows are read with when their JSON is cached: their keys.
KEY_FIELDS = ("id", "openalex_id", "updated_date", "updated_at")


def version() -> str:
    """The public record's version: read before the rows it covers."""
    return page_cache.versions([page_cache.RECORDS])


def _stamp(moment) -> str:
    return f"{moment.timestamp():.6f}" if moment else "-"


def _key(entity, row, version: str) -> str:
    return (
        f"openalex-list:{entity.name}:{row.pk}:{_stamp(row.updated_date)}:"
        f"{_stamp(row.updated_at)}:{version}"
    )


def encoded(entity, rows, version: str) -> dict[int, bytes]:
    """{pk: the row's list-form JSON} for these rows (read with at least KEY_FIELDS).

    A row deleted since it was read is left out."""
    keys = {row.pk: _key(entity, row, version) for row in rows}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in result]
    if missing:
        built = {
            row.pk: rendering.dumps(entity.serialize(row)) for row in entity.rows_for_list(missing)
        }
        cache.set_many({keys[pk]: data for pk, data in built.items()}, timeout=TIMEOUT)
        result |= built
    return result


def count(fingerprint: str, queryset, version: str) -> int:
    """The queryset's count; a large one from the cache (see above), `fingerprint` naming the
    query."""
    key = f"openalex-count:{fingerprint}:{version}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    counted = queryset.count()
    if counted >= COUNTED_FROM:
        cache.set(key, counted, timeout=TIMEOUT)
    return counted
