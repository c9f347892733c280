"""An author's figures computed from the works held, as OpenAlex computes them from all works.

A pure module, no Django. Used when no author record was imported: the figures then say
"held" (``Researcher.figures_from``) instead of "openalex".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# OpenAlex's counts_by_year cover the last ten years, newest first, without empty years.
COUNTS_YEARS = 10


@dataclass(frozen=True)
class HeldWork:
    publication_year: int | None
    cited_by_count: int
    # The work's own counts_by_year: [{"year": 2023, "cited_by_count": 4}, ...]
    counts_by_year: list


@dataclass(frozen=True)
class HeldFigures:
    works_count: int
    cited_by_count: int
    h_index: int
    i10_index: int
    two_year_mean_citedness: float | None
    counts_by_year: list[dict]


def h_index(citations: Iterable[int]) -> int:
    """The largest h such that h works have at least h citations each."""
    h = 0
    for rank, cited in enumerate(sorted(citations, reverse=True), start=1):
        if cited < rank:
            break
        h = rank
    return h


def _cited_in(work: HeldWork, year: int) -> int:
    for entry in work.counts_by_year or ():
        if isinstance(entry, dict) and entry.get("year") == year:
            value = entry.get("cited_by_count")
            return value if isinstance(value, int) and value > 0 else 0
    return 0


def held_figures(works: Iterable[HeldWork], *, this_year: int) -> HeldFigures:
    """Figures over distinct works (the caller passes each work once).

    - two-year mean citedness: the citations received this year by the works published in the
      two years before, divided by the number of those works (None when there are none);
    - counts_by_year: for each of the last ten years, the works published that year and the
      citations the works received that year; years with neither are left out.
    """
    works = list(works)
    recent = [w for w in works if w.publication_year in (this_year - 1, this_year - 2)]
    mean = sum(_cited_in(w, this_year) for w in recent) / len(recent) if recent else None
    by_year = []
    for year in range(this_year, this_year - COUNTS_YEARS, -1):
        published = sum(1 for w in works if w.publication_year == year)
        cited = sum(_cited_in(w, year) for w in works)
        if published or cited:
            by_year.append({"year": year, "works_count": published, "cited_by_count": cited})
    citations = [w.cited_by_count for w in works]
    return HeldFigures(
        works_count=len(works),
        cited_by_count=sum(citations),
        h_index=h_index(citations),
        i10_index=sum(1 for cited in citations if cited >= 10),
        two_year_mean_citedness=mean,
        counts_by_year=by_year,
    )
