"""What the OpenAlex reader yields: plain dataclasses, the field lengths they are cut to, and
the errors. Pure Python: no Django here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Lengths of the model fields these values land in (works.models, profiles.models).
ID_MAX = 32
NAME_MAX = 500
TYPE_MAX = 40
ROR_MAX = 64
URL_MAX = 500
DOMAIN_MAX = 255
ISSN_MAX = 16
LANGUAGE_MAX = 16
TAXONOMY_MAX = 255  # Topic.subfield, .field, .domain
# TextFields have no limit in the database; these keep one hostile record from bloating it.
TITLE_MAX = 5_000
ABSTRACT_MAX = 100_000
ABSTRACT_MAX_WORDS = 20_000
NAME_ALTERNATIVES_MAX = 100
REFERENCED_WORKS_MAX = 10_000

# A JSON Lines record longer than this is reported, not read: real ones stay far below.
MAX_LINE_BYTES = 64 * 1024 * 1024
# A file that is one JSON document (not JSON Lines) is read whole, up to this size.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024

CONCEPT_MIN_SCORE = 0.3
GZIP_MAGIC = b"\x1f\x8b"
NOT_JSON = object()


# --- What a reader yields -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InstitutionRecord:
    openalex_id: str
    display_name: str
    ror: str = ""
    country_code: str = ""
    type: str = ""
    homepage_url: str = ""
    homepage_domain: str = ""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    openalex_id: str
    display_name: str
    issn_l: str = ""
    type: str = ""
    host_organization_name: str = ""


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """A topic (``T…``) or, from older data, a concept (``C…``)."""

    openalex_id: str
    display_name: str
    subfield: str = ""
    field: str = ""
    domain: str = ""


@dataclass(frozen=True, slots=True)
class AuthorRef:
    """The short author object inside a work's authorship."""

    openalex_id: str
    display_name: str
    orcid: str = ""


@dataclass(frozen=True, slots=True)
class AuthorshipRecord:
    author: AuthorRef | None  # None when OpenAlex did not resolve the author to an id
    order: int  # place in the byline, from 0
    position: str = ""
    raw_author_name: str = ""
    institutions: tuple[InstitutionRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkTopicRecord:
    topic: TopicRecord
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class WorkRecord:
    openalex_id: str
    title: str = ""
    doi: str = ""
    abstract: str = ""
    type: str = ""
    publication_year: int | None = None
    publication_date: dt.date | None = None
    source: SourceRecord | None = None
    cited_by_count: int = 0
    language: str = ""
    referenced_works: tuple[str, ...] = ()
    authors_count: int = 0
    authorships: tuple[AuthorshipRecord, ...] = ()
    topics: tuple[WorkTopicRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorRecord:
    openalex_id: str
    display_name: str
    orcid: str = ""
    display_name_alternatives: tuple[str, ...] = ()
    # None when the record says nothing about it (leave what is stored), () when it says none.
    last_known_institutions: tuple[InstitutionRecord, ...] | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A valid OpenAlex record of a kind BZPEER does not store (publishers, funders)."""

    kind: str


Record = WorkRecord | AuthorRecord | InstitutionRecord | SourceRecord | TopicRecord | Skipped


@dataclass(frozen=True, slots=True)
class Parsed:
    path: str
    line: int
    record: Record


@dataclass(frozen=True, slots=True)
class ParseError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class RecordError(ValueError):
    """A record that cannot be read; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class MergedId:
    openalex_id: str
    merge_into_id: str
    merge_date: dt.date | None = None
