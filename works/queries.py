"""Reads of the public record that need care: a work's page and co-authorship.

A work's page: each read is a fixed number of queries (one or two) however many authors or
citations the work has, so a 3,000-author consortium paper costs what a two-author note costs.

Co-authors are counted as TRUST.md counts them: only works of at most CONSORTIUM_AUTHOR_LIMIT
authors make an edge, and close collaborators share at least MIN_SHARED_WORKS of them. The
stored counter (works.services), the set-based demo generator (bzpeer.demo) and the graph's
co-author read (graph.queries) all build on the one query here, so they cannot drift apart.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, TextField, Window
from django.db.models.functions import Cast

from .models import Authorship, Work

# The byline shows the first authors and the last one; the rest are on the authors page.
BYLINE_HEAD = 20
AUTHORS_PER_PAGE = 100
# Held works listed under "References" and "Cited by" on a work's page.
LINKED_WORKS_SHOWN = 20
# Citing works considered for that list and its count: beyond it the page says "or more".
CITING_WORKS_READ = 1000


@dataclass(frozen=True)
class Byline:
    """The first authors, and the last one when others stand between them."""

    head: list
    last: object | None
    total: int

    @property
    def hidden(self) -> int:
        """Authors between the head and the last, shown on the authors page only."""
        return self.total - len(self.head) - (1 if self.last else 0)


@dataclass(frozen=True)
class LinkedWorks:
    """Some held works and how many are held in all (`capped`: at least that many)."""

    works: list
    total: int
    capped: bool = False

    @property
    def more(self) -> int:
        return self.total - len(self.works)


def authorships_in_order(work):
    return Authorship.objects.filter(work=work).select_related("researcher").order_by("order", "id")


def work_byline(work, *, head: int = BYLINE_HEAD) -> Byline:
    """The byline to print: all authors when they fit, else the first `head` and the last.

    Two queries whatever the byline's length: the head (one more than shown, each row carrying
    the total) and the last author.
    """
    rows = list(authorships_in_order(work).annotate(total=Window(Count("id")))[: head + 1])
    last = authorships_in_order(work).order_by("-order", "-id").first()
    total = rows[0].total if rows else 0
    if total <= head + 1:
        return Byline(head=rows, last=None, total=total)
    return Byline(head=rows[:head], last=last, total=total)


def _with_total(queryset, limit: int) -> tuple[list, int]:
    rows = list(queryset.annotate(total=Window(Count("id")))[:limit])
    return rows, (rows[0].total if rows else 0)


def work_references(work, *, limit: int = LINKED_WORKS_SHOWN) -> LinkedWorks:
    """The held works this one cites, most cited first (one query; none without references)."""
    ids = [i for i in work.referenced_works or [] if isinstance(i, str)]
    if not ids:
        return LinkedWorks([], 0)
    held = Work.objects.filter(openalex_id__in=ids).select_related("source")
    rows, total = _with_total(held.order_by("-cited_by_count", "id"), limit)
    return LinkedWorks(rows, total)


def citing_works_filter(work):
    """Held works whose references name this work, through the GIN index of migration 0003."""
    if connection.vendor == "postgresql":
        return Work.objects.filter(referenced_works__contains=[work.openalex_id])
    # The embedded SQLite mode has no JSON containment: match the quoted id in the JSON text.
    return Work.objects.alias(references_text=Cast("referenced_works", TextField())).filter(
        references_text__contains=f'"{work.openalex_id}"'
    )


def work_citing(work, *, limit: int = LINKED_WORKS_SHOWN) -> LinkedWorks:
    """Held works that cite this one, newest first (one query; none without an OpenAlex id).

    Reads at most CITING_WORKS_READ of them, so a work cited a hundred thousand times costs
    no more than one cited a thousand times; then the count says "at least".
    """
    if not work.openalex_id:
        return LinkedWorks([], 0)
    bounded = citing_works_filter(work).values("pk")[:CITING_WORKS_READ]
    citing = Work.objects.filter(pk__in=bounded).select_related("source")
    order = (F("publication_year").desc(nulls_last=True), "-cited_by_count", "-id")
    rows, total = _with_total(citing.order_by(*order), limit)
    return LinkedWorks(rows, total, capped=total >= CITING_WORKS_READ)


# --- Co-authorship (raw SQL serves it better than the ORM) ---------------------------------

MIN_SHARED_WORKS = 2


def coauthor_pairs_sql(researchers: str) -> str:
    """SELECT researcher_id, other_id, shared: each co-author pair and how many works they share.

    `researchers` is the SQL condition on the first researcher's id ("= %s", "IN (%s, %s)",
    ">= %s"); the query's parameters are the consortium limit, then the condition's. Works are
    counted once each: a byline may name one person twice. Unlinked entries (no researcher)
    are nobody's co-author.
    """
    authorships = Authorship._meta.db_table
    works = Work._meta.db_table
    return f"""
        SELECT mine.researcher_id, theirs.researcher_id AS other_id,
               COUNT(DISTINCT mine.work_id) AS shared
        FROM {authorships} mine
        JOIN {works} w ON w.id = mine.work_id AND w.authors_count <= %s
        JOIN {authorships} theirs
          ON theirs.work_id = mine.work_id AND theirs.researcher_id <> mine.researcher_id
        WHERE mine.researcher_id {researchers}
        GROUP BY mine.researcher_id, theirs.researcher_id
    """


def close_collaborator_counts_sql(researchers: str) -> str:
    """SELECT researcher_id, close: each researcher's number of close collaborators."""
    return f"""
        SELECT pairs.researcher_id, COUNT(*) AS close
        FROM ({coauthor_pairs_sql(researchers)}) pairs
        WHERE pairs.shared >= {MIN_SHARED_WORKS}
        GROUP BY pairs.researcher_id
    """
