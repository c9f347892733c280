"""The reads behind a researcher's works list: a fixed number of queries, whatever its size.

1. the light rows of every work of the researcher (what grouping, filters and sorts need);
2. the topics of those works, with their names;
3. the works of the page being shown, with their venues;
4. the first authors of those works (a window: at most AUTHORS_SHOWN rows per work);
5. the researcher's own entries on those works (where they stand on each byline).

The page's queries never depend on the data: an empty page still runs 3 to 5 (see `_ids`).
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from works.models import Authorship, Work, WorkTopic

from .. import versions
from . import rules

# The byline of a list item: the first few authors, then the researcher if not among them.
AUTHORS_SHOWN = 3


def _works_of(researcher):
    return Authorship.objects.filter(researcher_id=researcher.pk).values("work_id")


def listed_works(researcher) -> tuple[list[rules.ListedWork], dict[int, str]]:
    """Every work of the researcher as a light row, and the names of their topics (2 queries)."""
    topics: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    pairs = WorkTopic.objects.filter(work_id__in=_works_of(researcher)).values_list(
        "work_id", "topic_id", "topic__display_name"
    )
    for work_id, topic_id, name in pairs:
        topics.setdefault(work_id, set()).add(topic_id)
        names[topic_id] = name
    rows = (
        Work.objects.filter(pk__in=_works_of(researcher))
        .order_by()
        .values_list(
            "id",
            "title",
            "doi",
            "publication_year",
            "publication_date",
            "type",
            "cited_by_count",
            "is_oa",
            "source__type",
        )
    )
    works = [
        rules.ListedWork(
            id=pk,
            title=title or "",
            doi=doi or "",
            year=year,
            date=date,
            type=kind or "",
            cited_by_count=cited or 0,
            is_oa=is_oa,
            source_type=source_type or "",
            topic_ids=frozenset(topics.get(pk, ())),
            title_key=versions.normalise_title(title or ""),
        )
        for pk, title, doi, year, date, kind, cited, is_oa, source_type in rows
    ]
    return works, names


def _ids(ids: list[int]) -> list[int]:
    # An empty IN () is no query at all in Django: ask for an id that cannot exist instead, so
    # that the page's query count is the same for an empty page as for a full one.
    return ids or [0]


@dataclass
class Entry:
    """A list item ready to show: its works loaded, its byline's head and the owner's place."""

    work: Work
    others: list[Work]
    label: str
    authors: list = field(default_factory=list)
    # The researcher's place on the byline (1 for the first author) when not among `authors`.
    own_place: int | None = None
    own_name: str = ""
    total_authors: int = 0

    @property
    def gap(self) -> bool:
        """Authors stand between the first few and the researcher."""
        return bool(self.own_place and self.own_place > len(self.authors) + 1)

    @property
    def et_al(self) -> bool:
        return self.total_authors > len(self.authors) + (1 if self.own_place else 0)


def entries(researcher, items: list[rules.Item]) -> list[Entry]:
    """Load what the page shows of these items (3 queries, whatever the works)."""
    ids = [work.id for item in items for work in item.versions]
    loaded = Work.objects.select_related("source").in_bulk(_ids(ids))
    heads: dict[int, list] = {}
    totals: dict[int, int] = {}
    head_ids = [item.best.id for item in items]
    authorships = (
        Authorship.objects.filter(work_id__in=_ids(head_ids))
        .select_related("researcher")
        .annotate(
            place=Window(RowNumber(), partition_by=F("work_id"), order_by=(F("order"), F("id"))),
            held=Window(Count("id"), partition_by=F("work_id")),
        )
        .filter(place__lte=AUTHORS_SHOWN)
        .order_by("work_id", "place")
    )
    for authorship in authorships:
        heads.setdefault(authorship.work_id, []).append(authorship)
        totals[authorship.work_id] = authorship.held
    own = {}
    mine = (
        Authorship.objects.filter(work_id__in=_ids(head_ids), researcher_id=researcher.pk)
        .order_by("work_id", "order")
        .values_list("work_id", "order", "raw_author_name")
    )
    for work_id, order, raw_name in mine:
        own.setdefault(work_id, (order + 1, raw_name))
    result = []
    for item in items:
        work = loaded[item.best.id]
        head = heads.get(work.pk, [])
        for authorship in head:
            authorship.is_self = authorship.researcher_id == researcher.pk
        place, raw_name = own.get(work.pk, (None, ""))
        if any(a.is_self for a in head):
            place = None
        result.append(
            Entry(
                work=work,
                others=[loaded[other.id] for other in item.others if other.id in loaded],
                label=item.label,
                authors=head,
                own_place=place,
                own_name=raw_name or researcher.display_name,
                total_authors=max(totals.get(work.pk, 0), work.authors_count or 0),
            )
        )
    return result


class WorksList:
    """A researcher's works list for some parameters; each part is read when first used."""

    def __init__(self, researcher, params, *, per_page: int, page_number=None):
        self.researcher = researcher
        self.per_page = per_page
        self.page_number = page_number
        self.requested = rules.parse_filters(params)

    @cached_property
    def _loaded(self):
        works, topic_names = listed_works(self.researcher)
        return rules.group(works), works, topic_names

    @cached_property
    def filters(self) -> rules.Filters:
        items, works, topic_names = self._loaded
        types = {work.type for work in works}
        return rules.drop_unknown(self.requested, types=types, topics=topic_names)

    @cached_property
    def items(self) -> list[rules.Item]:
        items = self._loaded[0]
        return rules.sort(rules.apply(items, self.filters), self.filters.sort)

    @cached_property
    def page(self):
        # A list in memory: the paginator counts it without a query.
        return Paginator(self.items, self.per_page).get_page(self.page_number)

    @cached_property
    def entries(self) -> list[Entry]:
        return entries(self.researcher, list(self.page.object_list))

    @property
    def total_items(self) -> int:
        return len(self._loaded[0])

    @cached_property
    def facets(self) -> dict:
        items, _, topic_names = self._loaded
        counted = rules.facets(items, self.filters)
        chosen = self.filters.topic
        return {
            "total": counted.total,
            "types": counted.types,
            "years": counted.years,
            "topics": [(pk, topic_names.get(pk, ""), n) for pk, n in counted.topics],
            "topic_name": topic_names.get(chosen, "") if chosen else "",
            "open_access": counted.open_access,
            "closed": counted.closed,
        }
