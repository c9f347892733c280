"""The trust rubric (TRUST.md, rubric version 2): a pure function of facts on the record.

No Django here: the score can be recomputed and explained anywhere, and tested part by part.

Version 2 (with the faithful import): "works" is the number the source credits the record with
(an imported author record's ``works_count``) when there is one, else the distinct works held,
and the explanation says which; "affiliation known" counts an institution named by the author
record or by any of the record's own authorships.
"""

import math
from dataclasses import dataclass

RUBRIC_VERSION = 2

IDENTITY_POINTS = {0: 0, 1: 5, 2: 25, 3: 40}
# Below L2 (claimed) the total cannot reach the upper tiers.
UNCLAIMED_CAP = 54

TIERS = [(80, "Exemplary"), (55, "Trusted"), (30, "Established"), (0, "Emerging")]


@dataclass(frozen=True)
class TrustInputs:
    verification_level: int
    works: int
    close_collaborators: int
    followers: int
    has_affiliation: bool
    has_orcid: bool
    has_owner_headline: bool
    # True when ``works`` is the source's own count (the author record's works_count), False
    # when it counts the works held.
    works_from_source: bool = False


@dataclass(frozen=True)
class TrustPart:
    key: str
    label: str
    points: int
    maximum: int
    reason: str


@dataclass(frozen=True)
class TrustBreakdown:
    parts: tuple[TrustPart, ...]
    total: int
    capped: bool
    rubric_version: int = RUBRIC_VERSION

    @property
    def tier(self) -> str:
        return tier_for(self.total)


def tier_for(total: int) -> str:
    for floor, name in TIERS:
        if total >= floor:
            return name
    return TIERS[-1][1]


def round_half_up(value: float) -> int:
    """Round as TRUST.md's arithmetic does (4.5 -> 5); Python's round() would give 4."""
    return math.floor(value + 0.5)


def _log_points(count: int, maximum: int) -> int:
    # log10(1 + n) / 3 reaches 1 at n = 999: a thousand works (or followers) hit the cap.
    return min(maximum, round_half_up(maximum * math.log10(1 + max(count, 0)) / 3))


def score(facts: TrustInputs) -> TrustBreakdown:
    level = facts.verification_level
    if level not in IDENTITY_POINTS:
        raise ValueError(f"unknown verification level {level!r}")
    completeness = (
        (5 if facts.has_affiliation else 0)
        + (2 if facts.has_orcid else 0)
        + (3 if facts.has_owner_headline else 0)
    )
    completeness_reasons = [
        "affiliation known" if facts.has_affiliation else "no affiliation",
        "ORCID iD on record" if facts.has_orcid else "no ORCID iD",
        "headline written by the owner" if facts.has_owner_headline else "no owner headline",
    ]
    parts = (
        TrustPart("identity", "Identity", IDENTITY_POINTS[level], 40, f"verification L{level}"),
        TrustPart(
            "publications",
            "Publication record",
            _log_points(facts.works, 20),
            20,
            f"{facts.works} work{'s' if facts.works != 1 else ''}"
            + (" (the OpenAlex author record's count)" if facts.works_from_source else " held"),
        ),
        TrustPart(
            "collaboration",
            "Collaboration network",
            round_half_up(15 * min(max(facts.close_collaborators, 0), 10) / 10),
            15,
            f"{facts.close_collaborators} close collaborator"
            f"{'s' if facts.close_collaborators != 1 else ''}",
        ),
        TrustPart(
            "community",
            "Community",
            _log_points(facts.followers, 15),
            15,
            f"{facts.followers} follower{'s' if facts.followers != 1 else ''}",
        ),
        TrustPart(
            "completeness",
            "Profile completeness",
            completeness,
            10,
            ", ".join(completeness_reasons),
        ),
    )
    raw_total = sum(part.points for part in parts)
    capped = level < 2 and raw_total > UNCLAIMED_CAP
    total = min(raw_total, UNCLAIMED_CAP) if level < 2 else raw_total
    return TrustBreakdown(parts=parts, total=total, capped=capped)
