"""What the OpenAlex reader yields: plain dataclasses, the field lengths they are cut to, and
the errors. Pure Python: no Django here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field  # a topic has a field named `field`

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
LONG_URL_MAX = 2000  # Work.landing_page_url, Work.oa_url
WIKIDATA_MAX = 500
OA_STATUS_MAX = 16
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

LIST_INDEX = re.compile(r"\[\d+\]")
# Deeper than this, a value is not kept (real records nest 6 levels at most).
MAX_JSON_DEPTH = 64
GZIP_MAGIC = b"\x1f\x8b"
NOT_JSON = object()


# --- What a reader yields -----------------------------------------------------------------
#
# A record's own document rides along as ``record`` (the dict as read, cleaned for PostgreSQL);
# short copies of an entity inside another record (a work's source, an authorship's author)
# have an empty ``record`` and no ``updated_date``: they only create a row that is missing.


@dataclass(frozen=True, slots=True)
class Figures:
    """An entity's own figures as its record gives them (None: not given)."""

    works_count: int | None = None
    cited_by_count: int | None = None
    h_index: int | None = None
    i10_index: int | None = None
    two_year_mean_citedness: float | None = None
    counts_by_year: tuple[dict, ...] = ()


NO_FIGURES = Figures()


@dataclass(frozen=True, slots=True)
class InstitutionRecord:
    openalex_id: str
    display_name: str
    ror: str = ""
    country_code: str = ""
    type: str = ""
    homepage_url: str = ""
    homepage_domain: str = ""
    figures: Figures = NO_FIGURES
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SourceRecord:
    openalex_id: str
    display_name: str
    issn_l: str = ""
    type: str = ""
    host_organization_name: str = ""
    issn: tuple[str, ...] = ()
    host_organization: str = ""
    homepage_url: str = ""
    country_code: str = ""
    is_oa: bool | None = None
    is_in_doaj: bool | None = None
    figures: Figures = NO_FIGURES
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """A topic (``T…``) of the taxonomy OpenAlex introduced in 2024."""

    openalex_id: str
    display_name: str
    subfield: str = ""
    field: str = ""
    domain: str = ""
    figures: Figures = NO_FIGURES
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ConceptRecord:
    """A concept (``C…``) of the older taxonomy, on works of every era."""

    openalex_id: str
    display_name: str
    level: int | None = None
    wikidata: str = ""
    figures: Figures = NO_FIGURES
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class PublisherRecord:
    openalex_id: str
    display_name: str
    hierarchy_level: int | None = None
    country_codes: tuple[str, ...] = ()
    homepage_url: str = ""
    figures: Figures = NO_FIGURES
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class FunderRecord:
    openalex_id: str
    display_name: str
    country_code: str = ""
    homepage_url: str = ""
    figures: Figures = NO_FIGURES
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AuthorRef:
    """The short author object inside a work's authorship."""

    openalex_id: str
    display_name: str
    orcid: str = ""


@dataclass(frozen=True, slots=True)
class AuthorshipRecord:
    # None for an unlinked byline: no author id, or OpenAlex's null author A9999999999.
    author: AuthorRef | None
    order: int  # place in the byline, from 0
    position: str = ""
    raw_author_name: str = ""
    institutions: tuple[InstitutionRecord, ...] = ()
    raw_affiliation_strings: tuple[str, ...] = ()
    is_corresponding: bool | None = None
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkTopicRecord:
    topic: TopicRecord
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class WorkConceptRecord:
    concept: ConceptRecord
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
    concepts: tuple[WorkConceptRecord, ...] = ()
    is_oa: bool | None = None
    oa_status: str = ""
    oa_url: str = ""
    landing_page_url: str = ""
    is_retracted: bool | None = None
    counts_by_year: tuple[dict, ...] = ()
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AffiliationRecord:
    """One institution of an author record, with the years the record gives for it."""

    institution: InstitutionRecord
    first_year: int | None = None
    last_year: int | None = None
    last_known: bool = False


@dataclass(frozen=True, slots=True)
class AuthorRecord:
    openalex_id: str
    display_name: str
    orcid: str = ""
    display_name_alternatives: tuple[str, ...] = ()
    # None when the record says nothing about institutions (leave what is stored), () when it
    # says none: its affiliations and last known institution(s), merged per institution.
    affiliations: tuple[AffiliationRecord, ...] | None = None
    figures: Figures = NO_FIGURES
    record: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    updated_date: dt.datetime | None = None

    @property
    def last_known_institutions(self) -> tuple[InstitutionRecord, ...] | None:
        if self.affiliations is None:
            return None
        return tuple(a.institution for a in self.affiliations if a.last_known)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A valid OpenAlex record of a kind BZPEER does not store."""

    kind: str


Record = (
    WorkRecord
    | AuthorRecord
    | InstitutionRecord
    | SourceRecord
    | TopicRecord
    | ConceptRecord
    | PublisherRecord
    | FunderRecord
    | Skipped
)


@dataclass(frozen=True, slots=True)
class FieldWarning:
    """A field that could not be read: it was left empty and the record imported."""

    field: str  # its path in the record: "concepts[3].score"
    message: str
    value: str = ""  # what was there, cut short

    @property
    def field_kind(self) -> str:
        """The path without list indexes ("concepts[].score"), to count warnings by."""
        return LIST_INDEX.sub("[]", self.field)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" + (f" (got {self.value})" if self.value else "")


@dataclass(frozen=True, slots=True)
class Parsed:
    path: str
    line: int
    record: Record
    warnings: tuple[FieldWarning, ...] = ()

    def warning_lines(self) -> list[str]:
        """Each warning as a report line: file, line, record id, field, value."""
        record_id = getattr(self.record, "openalex_id", "")
        return [f"{self.path}:{self.line}: {record_id}: warning: {w}" for w in self.warnings]


@dataclass(frozen=True, slots=True)
class ParseError:
    """A record that was rejected (not a JSON object, no usable id) or a part of a file that
    could not be read."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class RecordError(ValueError):
    """A record that cannot be identified: not a JSON object, or no usable OpenAlex id."""


@dataclass(frozen=True, slots=True)
class MergedId:
    openalex_id: str
    merge_into_id: str
    merge_date: dt.date | None = None
