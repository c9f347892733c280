"""A profile's headline: the owner's own words, or a line built only from facts on the record.

A pure module, no Django. An unclaimed record has nobody to describe it, so its headline says
only what the data shows: "Works mostly on X and Y; at Z since 2019." Every clause must be true
of the data it was built from:

- topics are named only when they are on at least MIN_TOPIC_WORKS of the works, at most two,
  most frequent first; "mostly" is said only when the first topic alone is on at least half of
  the works (then X and Y together are too), otherwise the line says "most often", which the
  ranking itself makes true;
- institutions are the record's current (last known) ones, at most two; "since YEAR" is the
  first year of a work that lists that institution for this author, given by the caller;
- with no qualifying topic and no institution there is no line at all (the page shows none).
"""

from collections.abc import Sequence
from dataclasses import dataclass

# A topic on fewer works than this says little about what someone works on.
MIN_TOPIC_WORKS = 2
TOPICS_NAMED = 2
INSTITUTIONS_NAMED = 2


@dataclass(frozen=True)
class TopicCount:
    """A topic and the number of the researcher's works on it."""

    name: str
    works: int


@dataclass(frozen=True)
class Affiliation:
    """A current institution and the first year a work of the researcher lists it (or None)."""

    name: str
    since: int | None = None


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def topics_clause(topics: Sequence[TopicCount], *, works_count: int) -> str:
    """ "Works mostly on X and Y", "Works most often on X", or "" when no topic qualifies.

    `works_count` is the number of works the topic counts were taken over.
    """
    named = sorted(
        (t for t in topics if t.name.strip() and t.works >= MIN_TOPIC_WORKS),
        key=lambda t: (-t.works, t.name.strip().casefold()),
    )[:TOPICS_NAMED]
    if not named or works_count <= 0:
        return ""
    # Each work counts once per topic, so the top topic's share bounds the named topics' share.
    mostly = named[0].works * 2 >= works_count
    return (
        f"Works {'mostly' if mostly else 'most often'} on {_and([t.name.strip() for t in named])}"
    )


def affiliations_clause(affiliations: Sequence[Affiliation]) -> str:
    """ "at Z since 2019 and W", or "" without a current institution."""
    named = [a for a in affiliations if a.name.strip()][:INSTITUTIONS_NAMED]
    if not named:
        return ""
    parts = [f"{a.name.strip()} since {a.since}" if a.since else a.name.strip() for a in named]
    return "at " + _and(parts)


def factual_headline(
    *, topics: Sequence[TopicCount], works_count: int, affiliations: Sequence[Affiliation]
) -> str:
    """Return the line built from the facts given, or "" when they are too few."""
    topic_part = topics_clause(topics, works_count=works_count)
    place_part = affiliations_clause(affiliations)
    if topic_part and place_part:
        return f"{topic_part}; {place_part}."
    if topic_part:
        return f"{topic_part}."
    if place_part:
        return f"{place_part[0].upper()}{place_part[1:]}."
    return ""


def profile_headline(
    *,
    owner_headline: str,
    has_owner: bool,
    topics: Sequence[TopicCount] = (),
    works_count: int = 0,
    affiliations: Sequence[Affiliation] = (),
) -> str:
    """The headline to show: the owner's words when the record has an owner who wrote one,
    else the factual line (possibly "")."""
    written = " ".join((owner_headline or "").split())
    if has_owner and written:
        return written
    return factual_headline(topics=topics, works_count=works_count, affiliations=affiliations)
