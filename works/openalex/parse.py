"""Parse one OpenAlex record of any schema era into its dataclass (see the package docstring).

Pure Python: no Django here. A record is rejected (RecordError) only when it cannot be
identified; every other field that cannot be read is a FieldWarning and is left empty.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .. import names
from ..identifiers import normalize_doi, normalize_openalex_id, normalize_orcid
from . import entities
from .entities import YEAR
from .records import (
    ABSTRACT_MAX,
    ABSTRACT_MAX_WORDS,
    LANGUAGE_MAX,
    LONG_URL_MAX,
    NAME_ALTERNATIVES_MAX,
    NAME_MAX,
    OA_STATUS_MAX,
    REFERENCED_WORKS_MAX,
    TITLE_MAX,
    TYPE_MAX,
    AffiliationRecord,
    AuthorRecord,
    AuthorRef,
    AuthorshipRecord,
    FieldWarning,
    Record,
    RecordError,
    Skipped,
    SourceRecord,
    WorkConceptRecord,
    WorkRecord,
    WorkTopicRecord,
)
from .values import Fields, clean_text

# OpenAlex's placeholder for "an author we could not identify": a byline, not a person.
NULL_AUTHOR = "A9999999999"
POSITIONS = ("first", "middle", "last")
# Snapshot folders of entities BZPEER does not keep as rows (their ids are paths, not letters).
_OTHER_KINDS = re.compile(
    r"https?://(?:api\.)?openalex\.org/(keywords|subfields|fields|domains|sdgs|countries|"
    r"continents|languages|licenses|work-types|source-types|institution-types)/",
    re.IGNORECASE,
)


# --- Shared pieces ------------------------------------------------------------------------


def rebuild_abstract(inverted_index: Any, fields: Fields | None = None, where: str = "") -> str:
    """Return the abstract text from OpenAlex's ``{word: [positions]}`` index.

    Early records wrap it: ``{"IndexLength": n, "InvertedIndex": {...}}``. Words whose
    positions cannot be read are left out, with one warning.
    """
    fields = fields or Fields([])
    path = where + "abstract_inverted_index"
    if inverted_index is None:
        return ""
    if not isinstance(inverted_index, dict):
        fields.warn(path, "expected an object", inverted_index)
        return ""
    if isinstance(inverted_index.get("InvertedIndex"), dict):
        inverted_index = inverted_index["InvertedIndex"]
    placed: list[tuple[int, str]] = []
    unreadable = 0
    for word, positions in inverted_index.items():
        if not isinstance(positions, list):
            unreadable += 1
            continue
        for position in positions:
            if not isinstance(position, int) or isinstance(position, bool) or position < 0:
                unreadable += 1
                continue
            placed.append((position, word))
            # Sorting pairs, not filling a list up to the highest position, keeps a hostile
            # position such as 10**12 cheap.
            if len(placed) >= ABSTRACT_MAX_WORDS:
                break
        if len(placed) >= ABSTRACT_MAX_WORDS:
            break
    if unreadable:
        fields.warn(path, f"{unreadable} position(s) are not whole numbers; words left out")
    placed.sort(key=lambda pair: pair[0])
    return clean_text(" ".join(word for _, word in placed), ABSTRACT_MAX)


# --- Works ----------------------------------------------------------------------------------


def _author_ref(f: Fields, obj: dict, where: str) -> AuthorRef | None:
    openalex_id = f.entity_id(obj, where, "A")
    if openalex_id is None or openalex_id == NULL_AUTHOR:
        return None
    return AuthorRef(
        openalex_id=openalex_id,
        display_name=names.display_form(entities.name(f, obj, where, openalex_id)),
        orcid=normalize_orcid(obj.get("orcid")),
    )


def _authorships(f: Fields, record: dict) -> tuple[AuthorshipRecord, ...]:
    """Every entry of the byline in its place, linked or not; repeated entries are kept."""
    authorships = []
    for order, item in f.objects(record, "authorships"):
        where = f"authorships[{order}]."
        author_obj = f.mapping(item, "author", where)
        author = _author_ref(f, author_obj, f"{where}author.") if author_obj else None
        position = f.text(item, "author_position", where, TYPE_MAX)
        if position and position not in POSITIONS:
            f.warn(where + "author_position", "not first, middle or last", position)
            position = ""
        raw_name = f.text(item, "raw_author_name", where, NAME_MAX)
        # 2021-2023 records give one string, later ones a list.
        affiliations = f.strings(
            item, "raw_affiliation_strings", where, TITLE_MAX, 100, distinct=False
        )
        if not affiliations:
            affiliations = f.strings(item, "raw_affiliation_string", where, TITLE_MAX, 1)
        institutions = []
        for index, inst in f.objects(item, "institutions", where):
            parsed = entities.institution(f, inst, f"{where}institutions[{index}].")
            if parsed is not None:
                institutions.append(parsed)
        countries = [
            code
            for index, value in enumerate(f.items(item, "countries", where))
            if (code := entities.country_value(f, value, f"{where}countries[{index}]"))
        ]
        authorships.append(
            AuthorshipRecord(
                author=author,
                order=order,
                position=position,
                raw_author_name=raw_name
                or (
                    author.display_name
                    if author
                    else entities.name(f, author_obj, f"{where}author.", "")
                ),
                institutions=tuple(institutions),
                raw_affiliation_strings=tuple(affiliations),
                is_corresponding=f.boolean(item, "is_corresponding", where),
                countries=tuple(countries),
            )
        )
    return tuple(authorships)


def _worksource(f: Fields, record: dict) -> SourceRecord | None:
    location = f.mapping(record, "primary_location")
    source = f.mapping(location, "source", "primary_location.")
    if source:
        return entities.source(f, source, "primary_location.source.")
    host_venue = f.mapping(record, "host_venue")
    if host_venue:
        return entities.source(f, host_venue, "host_venue.")
    return None


def _score(f: Fields, item: dict, where: str) -> float:
    score = f.number(item, "score", where)
    return score if score is not None and math.isfinite(score) else 0.0


def _work_topics(f: Fields, record: dict) -> tuple[WorkTopicRecord, ...]:
    """Topics if the record has them, else its primary topic (concepts are read apart)."""
    items = f.objects(record, "topics")
    key = "topics"
    if not items:
        primary = f.mapping(record, "primary_topic")
        items, key = ([(None, primary)] if primary else []), "primary_topic"
    topics: dict[str, WorkTopicRecord] = {}
    for index, item in items:
        where = f"{key}[{index}]." if index is not None else f"{key}."
        topic = entities.topic(f, item, where)
        if topic is not None and topic.openalex_id not in topics:
            topics[topic.openalex_id] = WorkTopicRecord(topic=topic, score=_score(f, item, where))
    return tuple(topics.values())


def _work_concepts(f: Fields, record: dict) -> tuple[WorkConceptRecord, ...]:
    concepts: dict[str, WorkConceptRecord] = {}
    for index, item in f.objects(record, "concepts"):
        where = f"concepts[{index}]."
        concept = entities.concept(f, item, where)
        if concept is not None and concept.openalex_id not in concepts:
            score = _score(f, item, where)
            concepts[concept.openalex_id] = WorkConceptRecord(concept=concept, score=score)
    return tuple(concepts.values())


def _referenced_works(f: Fields, record: dict) -> tuple[str, ...]:
    referenced: dict[str, None] = {}
    for index, raw in enumerate(f.items(record, "referenced_works")):
        openalex_id = normalize_openalex_id(raw)
        if openalex_id is None or openalex_id[0] != "W":
            f.warn(f"referenced_works[{index}]", "not an OpenAlex work id", raw)
            continue
        referenced[openalex_id] = None
        if len(referenced) >= REFERENCED_WORKS_MAX:
            break
    return tuple(referenced)


def _doi(f: Fields, value: Any, path: str) -> str:
    doi = normalize_doi(value)
    if value and not doi:
        f.warn(path, "not a DOI", value)
    return doi


def parse_work(record: dict, openalex_id: str, fields: Fields | None = None) -> WorkRecord:
    f = fields or Fields([])
    ids = f.mapping(record, "ids")
    title = f.text(record, "title", "", TITLE_MAX) or f.text(record, "display_name", "", TITLE_MAX)
    publication_date = f.date(record, "publication_date")
    year = f.integer(record, "publication_year", **YEAR)
    if year is None and publication_date is not None:
        year = publication_date.year
    authorships = _authorships(f, record)
    stated_count = f.integer(record, "authors_count") or 0
    open_access = f.mapping(record, "open_access")
    location = f.mapping(record, "primary_location")
    host_venue = f.mapping(record, "host_venue")
    abstract = rebuild_abstract(record.get("abstract_inverted_index"), f)
    return WorkRecord(
        openalex_id=openalex_id,
        title=title,
        doi=_doi(f, record.get("doi"), "doi") or _doi(f, ids.get("doi"), "ids.doi"),
        # Tools that rebuild the abstract themselves (openalexPro's JSON Lines) store it as text.
        abstract=abstract or f.text(record, "abstract", "", ABSTRACT_MAX),
        type=f.text(record, "type", "", TYPE_MAX),
        publication_year=year,
        publication_date=publication_date,
        source=_worksource(f, record),
        cited_by_count=f.integer(record, "cited_by_count") or 0,
        language=f.text(record, "language", "", LANGUAGE_MAX),
        referenced_works=_referenced_works(f, record),
        # Every authorship in the record counts, linked or not; a record that states a larger
        # count (a list cut short by the API) is believed, so consortium papers stay recognised.
        authors_count=min(max(len(authorships), stated_count), 2**31 - 1),
        authorships=authorships,
        topics=_work_topics(f, record),
        concepts=_work_concepts(f, record),
        is_oa=f.boolean(open_access, "is_oa", "open_access."),
        oa_status=f.text(open_access, "oa_status", "open_access.", OA_STATUS_MAX),
        oa_url=f.url(open_access, "oa_url", "open_access.", LONG_URL_MAX),
        landing_page_url=f.url(location, "landing_page_url", "primary_location.", LONG_URL_MAX)
        or f.url(host_venue, "url", "host_venue.", LONG_URL_MAX),
        is_retracted=f.boolean(record, "is_retracted"),
        counts_by_year=entities.counts_by_year(f, record, "cited_by_count"),
        **entities.own_fields(record, f),
    )


# --- Authors --------------------------------------------------------------------------------


def parse_author(record: dict, openalex_id: str, fields: Fields | None = None) -> AuthorRecord:
    f = fields or Fields([])
    ids = f.mapping(record, "ids")
    alternatives = f.strings(
        record, "display_name_alternatives", "", NAME_MAX, NAME_ALTERNATIVES_MAX
    )
    return AuthorRecord(
        openalex_id=openalex_id,
        display_name=names.display_form(entities.name(f, record, "", openalex_id)),
        orcid=normalize_orcid(record.get("orcid")) or normalize_orcid(ids.get("orcid")),
        display_name_alternatives=tuple(alternatives),
        affiliations=_affiliations(f, record),
        figures=entities.figures(f, record),
        **entities.own_fields(record, f),
    )


def _affiliations(f: Fields, record: dict) -> tuple[AffiliationRecord, ...] | None:
    """The record's institutions: ``affiliations`` (with years, 2023 on) and the last known
    one(s) (``last_known_institutions`` 2024 on, ``last_known_institution`` before)."""
    keys = ("affiliations", "last_known_institutions", "last_known_institution")
    if not any(key in record for key in keys):
        return None  # the record does not say: keep what is stored
    found: dict[str, AffiliationRecord] = {}
    for index, item in f.objects(record, "affiliations"):
        where = f"affiliations[{index}]."
        institution = entities.institution(
            f, f.mapping(item, "institution", where), where + "institution."
        )
        if institution is None:
            continue
        years = [
            year
            for i, value in enumerate(f.items(item, "years", where))
            if (year := f.integer_value(value, f"{where}years[{i}]", **YEAR)) is not None
        ]
        known = found.get(institution.openalex_id)
        firsts = [y for y in (min(years, default=None), known and known.first_year) if y]
        lasts = [y for y in (max(years, default=None), known and known.last_year) if y]
        found[institution.openalex_id] = AffiliationRecord(
            institution=institution,
            first_year=min(firsts) if firsts else None,
            last_year=max(lasts) if lasts else None,
        )
    last_known = f.objects(record, "last_known_institutions")
    key = "last_known_institutions"
    if not last_known and isinstance(record.get("last_known_institution"), dict):
        last_known, key = [(None, record["last_known_institution"])], "last_known_institution"
    elif record.get("last_known_institution") is not None and not last_known:
        f.mapping(record, "last_known_institution")  # warns: not an object
    for index, item in last_known:
        where = f"{key}[{index}]." if index is not None else f"{key}."
        institution = entities.institution(f, item, where)
        if institution is None:
            continue
        known = found.get(institution.openalex_id)
        found[institution.openalex_id] = AffiliationRecord(
            institution=known.institution if known else institution,
            first_year=known.first_year if known else None,
            last_year=known.last_year if known else None,
            last_known=True,
        )
    return tuple(found.values())


# --- One record -------------------------------------------------------------------------------


def record_id(record: dict) -> str | None:
    """The record's OpenAlex id (from ``id``, else ``ids.openalex``), or None."""
    for raw in (record.get("id"), (record.get("ids") or {}).get("openalex")
                if isinstance(record.get("ids"), dict) else None):  # fmt: skip
        openalex_id = normalize_openalex_id(raw)
        if openalex_id is not None:
            return openalex_id
    return None


def parse_record(record: Any, warnings: list[FieldWarning] | None = None) -> Record:
    """Return the dataclass for one OpenAlex record, adding what could not be read to
    ``warnings``; raise RecordError only if the record cannot be identified."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    openalex_id = record_id(record)
    if openalex_id is None:
        raw = record.get("id")
        if isinstance(raw, str) and (other := _OTHER_KINDS.match(raw.strip())):
            return Skipped(other.group(1).lower())
        if raw is None:
            raise RecordError("record has no id")
        raise RecordError(f"id {str(raw)[:60]!r} is not an OpenAlex entity id")
    f = Fields(warnings if warnings is not None else [])
    kind = openalex_id[0]
    if kind == "W":
        parsed = parse_work(record, openalex_id, f)
    elif kind == "A":
        parsed = parse_author(record, openalex_id, f)
    else:
        parser = {
            "I": entities.institution,
            "S": entities.source,
            "T": entities.topic,
            "C": entities.concept,
            "P": entities.publisher,
            "F": entities.funder,
        }[kind]
        # ``own``: the record's own id, found above (even where "id" itself was unusable).
        parsed = parser(f, record, "", own=openalex_id)
    f.finish()
    return parsed
