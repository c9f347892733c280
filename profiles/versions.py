"""Versions of one work shown as one item: a preprint and its article, a work listed twice.

A pure module, no Django. Open data often holds one paper several times: the arXiv preprint,
the journal article, a repository copy. `group_versions` takes a researcher's works as plain
`WorkVersion` rows in the order the list should show them and returns `VersionGroup` items in
that order, each with the version to show and the others. Two works are versions of one work
when

- they have the same DOI, or
- their normalised titles (case, accents, punctuation and spacing folded) are equal and their
  years are the same or one apart (a preprint one year, its article the next).

Titles of fewer than MIN_TITLE_WORDS words ("Editorial", "Reply to comments") are too common
to identify a work, so such works group by DOI only, as do works without a year. Grouping is
transitive: if A and B are versions and B and C are, all three are one item. The cost is
linear in the number of works (hashing, plus a sort within each same-title bucket).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from works.names import fold

# Hiding a distinct work behind "2 versions" is worse than listing one work twice.
MIN_TITLE_WORDS = 4

# OpenAlex (and Crossref's older) types of a version not yet published in a venue.
PREPRINT_TYPES = frozenset({"preprint", "posted-content"})
# The published kinds a reader wants to see first, before any other kind of version.
PUBLISHED_TYPES = frozenset({"article", "review", "letter", "book-chapter", "book", "editorial"})
REPOSITORY_SOURCES = frozenset({"repository"})


@dataclass(frozen=True)
class WorkVersion:
    """What grouping needs of one work. `source_type` is the venue's type ("journal"...)."""

    id: int
    title: str = ""
    doi: str = ""
    year: int | None = None
    type: str = ""
    cited_by_count: int = 0
    source_type: str = ""
    # normalise_title(title) when the caller has it already (it is the costly part).
    title_key: str = ""


@dataclass(frozen=True)
class VersionGroup:
    """One item of the list: the version to show first and the other versions of it."""

    best: WorkVersion
    others: tuple[WorkVersion, ...] = field(default=())

    @property
    def versions(self) -> tuple[WorkVersion, ...]:
        return (self.best, *self.others)

    @property
    def count(self) -> int:
        return 1 + len(self.others)

    @property
    def label(self) -> str:
        """ "2 versions" for a grouped item; empty for a work on its own."""
        return f"{self.count} versions" if self.others else ""


def normalise_title(title: str) -> str:
    """Fold a title for comparison: "Deep  Learning: A Review" -> "deep learning a review"."""
    return fold(title)


def normalise_doi(doi: str) -> str:
    """Lower-case a DOI and drop a resolver prefix ("https://doi.org/", "doi:")."""
    value = (doi or "").strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    return value.strip()


def version_rank(work: WorkVersion) -> tuple[int, int, int]:
    """Sort key of the version to show: published before other kinds before preprints and
    repository copies, then the most cited, then the newest."""
    kind = (work.type or "").lower()
    if kind in PREPRINT_TYPES or (work.source_type or "").lower() in REPOSITORY_SOURCES:
        tier = 2
    elif kind in PUBLISHED_TYPES:
        tier = 0
    else:
        tier = 1
    return (tier, -(work.cited_by_count or 0), -(work.year or 0))


class _Groups:
    """Union-find over positions in the input list; each root is the group's first position."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:  # path compression
            self.parent[i], i = root, self.parent[i]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The earlier position stays root, so a group sits where its first member was.
            self.parent[max(ra, rb)] = min(ra, rb)


def group_versions(works: Iterable[WorkVersion]) -> list[VersionGroup]:
    """Group versions of one work; groups keep the input order of their first member.

    Each group's `best` is its first version by `version_rank` (ties keep input order);
    `others` follow in that order too. A work id given twice is kept once.
    """
    items: list[WorkVersion] = []
    seen: set[int] = set()
    for work in works:
        if work.id not in seen:
            seen.add(work.id)
            items.append(work)
    groups = _Groups(len(items))

    by_doi: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}
    for position, work in enumerate(items):
        doi = normalise_doi(work.doi)
        if doi:
            if doi in by_doi:
                groups.union(by_doi[doi], position)
            else:
                by_doi[doi] = position
        title = work.title_key or normalise_title(work.title)
        if len(title.split()) >= MIN_TITLE_WORDS:
            by_title.setdefault(title, []).append(position)

    for positions in by_title.values():
        dated = sorted((items[p].year, p) for p in positions if items[p].year is not None)
        # Sorted by year, a version one year apart is always next to another of its group.
        for (year, position), (next_year, next_position) in zip(dated, dated[1:], strict=False):
            if next_year - year <= 1:
                groups.union(position, next_position)

    members: dict[int, list[int]] = {}
    for position in range(len(items)):
        members.setdefault(groups.find(position), []).append(position)
    result = []
    for root in sorted(members):
        ordered = sorted(members[root], key=lambda p: (version_rank(items[p]), p))
        result.append(
            VersionGroup(best=items[ordered[0]], others=tuple(items[p] for p in ordered[1:]))
        )
    return result
