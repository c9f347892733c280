"""A researcher's works list: its filters, sort orders and counts, over rows already loaded.

A pure module, no Django. The list groups versions of one work first (profiles.versions), then
filters, counts and sorts the groups, so that a count beside a filter is the number of items
that filter shows. An item matches the filters when one of its versions matches them all (a
preprint and its article are one item: "open access" finds it if either copy is open). The
cost is linear in the researcher's works; the page loads their light rows in one query.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .. import versions

SORTS = {"newest": "Newest", "cited": "Most cited", "title": "Title"}
DEFAULT_SORT = "newest"
MIN_YEAR, MAX_YEAR = 1000, 2100
QUERY_MAX = 200
# Topics offered as filters: the most frequent on the list.
TOPICS_OFFERED = 12


@dataclass(frozen=True)
class ListedWork:
    """What the list needs of one work to group, filter and sort it."""

    id: int
    title: str = ""
    doi: str = ""
    year: int | None = None
    date: dt.date | None = None
    type: str = ""
    cited_by_count: int = 0
    is_oa: bool | None = None
    source_type: str = ""
    topic_ids: frozenset = frozenset()
    # The folded title (versions.normalise_title), computed once when the row is loaded.
    title_key: str = ""

    def as_version(self) -> versions.WorkVersion:
        return versions.WorkVersion(
            id=self.id,
            title=self.title,
            doi=self.doi,
            year=self.year,
            type=self.type,
            cited_by_count=self.cited_by_count,
            source_type=self.source_type,
            title_key=self.title_key,
        )


@dataclass(frozen=True)
class Item:
    """One entry of the list: the version shown first and the others, as ListedWork rows."""

    best: ListedWork
    others: tuple[ListedWork, ...] = ()

    @property
    def versions(self) -> tuple[ListedWork, ...]:
        return (self.best, *self.others)

    @property
    def label(self) -> str:
        return f"{len(self.others) + 1} versions" if self.others else ""


@dataclass
class Filters:
    """The list's parameters as read; `errors` says what was ignored and why."""

    sort: str = DEFAULT_SORT
    type: str = ""
    year_from: int | None = None
    year_to: int | None = None
    topic: int | None = None
    oa: bool | None = None
    query: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def any_filter(self) -> bool:
        return bool(
            self.type
            or self.year_from is not None
            or self.year_to is not None
            or self.topic is not None
            or self.oa is not None
            or self.query
        )


def _year(raw: str, label: str, errors: list[str]) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
        return int(raw)
    errors.append(f"“{raw[:20]}” is not a year, so the {label} year was ignored.")
    return None


def parse_filters(params: Mapping[str, str]) -> Filters:
    """Read the list's query parameters liberally: what cannot be used is explained and dropped."""
    errors: list[str] = []
    sort = (params.get("sort") or "").strip()
    if sort and sort not in SORTS:
        errors.append(f"There is no sort “{sort[:20]}”; the newest come first.")
    filters = Filters(
        sort=sort if sort in SORTS else DEFAULT_SORT,
        type=(params.get("type") or "").strip()[:40],
        year_from=_year(params.get("from", ""), "first", errors),
        year_to=_year(params.get("to", ""), "last", errors),
        query=" ".join((params.get("q") or "").split())[:QUERY_MAX],
        errors=errors,
    )
    topic = (params.get("topic") or "").strip()
    if topic:
        if topic.isdigit() and 0 < int(topic) < 2**31:
            filters.topic = int(topic)
        else:
            errors.append(f"There is no topic “{topic[:20]}”; showing every topic.")
    oa = (params.get("oa") or "").strip().lower()
    if oa in ("yes", "no"):
        filters.oa = oa == "yes"
    elif oa:
        errors.append("Open access is “yes” or “no”; showing all works.")
    if (
        filters.year_from is not None
        and filters.year_to is not None
        and filters.year_from > filters.year_to
    ):
        filters.year_from, filters.year_to = filters.year_to, filters.year_from
    return filters


def drop_unknown(filters: Filters, *, types: Iterable[str], topics: Iterable[int]) -> Filters:
    """Drop a type or topic none of the works has, saying so (the list would be empty)."""
    kept = replace(filters, errors=list(filters.errors))
    if kept.type and kept.type not in set(types):
        kept.errors.append(f"No work here is of type “{kept.type}”; showing every type.")
        kept.type = ""
    if kept.topic is not None and kept.topic not in set(topics):
        kept.errors.append("No work here is on that topic; showing every topic.")
        kept.topic = None
    return kept


def group(works: Sequence[ListedWork]) -> list[Item]:
    """Versions of one work as one item, in the order of the works given."""
    by_id = {work.id: work for work in works}
    return [
        Item(by_id[g.best.id], tuple(by_id[v.id] for v in g.others))
        for g in versions.group_versions(work.as_version() for work in works)
    ]


def title_matches(title_key: str, words: Sequence[str]) -> bool:
    return all(word in title_key for word in words)


def _checks(filters: Filters) -> dict:
    """One predicate per active filter, keyed by the filter's name."""
    checks = {}
    if filters.type:
        checks["type"] = lambda w: w.type == filters.type
    if filters.year_from is not None or filters.year_to is not None:
        low = filters.year_from if filters.year_from is not None else MIN_YEAR
        high = filters.year_to if filters.year_to is not None else MAX_YEAR
        checks["year"] = lambda w: w.year is not None and low <= w.year <= high
    if filters.topic is not None:
        checks["topic"] = lambda w: filters.topic in w.topic_ids
    if filters.oa is not None:
        checks["oa"] = lambda w: bool(w.is_oa) == filters.oa
    if filters.query:
        words = versions.normalise_title(filters.query).split()
        checks["q"] = lambda w: title_matches(w.title_key, words)
    return checks


def _passing(item: Item, checks: Iterable) -> list[ListedWork]:
    checks = list(checks)
    return [w for w in item.versions if all(check(w) for check in checks)]


def apply(items: Sequence[Item], filters: Filters) -> list[Item]:
    """The items one of whose versions passes every filter."""
    checks = _checks(filters).values()
    return [item for item in items if _passing(item, checks)]


@dataclass(frozen=True)
class Facets:
    """How many items each filter value would show, given the other filters."""

    total: int
    types: list[tuple[str, int]]
    years: list[tuple[int, int]]
    topics: list[tuple[int, int]]
    open_access: int
    closed: int


def facets(items: Sequence[Item], filters: Filters) -> Facets:
    """Count, for each filter, the items each of its values would keep with the other filters."""
    checks = _checks(filters)

    def others(name):
        return [check for key, check in checks.items() if key != name]

    counts = {name: Counter() for name in ("type", "year", "topic", "oa")}
    for item in items:
        for name, read in (
            ("type", lambda w: {w.type} if w.type else set()),
            ("year", lambda w: {w.year} if w.year is not None else set()),
            ("topic", lambda w: set(w.topic_ids)),
            ("oa", lambda w: {bool(w.is_oa)}),
        ):
            values = set()
            for work in _passing(item, others(name)):
                values |= read(work)
            counts[name].update(values)
    return Facets(
        total=len(apply(items, filters)),
        types=sorted(counts["type"].items(), key=lambda kv: (-kv[1], kv[0])),
        years=sorted(counts["year"].items(), reverse=True),
        topics=_offered(counts["topic"], filters.topic),
        open_access=counts["oa"][True],
        closed=counts["oa"][False],
    )


def _offered(counts: Counter, chosen: int | None) -> list[tuple[int, int]]:
    """The most frequent topics, and the chosen one even when it is not among them."""
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOPICS_OFFERED]
    if chosen is not None and chosen not in dict(top):
        top.append((chosen, counts[chosen]))
    return top


def sort(items: Sequence[Item], order: str) -> list[Item]:
    """Sort items by the shown version: newest, most cited, or title (A to Z)."""
    if order == "cited":
        return sorted(items, key=lambda i: (-i.best.cited_by_count, -(i.best.year or 0), i.best.id))
    if order == "title":
        return sorted(
            items,
            key=lambda i: (
                not i.best.title.strip(),
                i.best.title_key,
                -(i.best.year or 0),
                i.best.id,
            ),
        )
    return sorted(
        items,
        key=lambda i: (
            -(i.best.year or 0),
            -(i.best.date.toordinal() if i.best.date else 0),
            -i.best.id,
        ),
    )
