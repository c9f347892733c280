"""Parse one OpenAlex record of any schema era into its dataclass (see the package docstring).

Pure Python: no Django here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import urlsplit

from .. import names
from ..identifiers import normalize_doi, normalize_openalex_id, normalize_orcid, normalize_ror
from .records import (
    ABSTRACT_MAX,
    ABSTRACT_MAX_WORDS,
    CONCEPT_MIN_SCORE,
    DOMAIN_MAX,
    ISSN_MAX,
    LANGUAGE_MAX,
    NAME_ALTERNATIVES_MAX,
    NAME_MAX,
    REFERENCED_WORKS_MAX,
    TAXONOMY_MAX,
    TITLE_MAX,
    TYPE_MAX,
    URL_MAX,
    AuthorRecord,
    AuthorRef,
    AuthorshipRecord,
    InstitutionRecord,
    Record,
    RecordError,
    Skipped,
    SourceRecord,
    TopicRecord,
    WorkRecord,
    WorkTopicRecord,
)

# --- Normalising values -------------------------------------------------------------------

_SKIPPED_KINDS = {"P": "publisher", "F": "funder"}


def homepage_domain(url: str) -> str:
    """Return the bare host of a homepage URL, without ``www.``: ``uni-example.edu``."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    return host if len(host) <= DOMAIN_MAX else ""


def clean_text(value: Any, max_length: int) -> str:
    """Return a string safe for PostgreSQL (no NUL, no lone surrogate), trimmed and cut."""
    if not isinstance(value, str):
        return ""
    # Cut before cleaning too, so that a 1 GB string costs no more than a short one.
    value = value[: max_length * 2]
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value.strip()[:max_length].strip()


def rebuild_abstract(inverted_index: Any) -> str:
    """Return the abstract text from OpenAlex's ``{word: [positions]}`` index."""
    if inverted_index is None:
        return ""
    if not isinstance(inverted_index, dict):
        raise RecordError("abstract_inverted_index: expected an object")
    # Early records wrap the index: {"IndexLength": n, "InvertedIndex": {...}}.
    if isinstance(inverted_index.get("InvertedIndex"), dict):
        inverted_index = inverted_index["InvertedIndex"]
    placed: list[tuple[int, str]] = []
    for word, positions in inverted_index.items():
        if not isinstance(positions, list):
            raise RecordError(f"abstract_inverted_index: positions of {word[:40]!r} not a list")
        for position in positions:
            if not _is_int(position) or position < 0:
                raise RecordError("abstract_inverted_index: a position is not a whole number")
            placed.append((position, word))
            # Sorting pairs, not filling a list up to the highest position, keeps a hostile
            # position such as 10**12 cheap.
            if len(placed) > ABSTRACT_MAX_WORDS:
                break
        if len(placed) > ABSTRACT_MAX_WORDS:
            break
    placed.sort(key=lambda pair: pair[0])
    return clean_text(" ".join(word for _, word in placed), ABSTRACT_MAX)


# --- Typed access to one record -----------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a whole number"}


def _field(obj: dict, key: str, kind: type, where: str = "") -> Any:
    """Return ``obj[key]`` if it has the expected type, None if missing or null; else raise."""
    value = obj.get(key)
    if value is None:
        return None
    if kind is int:
        ok = _is_int(value)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        expected = _TYPE_NAMES.get(kind, "a number")
        raise RecordError(f"{where}{key}: expected {expected}, got {type(value).__name__}")
    return value


def _objects(obj: dict, key: str, where: str = "") -> list[dict]:
    """Return a list field whose items must be objects (null items are dropped)."""
    items = _field(obj, key, list, where) or []
    for index, item in enumerate(items):
        if item is not None and not isinstance(item, dict):
            raise RecordError(f"{where}{key}[{index}]: expected an object")
    return [item for item in items if item is not None]


def _entity_id(obj: dict, prefixes: str, where: str) -> str | None:
    """Return the normalised id of a nested object, None when it has none; raise if malformed."""
    raw = _field(obj, "id", str, where)
    if raw is None or not raw.strip():
        return None
    openalex_id = normalize_openalex_id(raw)
    if openalex_id is None or openalex_id[0] not in prefixes:
        raise RecordError(f"{where}id: {raw[:60]!r} is not an OpenAlex id of the expected kind")
    return openalex_id


def _name(obj: dict, key: str, fallback: str, where: str = "") -> str:
    return clean_text(_field(obj, key, str, where), NAME_MAX) or fallback


def _person_name(obj: dict, key: str, fallback: str, where: str = "") -> str:
    # Records write "Haris, Muhammad" as often as "Muhammad Haris"; people read the latter.
    return names.display_form(_name(obj, key, fallback, where))


def parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _year(value: int | None) -> int | None:
    # PositiveSmallIntegerField holds 0..32767; anything outside is no year.
    return value if value is not None and 1 <= value <= 32767 else None


def _count(value: int | None) -> int:
    # PositiveIntegerField holds 0..2**31-1.
    return min(max(value or 0, 0), 2**31 - 1)


# --- Parsing one record per entity --------------------------------------------------------


def _institution(obj: dict, where: str) -> InstitutionRecord | None:
    openalex_id = _entity_id(obj, "I", where)
    if openalex_id is None:
        return None
    ids = _field(obj, "ids", dict, where) or {}
    homepage_url = clean_text(_field(obj, "homepage_url", str, where), URL_MAX * 2)
    if len(homepage_url) > URL_MAX:  # a URL cut short is wrong; keep none instead
        homepage_url = ""
    country_code = clean_text(_field(obj, "country_code", str, where), 3).upper()
    return InstitutionRecord(
        openalex_id=openalex_id,
        display_name=_name(obj, "display_name", openalex_id, where),
        ror=normalize_ror(_field(obj, "ror", str, where) or ids.get("ror")),
        country_code=country_code if len(country_code) == 2 and country_code.isalpha() else "",
        type=clean_text(_field(obj, "type", str, where), TYPE_MAX),
        homepage_url=homepage_url,
        homepage_domain=homepage_domain(homepage_url) if homepage_url else "",
    )


def _source(obj: dict, where: str) -> SourceRecord | None:
    openalex_id = _entity_id(obj, "S", where)
    if openalex_id is None:
        return None
    return SourceRecord(
        openalex_id=openalex_id,
        display_name=_name(obj, "display_name", openalex_id, where),
        issn_l=clean_text(_field(obj, "issn_l", str, where), ISSN_MAX),
        type=clean_text(_field(obj, "type", str, where), TYPE_MAX),
        host_organization_name=clean_text(
            _field(obj, "host_organization_name", str, where), NAME_MAX
        ),
    )


def _taxonomy_name(obj: dict, key: str, where: str) -> str:
    level = _field(obj, key, dict, where) or {}
    return clean_text(_field(level, "display_name", str, f"{where}{key}."), TAXONOMY_MAX)


def _topic(obj: dict, where: str) -> TopicRecord | None:
    openalex_id = _entity_id(obj, "TC", where)
    if openalex_id is None:
        return None
    return TopicRecord(
        openalex_id=openalex_id,
        display_name=_name(obj, "display_name", openalex_id, where),
        subfield=_taxonomy_name(obj, "subfield", where),
        field=_taxonomy_name(obj, "field", where),
        domain=_taxonomy_name(obj, "domain", where),
    )


def _author_ref(obj: dict, where: str) -> AuthorRef | None:
    openalex_id = _entity_id(obj, "A", where)
    if openalex_id is None:
        return None
    return AuthorRef(
        openalex_id=openalex_id,
        display_name=_person_name(obj, "display_name", openalex_id, where),
        orcid=normalize_orcid(_field(obj, "orcid", str, where)),
    )


def _authorships(record: dict) -> tuple[AuthorshipRecord, ...]:
    authorships = []
    for order, item in enumerate(_objects(record, "authorships")):
        where = f"authorships[{order}]."
        author_obj = _field(item, "author", dict, where)
        author = _author_ref(author_obj, f"{where}author.") if author_obj else None
        position = _field(item, "author_position", str, where) or ""
        raw_name = clean_text(_field(item, "raw_author_name", str, where), NAME_MAX)
        institutions = []
        for index, inst in enumerate(_objects(item, "institutions", where)):
            parsed = _institution(inst, f"{where}institutions[{index}].")
            if parsed is not None:
                institutions.append(parsed)
        authorships.append(
            AuthorshipRecord(
                author=author,
                order=order,
                position=position if position in ("first", "middle", "last") else "",
                raw_author_name=raw_name or (author.display_name if author else ""),
                institutions=tuple(institutions),
            )
        )
    return tuple(authorships)


def _work_source(record: dict) -> SourceRecord | None:
    location = _field(record, "primary_location", dict)
    if location:
        source = _field(location, "source", dict, "primary_location.")
        if source:
            return _source(source, "primary_location.source.")
    host_venue = _field(record, "host_venue", dict)
    if host_venue:
        return _source(host_venue, "host_venue.")
    return None


def _work_topics(record: dict) -> tuple[WorkTopicRecord, ...]:
    """Topics if the record has them, else its primary topic, else its assigned concepts."""
    if _field(record, "topics", list):
        items, key, min_score = _objects(record, "topics"), "topics", None
    elif _field(record, "primary_topic", dict):
        items, key, min_score = [record["primary_topic"]], "primary_topic", None
    else:
        items, key, min_score = _objects(record, "concepts"), "concepts", CONCEPT_MIN_SCORE
    topics: dict[str, WorkTopicRecord] = {}
    for index, item in enumerate(items):
        where = f"{key}[{index}]."
        topic = _topic(item, where)
        score = _field(item, "score", float, where)
        score = float(score) if score is not None and math.isfinite(score) else 0.0
        if topic is None or topic.openalex_id in topics:
            continue
        if min_score is not None and score < min_score:
            continue
        topics[topic.openalex_id] = WorkTopicRecord(topic=topic, score=score)
    return tuple(topics.values())


def _referenced_works(record: dict) -> tuple[str, ...]:
    referenced = []
    for index, raw in enumerate(_field(record, "referenced_works", list) or []):
        openalex_id = normalize_openalex_id(raw)
        if openalex_id is None or openalex_id[0] != "W":
            raise RecordError(f"referenced_works[{index}]: not an OpenAlex work id")
        if openalex_id not in referenced:
            referenced.append(openalex_id)
        if len(referenced) >= REFERENCED_WORKS_MAX:
            break
    return tuple(referenced)


def parse_work(record: dict, openalex_id: str) -> WorkRecord:
    ids = _field(record, "ids", dict) or {}
    title = _field(record, "title", str) or _field(record, "display_name", str)
    publication_date = parse_date(_field(record, "publication_date", str))
    year = _year(_field(record, "publication_year", int))
    if year is None and publication_date is not None:
        year = publication_date.year
    authorships = _authorships(record)
    stated_count = _field(record, "authors_count", int) or 0
    return WorkRecord(
        openalex_id=openalex_id,
        title=clean_text(title, TITLE_MAX),
        doi=normalize_doi(_field(record, "doi", str) or ids.get("doi")),
        # Tools that rebuild the abstract themselves (openalexPro's JSON Lines) store it as text.
        abstract=rebuild_abstract(record.get("abstract_inverted_index"))
        or clean_text(_field(record, "abstract", str), ABSTRACT_MAX),
        type=clean_text(_field(record, "type", str), TYPE_MAX),
        publication_year=year,
        publication_date=publication_date,
        source=_work_source(record),
        cited_by_count=_count(_field(record, "cited_by_count", int)),
        language=clean_text(_field(record, "language", str), LANGUAGE_MAX),
        referenced_works=_referenced_works(record),
        # Every authorship in the record counts, resolved or not; a record that states a larger
        # count (a list cut short by the API) is believed, so consortium papers stay recognised.
        authors_count=_count(max(len(authorships), stated_count)),
        authorships=authorships,
        topics=_work_topics(record),
    )


def parse_author(record: dict, openalex_id: str) -> AuthorRecord:
    ids = _field(record, "ids", dict) or {}
    alternatives = []
    for index, name in enumerate(_field(record, "display_name_alternatives", list) or []):
        if not isinstance(name, str):
            raise RecordError(f"display_name_alternatives[{index}]: expected a string")
        name = clean_text(name, NAME_MAX)
        if name and name not in alternatives:
            alternatives.append(name)
        if len(alternatives) >= NAME_ALTERNATIVES_MAX:
            break
    return AuthorRecord(
        openalex_id=openalex_id,
        display_name=_person_name(record, "display_name", openalex_id),
        orcid=normalize_orcid(_field(record, "orcid", str) or ids.get("orcid")),
        display_name_alternatives=tuple(alternatives),
        last_known_institutions=_last_known_institutions(record),
    )


def _last_known_institutions(record: dict) -> tuple[InstitutionRecord, ...] | None:
    if record.get("last_known_institutions") is not None:
        key, items = "last_known_institutions", _objects(record, "last_known_institutions")
    elif record.get("last_known_institution") is not None:
        key, items = "last_known_institution", [_field(record, "last_known_institution", dict)]
    elif "last_known_institutions" in record or "last_known_institution" in record:
        return ()  # the record says: none known
    else:
        return None  # the record does not say
    institutions: dict[str, InstitutionRecord] = {}
    for index, item in enumerate(items):
        parsed = _institution(item, f"{key}[{index}].")
        if parsed is not None:
            institutions.setdefault(parsed.openalex_id, parsed)
    return tuple(institutions.values())


def parse_record(record: Any) -> Record:
    """Return the dataclass for one OpenAlex record; raise RecordError if it cannot be read."""
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    raw_id = record.get("id")
    if raw_id is None:
        raise RecordError("record has no id")
    openalex_id = normalize_openalex_id(raw_id)
    if openalex_id is None:
        raise RecordError(f"id {str(raw_id)[:60]!r} is not an OpenAlex entity id")
    kind = openalex_id[0]
    if kind == "W":
        return parse_work(record, openalex_id)
    if kind == "A":
        return parse_author(record, openalex_id)
    if kind in _SKIPPED_KINDS:
        return Skipped(_SKIPPED_KINDS[kind])
    parser = {"I": _institution, "S": _source, "T": _topic, "C": _topic}[kind]
    return parser(record, "")
