"""Filters answered from the stored OpenAlex documents (``OpenAlexRecord.record``, jsonb).

A filter on a field BZPEER keeps no typed column for (`locations.license`, `keywords.id`,
`authorships.institutions.lineage`, ...) is a question to the entity's own record: equality is
jsonb containment (`@>`), which the GIN index of migration 0010 answers; comparisons (`>`, `<`,
ranges) and `null` are SQL/JSON path predicates (`@@`, `@?`) run by PostgreSQL. Rows are never
loaded into Python: a filter is `openalex_id IN (SELECT openalex_id FROM records WHERE ...)`.

A path names the field as OpenAlex does, with `[]` after every key whose value is a list:
`authorships[].institutions[].lineage[]`. Containment needs to know the lists; the SQL/JSON
paths are lax, so they do not care.

Rows without a stored record (made in BZPEER, or known only from short copies inside other
records) never match a document filter, and match its negation. The embedded SQLite mode has no
jsonb: document filters answer a 400 there that says so.
"""

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable

from django.db import connection, models
from django.db.models import Q

from works import identifiers
from works.models import OpenAlexRecord

from .filters import QueryError

# Left out of the indexed copy of each document: large, and no filter reads them (references
# are a typed column with an index of their own, migration 0004). Migration 0010 builds the
# index on exactly this expression; a test checks that the planner uses it.
UNINDEXED_KEYS = (
    "abstract_inverted_index",
    "abstract_inverted_index_v3",
    "counts_by_year",
    "referenced_works",
    "related_works",
    "international",
)
UNINDEXED_SQL = "'{" + ",".join(UNINDEXED_KEYS) + "}'::text[]"
OPENALEX = "https://openalex.org/"
MAX_NUMBER = 10**15

FilterBuilder = Callable[[str], Q]


class Indexed(models.Func):
    """The document as the GIN index holds it: the record less UNINDEXED_KEYS."""

    template = f"(%(expressions)s - {UNINDEXED_SQL})"
    output_field = models.JSONField()

    def __init__(self):
        super().__init__(models.F("record"))


class PathMatch(models.Func):
    """`record @@ 'predicate'` (or `@?` for `exists`): an SQL/JSON path test on the record."""

    output_field = models.BooleanField()

    def __init__(self, path: str, operator: str = "@@"):
        self.operator = operator
        super().__init__(models.F("record"), models.Value(path))

    def as_sql(self, compiler, connection, **extra):
        record, record_params = compiler.compile(self.source_expressions[0])
        path, path_params = compiler.compile(self.source_expressions[1])
        return f"({record} {self.operator} ({path})::jsonpath)", [*record_params, *path_params]


def require_postgres(key: str) -> None:
    if connection.vendor != "postgresql":
        raise QueryError(
            f"{key} is answered from the stored OpenAlex records, which needs PostgreSQL; "
            "the embedded SQLite mode answers only filters on typed columns"
        )


def matching(condition, key: str = "filter") -> Q:
    """Rows whose stored record meets `condition` (a Q or boolean expression on records)."""
    require_postgres(key)
    records = OpenAlexRecord.objects.alias(indexed=Indexed()).filter(condition)
    return Q(openalex_id__in=records.values("openalex_id"))


def nest(path: str, value) -> dict | list:
    """`a[].b` and 1 -> {"a": [{"b": 1}]}: the containment object of a value at a path."""
    for part in reversed(path.split(".")):
        value = {part[:-2]: [value]} if part.endswith("[]") else {part: value}
    return value


def contains(*objects) -> Q:
    """Any of the containment objects is in the indexed document."""
    condition = Q()
    for obj in objects:
        condition |= Q(indexed__contains=obj)
    return condition


def json_path(path: str) -> str:
    """`a[].b.c[]` -> `$."a"[*]."b"."c"[*]` (quoted keys: `2yr_mean_citedness` is one)."""
    parts = []
    for part in path.split("."):
        name = part.removesuffix("[]")
        parts.append(json.dumps(name) + ("[*]" if part.endswith("[]") else ""))
    return "$." + ".".join(parts)


def invalid(key: str, text: str, why: str) -> QueryError:
    return QueryError(f"Invalid filter: {key}:{text[:80]} ({why})")


# --- Values as OpenAlex writes them in its documents ----------------------------------------


def as_is(text: str) -> list:
    return [text]


def lower(text: str) -> list:
    return [text.lower()]


def upper(text: str) -> list:
    return [text.upper()]


def camel(*known: str) -> Callable[[str], list]:
    """Values with a fixed spelling (`publishedVersion`), matched whatever the case asked."""
    by_lower = {value.lower(): value for value in known}

    def normalize(text):
        if text.lower() not in by_lower:
            raise QueryError(f"expects one of {', '.join(known)}")
        return [by_lower[text.lower()]]

    return normalize


def openalex_id(*letters: str) -> Callable[[str], list]:
    """`I123`, `i123` or `https://openalex.org/I123` -> the full id the documents hold."""

    def normalize(text):
        short = text.strip().rstrip("/").rsplit("/", 1)[-1].upper()
        if short[:1] not in letters or not short[1:].isdigit():
            raise ValueError(f"not an OpenAlex id starting with {' or '.join(letters)}")
        return [OPENALEX + short]

    return normalize


# The form of the last part of an id written as a URL, by the URL's prefix (after `case`):
# a value of another form is refused. The schema states the same forms.
ID_TAILS = {
    "https://ror.org/": r"0[a-z0-9]{8}",
    "https://www.wikidata.org/wiki/": r"Q[1-9][0-9]{0,11}",
    "https://pubmed.ncbi.nlm.nih.gov/": r"[1-9][0-9]{0,11}",
    "https://metadata.un.org/sdg/": r"[1-9][0-9]?",
    OPENALEX + "licenses/": r"[a-z0-9][a-z0-9.-]{0,59}",
    OPENALEX + "keywords/": r"[a-z0-9][a-z0-9-]{0,99}",
    OPENALEX + "domains/": r"[1-9][0-9]{0,5}",
    OPENALEX + "fields/": r"[1-9][0-9]{0,5}",
    OPENALEX + "subfields/": r"[1-9][0-9]{0,5}",
}
ISSN_FORM = r"[0-9]{4}-[0-9]{3}[0-9X]"


def prefixed(prefix: str, *, case: Callable[[str], str] = str.lower) -> Callable[[str], list]:
    """Ids written as URLs (`https://ror.org/…`, `…/keywords/…`): the last part, or the URL."""
    tail_form = re.compile(ID_TAILS[prefix])

    def normalize(text):
        tail = case(text.strip().rstrip("/").rsplit("/", 1)[-1])
        if not tail_form.fullmatch(tail):
            raise QueryError(f"not an id of the form {prefix}{ID_TAILS[prefix]}")
        return [prefix + tail]

    return normalize


def doi_url(text: str) -> list:
    """A DOI, bare or as its doi.org URL: the URL the documents hold (a funder's `ids.doi`)."""
    value = identifiers.normalize_doi(text)
    if not value:
        raise QueryError("not a DOI")
    return ["https://doi.org/" + value]


def number_or_text(text: str) -> list:
    """An id OpenAlex has written both as a number and as a string (`ids.mag`)."""
    tail = text.strip().rstrip("/").rsplit("/", 1)[-1]
    if not tail.isdigit() or len(tail) > 18:
        raise ValueError("expects a number")
    return [int(tail), tail]


def issn(text: str) -> list:
    value = text.strip().upper()
    if len(value) == 8 and "-" not in value:
        value = value[:4] + "-" + value[4:]
    if not re.fullmatch(ISSN_FORM, value):
        raise QueryError("not an ISSN (1234-5678)")
    return [value]


# --- Filter builders ------------------------------------------------------------------------


def term(*paths: str, normalize: Callable[[str], list] = as_is) -> FilterBuilder:
    """The value (normalised) is at any of the paths (alternative spellings across eras)."""

    def build(text):
        if text.lower() == "null":
            return ~matching(_exists_any(paths), paths[0])
        try:
            values = normalize(text)
        except ValueError as exc:
            raise invalid(paths[0], text, str(exc)) from None
        return matching(contains(*[nest(p, v) for p in paths for v in values]), paths[0])

    return build


def flag(*paths: str) -> FilterBuilder:
    """A true/false field: `true` or `false` as the record states it (a list: any element)."""

    def build(text):
        value = {"true": True, "false": False}.get(text.lower())
        if value is None:
            raise invalid(paths[0], text, "expects true or false")
        return matching(contains(*[nest(p, value) for p in paths]), paths[0])

    return build


def present(*paths: str) -> FilterBuilder:
    """`has_…`: true when the field holds a value (not null, not an empty list or text)."""

    def build(text):
        value = text.lower()
        if value not in {"true", "false"}:
            raise invalid(paths[0], text, "expects true or false")
        when_true = matching(_exists_any(paths), paths[0])
        return when_true if value == "true" else ~when_true

    return build


def _exists_any(paths: Iterable[str]):
    condition = Q()
    for path in paths:
        test = f'{json_path(path)} ? (@ != null && (@.type() != "string" || @ != ""))'
        condition |= PathMatch(test, "@?")
    return condition


def parse_number(key: str, text: str, *, decimal: bool) -> float | int:
    try:
        value = float(text) if decimal else int(text)
    except ValueError:
        kind = "a number" if decimal else "a whole number"
        raise invalid(key, text, f"expects {kind}") from None
    if not -MAX_NUMBER <= value <= MAX_NUMBER or value != value:
        raise invalid(key, text, "number out of range")
    return value


def comparisons(key: str, text: str, *, decimal: bool) -> list[tuple[str, float | int]]:
    """`5`, `>5`, `<5`, `2018-2020`, `2018-`, `-2020` -> [(operator, number), ...]."""
    text = text.strip()
    if text[:1] in "<>":
        return [(text[0], parse_number(key, text[1:].strip(), decimal=decimal))]
    low, dash, high = text[1:].partition("-")
    if dash:
        low = text[0] + low
        bounds = []
        if low:
            bounds.append((">=", parse_number(key, low, decimal=decimal)))
        if high:
            bounds.append(("<=", parse_number(key, high, decimal=decimal)))
        if not bounds:
            raise invalid(key, text, "a range needs at least one end")
        return bounds
    if text.startswith("-") and text[1:] and not decimal:
        return [("<=", parse_number(key, text[1:], decimal=decimal))]
    return [("==", parse_number(key, text, decimal=decimal))]


def amount(path: str, *, decimal: bool = False) -> FilterBuilder:
    """A number in the document: equal, `>`, `<`, a range `a-b`, or `null` / `!null`."""

    def build(text):
        if text.lower() == "null":
            return ~matching(_exists_any([path]), path)
        tests = [
            f"{json_path(path)} {op} {value!r}"
            for op, value in comparisons(path, text, decimal=decimal)
        ]
        if len(tests) == 1 and tests[0].split()[1] == "==":
            value = comparisons(path, text, decimal=decimal)[0][1]
            return matching(contains(nest(path, value)), path)
        return matching(PathMatch(" && ".join(f"({t})" for t in tests)), path)

    return build


def since(path: str, *, until: bool = False) -> FilterBuilder:
    """A date in the document (`created_date`) on or after (or on or before) the given date.

    The documents write dates as ISO text (`2016-06-24` or `2025-10-10T00:00:00`), which sorts
    as the dates do; "on or before a day" is "before the next day".
    """

    def build(text):
        try:
            day = dt.date.fromisoformat(text.strip()[:10])
        except ValueError:
            raise invalid(path, text, "expects a date YYYY-MM-DD") from None
        if until and day == dt.date.max:
            test = f"{json_path(path)} != null"
        elif until:
            test = f"{json_path(path)} < {json.dumps((day + dt.timedelta(days=1)).isoformat())}"
        else:
            test = f"{json_path(path)} >= {json.dumps(day.isoformat())}"
        return matching(PathMatch(test), path)

    return build


def where(predicate: str, key: str) -> Q:
    """Rows whose record meets an SQL/JSON path predicate written by hand (no user text in it)."""
    return matching(PathMatch(predicate), key)
