"""The profile page's reading sections: metrics, trends, co-authors, affiliations and topics.

Every reader sees these alike, so the page caches them under the record's page version; each
builder here runs only when its fragment is not cached (the page passes them as callables).
Metrics and trends read the figures stored on the record (no query); affiliations read the
rows the page prefetches anyway; co-authors cost two queries and topics one.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from works.models import Researcher
from works.queries import coauthor_pairs_sql

from . import charts
from .works_list import rules as works_rules
from .works_list.queries import WorksList

COAUTHORS_SHOWN = 10
TOPICS_SHOWN = 10
# "Citations in the last five years", as Google Scholar's "since" column.
RECENT_YEARS = 5


@dataclass(frozen=True)
class Metrics:
    """The record's citation figures and where they come from."""

    citations: int | None
    recent_citations: int
    recent_since: int
    h_index: int | None
    i10_index: int | None
    two_year_mean_citedness: float | None
    source: str
    from_openalex: bool
    updated: dt.datetime | None
    works_count: int | None

    @property
    def source_line(self) -> str:
        """ "OpenAlex, updated 28 Oct 2023" or "from the 12 works held here"."""
        if self.from_openalex:
            return f"OpenAlex, updated {self.updated:%-d %b %Y}" if self.updated else "OpenAlex"
        n = self.works_count or 0
        return f"from the {n:,} work{'' if n == 1 else 's'} held here"


def _by_year(researcher, key: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for entry in researcher.counts_by_year or ():
        if not isinstance(entry, dict):
            continue
        year, value = entry.get("year"), entry.get(key)
        if isinstance(year, int) and isinstance(value, int) and value > 0:
            counts[year] = counts.get(year, 0) + value
    return counts


def figures_year(researcher) -> int:
    """The year the figures were taken in: the author record's update, else this year."""
    from_record = researcher.figures_from == Researcher.FiguresFrom.OPENALEX
    if from_record and researcher.updated_date:
        year = researcher.updated_date.year
    else:
        year = timezone.now().year
    years = [*_by_year(researcher, "cited_by_count"), *_by_year(researcher, "works_count")]
    return max([year, *years])


def metrics(researcher) -> Metrics | None:
    """The figures to show, or None for a record whose figures were never computed."""
    if not researcher.figures_from:
        return None
    last = figures_year(researcher)
    since = last - RECENT_YEARS + 1
    cited = _by_year(researcher, "cited_by_count")
    from_openalex = researcher.figures_from == Researcher.FiguresFrom.OPENALEX
    return Metrics(
        citations=researcher.figures_cited_by_count,
        recent_citations=sum(n for year, n in cited.items() if since <= year <= last),
        recent_since=since,
        h_index=researcher.h_index,
        i10_index=researcher.i10_index,
        two_year_mean_citedness=researcher.two_year_mean_citedness,
        source=researcher.figures_from,
        from_openalex=from_openalex,
        updated=researcher.updated_date if from_openalex else None,
        works_count=researcher.figures_works_count,
    )


def trends(researcher) -> list[charts.YearChart]:
    """Works and citations per year, over at least the last ten years (no query)."""
    if not researcher.figures_from:
        return []
    last = figures_year(researcher)
    return [
        charts.year_chart(
            _by_year(researcher, "works_count"),
            chart_id="works-per-year",
            title="Works per year",
            unit=("work", "works"),
            last_year=last,
        ),
        charts.year_chart(
            _by_year(researcher, "cited_by_count"),
            chart_id="citations-per-year",
            title="Citations per year",
            unit=("citation", "citations"),
            last_year=last,
        ),
    ]


@dataclass(frozen=True)
class Coauthor:
    researcher: Researcher
    shared: int

    @property
    def institution(self):
        current = self.researcher.current_institutions
        return current[0] if current else None


def coauthors(researcher, *, limit: int = COAUTHORS_SHOWN) -> list[Coauthor]:
    """The closest co-authors, most shared works first (two queries).

    Counted as the close-collaborator count is (works.queries): works over the consortium
    limit make no co-authors.
    """
    sql = f"""
        SELECT pairs.other_id, pairs.shared FROM ({coauthor_pairs_sql("= %s")}) pairs
        ORDER BY pairs.shared DESC, pairs.other_id LIMIT %s
    """
    limit_authors = settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit_authors, researcher.pk, limit])
        shared = dict(cursor.fetchall())
    people = Researcher.objects.for_profile_page().live().in_bulk(list(shared) or [0])
    return sorted(
        (Coauthor(people[pk], n) for pk, n in shared.items() if pk in people),
        key=lambda c: (-c.shared, c.researcher.display_name, c.researcher.pk),
    )


@dataclass(frozen=True)
class Affiliation:
    institution: object
    first_year: int | None
    last_year: int | None
    current: bool

    @property
    def years(self) -> str:
        if self.first_year and self.last_year and self.first_year != self.last_year:
            return f"{self.first_year}–{self.last_year}"
        return str(self.first_year or self.last_year or "")


def affiliation_history(researcher) -> list[Affiliation]:
    """Every institution of the record with its years, latest first (the prefetched rows)."""
    current = {institution.pk for institution in researcher.current_institutions}
    rows = [
        Affiliation(row.institution, row.first_year, row.last_year, row.institution_id in current)
        for row in researcher.affiliations.all()
    ]
    return sorted(
        rows,
        key=lambda a: (
            not a.current,
            -(a.last_year or 0),
            -(a.first_year or 0),
            a.institution.display_name,
        ),
    )


@dataclass(frozen=True)
class TopicShare:
    topic: object
    works: int
    share: float

    @property
    def percent(self) -> int:
        return round(self.share * 100)


def topic_shares(researcher, *, limit: int = TOPICS_SHOWN) -> list[TopicShare]:
    """The record's most frequent topics with their share of its works (one query)."""
    links = researcher.topic_links.select_related("topic").order_by(
        "-works_count", "topic__display_name", "topic_id"
    )[:limit]
    total = researcher.works_count or 0
    return [
        TopicShare(link.topic, link.works_count, link.works_count / total if total else 0.0)
        for link in links
    ]


def page_sections(researcher, *, page_number) -> dict:
    """The profile page's context for these sections: each a callable or a lazy object, so a
    cached fragment runs none of their queries."""
    return {
        "metrics": functools.partial(metrics, researcher),
        "trends": functools.partial(trends, researcher),
        "coauthors": functools.partial(coauthors, researcher),
        "consortium_limit": settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"],
        "affiliation_history": functools.partial(affiliation_history, researcher),
        "topic_shares": functools.partial(topic_shares, researcher),
        "works_sorts": works_rules.SORTS.items(),
        # The profile shows the list's newest items; its own page sorts and filters them.
        "works_list": WorksList(
            researcher,
            {},
            per_page=settings.BZPEER["PROFILE_WORKS_PER_PAGE"],
            page_number=page_number,
        ),
    }
