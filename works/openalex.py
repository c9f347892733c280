"""Read OpenAlex records into plain dataclasses. Pure Python: no Django here.

Inputs: one JSON object, a JSON list, an API page (``{"meta": ..., "results": [...]}``) or JSON
Lines; plain or gzip (recognised by its magic bytes, not its name); files or snapshot folders
(``<entity>/updated_date=*/part_*``). The entity of each record comes from its id prefix.

Schemas drift: a missing field is missing, never an error. What changed over the years and how
it is read here:

- venue: ``primary_location.source`` (2023 on), else the old ``host_venue``, whose ``V…`` ids
  became ``S…`` ids with the same number when venues were renamed sources;
- topics: a work's ``topics`` (2024 on), else its ``primary_topic``, else its old ``concepts``.
  Concepts are kept as topics (with their ``C…`` id) so that older snapshots still give a
  researcher topics, as TRUST.md counts them; only concepts scored at least 0.3 are kept, because
  OpenAlex assigns a concept at 0.3 and lists lower-scored ones only as ancestors of assigned ones;
- an author's ``last_known_institutions`` (list, 2024 on) or ``last_known_institution`` (one);
  ``x_concepts`` and ``topics`` of an author are not read (BZPEER derives them from works);
- ORCID from ``orcid`` or ``ids.orcid``; DOI from ``doi`` or ``ids.doi``;
- abstracts from ``abstract_inverted_index``, also in its early ``{"IndexLength",
  "InvertedIndex"}`` wrapping, else from a plain ``abstract`` that some tools write.

A record that cannot be read (bad JSON, not an object, no id, a field of the wrong type) becomes
a ``ParseError`` with its file and line; reading carries on. Strings are cut to the lengths of
the model fields (a test keeps the two in step), NUL characters and lone surrogates are removed
because PostgreSQL refuses them.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import math
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import names
from .identifiers import (
    normalize_doi,
    normalize_openalex_id,
    normalize_orcid,
    normalize_ror,
)

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
_NOT_JSON = object()


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


def _date(value: str | None) -> dt.date | None:
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
    publication_date = _date(_field(record, "publication_date", str))
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


# --- Reading files ------------------------------------------------------------------------


def _expand(value: Any, path: str, line: int) -> Iterator[Parsed | ParseError]:
    """Yield the records of one JSON value: a record, a list of them, or an API page."""
    if isinstance(value, dict) and ("results" in value or "meta" in value):
        results = value.get("results")
        if not isinstance(results, list):
            yield ParseError(path, line, "API page without a results list (a group_by page?)")
            return
        items, label = results, "results[{}]: "
    elif isinstance(value, list):
        items, label = value, "item {}: "
    else:
        items, label = [value], ""
    for index, item in enumerate(items):
        try:
            yield Parsed(path, line, parse_record(item))
        except RecordError as exc:
            yield ParseError(path, line, label.format(index) + str(exc))
        except RecursionError:
            yield ParseError(path, line, label.format(index) + "record is nested too deeply")


def _decode(raw: bytes) -> Any:
    """Parse one JSON value; raise ValueError (with a short reason) if it is not one."""
    try:
        return json.loads(raw.rstrip(b"\r\n").decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError("not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise ValueError(f"invalid JSON: {exc}") from None


def _open(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == GZIP_MAGIC else open(path, "rb")


def read_file(path: Path | str) -> Iterator[Parsed | ParseError]:
    """Yield every record of one file, and a ParseError for every part that cannot be read."""
    name = str(path)
    line = 0
    try:
        with _open(Path(path)) as stream:
            first = b""
            while not first.strip():
                first = stream.readline(MAX_LINE_BYTES + 1)
                if not first:
                    return  # an empty file holds no records
                line += 1
            try:
                value = _decode(first) if len(first) <= MAX_LINE_BYTES else _NOT_JSON
            except ValueError:
                value = _NOT_JSON
            if value is not _NOT_JSON:
                # The first line is a whole JSON value: JSON Lines (or a one-line document).
                yield from _expand(value, name, line)
                yield from _read_lines(stream, name, line)
                return
            # Not JSON Lines: one document over many lines (a pretty-printed object or page).
            rest = stream.read(MAX_DOCUMENT_BYTES + 1)
            too_large = len(rest) > MAX_DOCUMENT_BYTES
            yield from _read_document(first + rest, name, line, too_large=too_large)
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated or corrupt gzip stream, an unreadable file: report it, keep what was read.
        yield ParseError(name, max(line, 1), f"cannot read the file: {exc}")


def _read_lines(stream, name: str, line: int) -> Iterator[Parsed | ParseError]:
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        line += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # skip the rest of the oversized line without holding it
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield ParseError(name, line, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        if not raw.strip():
            continue
        try:
            value = _decode(raw)
        except ValueError as exc:
            yield ParseError(name, line, str(exc))
            continue
        yield from _expand(value, name, line)


def _read_document(
    content: bytes, name: str, first_line: int, *, too_large: bool
) -> Iterator[Parsed | ParseError]:
    if too_large:
        yield ParseError(name, first_line, "not JSON Lines, and too large to read as one document")
        return
    try:
        value = json.loads(content.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        # Perhaps JSON Lines whose first line is broken: if other lines read, report per line.
        lines = list(_read_lines(_BytesLines(content), name, first_line - 1))
        if any(isinstance(item, Parsed) for item in lines):
            yield from lines
            return
        if isinstance(exc, json.JSONDecodeError):
            line = first_line + exc.lineno - 1
            yield ParseError(name, line, f"invalid JSON: {exc.msg} (column {exc.colno})")
        elif isinstance(exc, RecursionError):
            yield ParseError(name, first_line, "JSON is nested too deeply")
        elif isinstance(exc, UnicodeDecodeError):
            yield ParseError(name, first_line, "not valid UTF-8")
        else:
            yield ParseError(name, first_line, f"invalid JSON: {exc}")
        return
    yield from _expand(value, name, first_line)


class _BytesLines:
    """The readline() of a file over bytes already in memory."""

    def __init__(self, content: bytes):
        self._lines = iter(content.splitlines(keepends=True))

    def readline(self, limit: int = -1) -> bytes:
        return next(self._lines, b"")


# --- Finding the files --------------------------------------------------------------------


def _skipped_in_folder(path: Path) -> bool:
    # Manifests list the parts; merged_ids/*.csv(.gz) list merged ids; neither holds records.
    name = path.name
    return name == "manifest" or name.startswith(".") or name.endswith((".csv", ".csv.gz"))


def _content_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with _open(path) as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _same_content(plain: Path, packed: Path) -> bool:
    try:
        return _content_digest(plain) == _content_digest(packed)
    except (OSError, EOFError, zlib.error):
        return False


def find_input_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """Return the files to read, and the ``(skipped, same_as)`` pairs of duplicate files.

    A file given by name is always read. A folder is walked in sorted order, without manifests
    and CSV files. A ``part_000.gz`` lying beside a ``part_000`` with the same content (someone
    ran ``gunzip -k``) is read once; if the two differ, both are read, and the upserts make the
    later one win.
    """
    files: list[Path] = []
    duplicates: list[tuple[Path, Path]] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(p for p in path.rglob("*") if p.is_file() and not _skipped_in_folder(p))
        present = set(found)
        for file in found:
            plain = file.with_suffix("") if file.suffix == ".gz" else None
            if plain in present and _same_content(plain, file):
                duplicates.append((file, plain))
            else:
                files.append(file)
    return files, duplicates


def read_paths(files: Iterable[Path]) -> Iterator[Parsed | ParseError]:
    """Yield the records of every file in turn."""
    for file in files:
        yield from read_file(file)


# --- Merged ids -------------------------------------------------------------------------------
#
# A snapshot's ``merged_ids/<entity>/<merge date>.csv.gz`` files list the ids OpenAlex merged
# away, one per row: ``merge_date,id,merge_into_id`` (``2023-04-13,A3125154712,A4317838346``).
# Works stop naming a merged id in later snapshots, but older files and other tools still do.

MERGED_IDS_COLUMNS = ("merge_date", "id", "merge_into_id")


@dataclass(frozen=True, slots=True)
class MergedId:
    openalex_id: str
    merge_into_id: str
    merge_date: dt.date | None = None


def _is_csv(path: Path) -> bool:
    return path.name.endswith((".csv", ".csv.gz"))


def find_merged_ids_files(
    paths: Iterable[Path | str],
) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """Return the merged-ids CSV files to read and the ``(skipped, same_as)`` duplicate pairs.

    A file given by name is always read; a folder (a snapshot's ``merged_ids``) is walked in
    sorted order for ``*.csv`` and ``*.csv.gz``, and a ``.csv.gz`` beside a ``.csv`` with the
    same content is read once.
    """
    files: list[Path] = []
    duplicates: list[tuple[Path, Path]] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(p for p in path.rglob("*") if p.is_file() and _is_csv(p))
        present = set(found)
        for file in found:
            plain = file.with_suffix("") if file.suffix == ".gz" else None
            if plain in present and _same_content(plain, file):
                duplicates.append((file, plain))
            else:
                files.append(file)
    return files, duplicates


def read_merged_ids(path: Path | str) -> Iterator[Parsed | ParseError]:
    """Yield a ``Parsed`` MergedId for every row of one merged-ids CSV, a ParseError per bad row."""
    name = str(path)
    line = 1
    try:
        with _open(Path(path)) as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as text:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                return  # an empty file merges nothing
            header = [column.strip().lower() for column in header]
            if not set(MERGED_IDS_COLUMNS) <= set(header):
                yield ParseError(
                    name,
                    1,
                    f"not a merged-ids file: the header must name {', '.join(MERGED_IDS_COLUMNS)}",
                )
                return
            at = {column: header.index(column) for column in MERGED_IDS_COLUMNS}
            for row in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                try:
                    yield Parsed(name, line, _merged_id(row, at))
                except RecordError as exc:
                    yield ParseError(name, line, str(exc))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as exc:
        yield ParseError(name, line, f"cannot read the file: {exc}")


def _merged_id(row: list[str], at: dict[str, int]) -> MergedId:
    if len(row) <= max(at.values()):
        raise RecordError(f"expected {len(MERGED_IDS_COLUMNS)} columns, got {len(row)}")
    old = normalize_openalex_id(row[at["id"]])
    new = normalize_openalex_id(row[at["merge_into_id"]])
    if old is None or new is None:
        raise RecordError("id and merge_into_id must both be OpenAlex ids")
    if old[0] != new[0]:
        raise RecordError(f"{old} and {new} are not the same kind of entity")
    if old == new:
        raise RecordError(f"{old} is merged into itself")
    return MergedId(openalex_id=old, merge_into_id=new, merge_date=_date(row[at["merge_date"]]))
