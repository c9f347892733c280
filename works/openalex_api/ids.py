"""Ids in the OpenAlex API: OpenAlex's own where a row has one, ours where it has none.

A row imported from OpenAlex answers to its OpenAlex id (`W2741809807`, full form
`https://openalex.org/W2741809807`). A row made in BZPEER has no OpenAlex id; it answers to
`BZ` + the entity letter + its primary key (`BZW42`, `BZA7`), in full form
`<SITE_URL>/openalex/<entity>/BZW42`, which is also the URL that serves it. OpenAlex ids are one
letter and digits, so the two kinds can never collide, and clients that keep the last path
segment as the short id (pyalex, openalexR) work with both.
"""

import re

from django.conf import settings

OPENALEX_BASE = "https://openalex.org/"
LOCAL_PREFIX = "BZ"
MAX_PK = 2**63 - 1

# The entity letter of each collection, and the letters its lookups accept: old OpenAlex venue
# ids (V…) became source ids (S…) with the same number. Concepts are concepts, never topics.
LETTERS = {
    "works": ("W", "W"),
    "authors": ("A", "A"),
    "institutions": ("I", "I"),
    "sources": ("S", "SV"),
    "topics": ("T", "T"),
    "concepts": ("C", "C"),
    "publishers": ("P", "P"),
    "funders": ("F", "F"),
}

_SHORT_ID = re.compile(r"(BZ)?([A-Z])(\d{1,19})")


def full_id(entity: str, row) -> str:
    if row.openalex_id:
        return OPENALEX_BASE + row.openalex_id
    return f"{settings.SITE_URL}/openalex/{entity}/{LOCAL_PREFIX}{LETTERS[entity][0]}{row.pk}"


def short_id(entity: str, row) -> str:
    return row.openalex_id or f"{LOCAL_PREFIX}{LETTERS[entity][0]}{row.pk}"


def parse_id(entity: str, text: str) -> tuple[str, object] | None:
    """("pk", 42) or ("openalex_id", "W123") for an id of this entity, else None."""
    candidate = text.strip().rstrip("/").rsplit("/", 1)[-1].upper()
    match = _SHORT_ID.fullmatch(candidate)
    if not match:
        return None
    local, letter, digits = match.groups()
    canonical, accepted = LETTERS[entity]
    if letter not in accepted:
        return None
    if local:
        if letter != canonical or int(digits) > MAX_PK or int(digits) == 0:
            return None
        return "pk", int(digits)
    if entity == "sources":
        letter = "S"
    return "openalex_id", f"{letter}{digits}"
