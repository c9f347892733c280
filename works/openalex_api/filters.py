"""Parse OpenAlex's query language. Pure Python: no Django here.

- `filter=key:value,key2:value2` — `,` is AND between clauses; inside a value `+` is AND, `|` is
  OR and a leading `!` negates one alternative; `<` and `>` before a number give a range (read
  by the numeric fields themselves, so a DOI may contain them). A `*.search` value is one text:
  its `+` is a space, as a form-encoded space would be.
- `sort=key[:asc|:desc],...`, `select=key,...`, `group-by=key[:include_unknown]`.
- paging numbers, `sample` and `seed`.

Everything wrong raises `QueryError`, which the views answer with a 400 and a JSON body.
"""

from dataclasses import dataclass
from urllib.parse import unquote

MAX_FILTER_LENGTH = 4000
MAX_CLAUSES = 50
# OpenAlex accepts up to 100 values OR-ed in one filter (pyalex enforces the same).
MAX_VALUES = 100
MAX_PER_PAGE = 200
# Basic paging reaches this many results; beyond it, use the cursor (as OpenAlex does).
MAX_PAGED_RESULTS = 10_000
MAX_SAMPLE = 10_000
MAX_SEED = 2**31 - 1
# A search filter's value is one text in OpenAlex's search syntax (see `search`, `fulltext`).
SEARCH_SUFFIXES = (".search", ".search.no_stem", ".search.exact")


# OpenAlex's `error` texts; newer pyalex raises its QueryError on the first one.
INVALID = "Invalid query parameters error."
PAGINATION = "Pagination error."


class QueryError(ValueError):
    def __init__(self, message: str, error: str = INVALID):
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass(frozen=True)
class Alternative:
    text: str
    negate: bool = False


@dataclass(frozen=True)
class Clause:
    """`key:value`: every group must match (AND); a group matches if one alternative does."""

    key: str
    groups: tuple[tuple[Alternative, ...], ...]


def _check_text(name: str, value: str) -> None:
    # PostgreSQL refuses NUL characters in text: refuse them here, with a 400.
    if "\x00" in value:
        raise QueryError(f"{name} contains a NUL character")


def raw_query_param(query_string: str, name: str) -> str | None:
    """One parameter, percent-decoded but with a literal `+` kept (it means AND in filters).

    Form decoding would turn `+` into a space; pyalex joins AND-ed values with a bare `+` and
    encodes real spaces and pluses, so the raw query string is the only faithful source.
    """
    found = None
    for part in query_string.split("&"):
        key, _, value = part.partition("=")
        if unquote(key.replace("+", " ")) == name:
            found = unquote(value, errors="replace")
    return found


def parse_filter(raw: str) -> list[Clause]:
    if len(raw) > MAX_FILTER_LENGTH:
        raise QueryError(f"filter is longer than {MAX_FILTER_LENGTH} characters")
    _check_text("filter", raw)
    clauses = []
    for part in raw.split(","):
        if not part.strip():
            continue
        key, colon, value = part.partition(":")
        key = key.strip().lower()
        if not colon or not key:
            raise QueryError(f"{part[:100]!r} is not key:value")
        if is_search_key(key):
            negate = value.startswith("!")
            text = value.removeprefix("!").replace("+", " ").strip()
            groups = ((Alternative(text, negate),),)
        else:
            groups = tuple(
                tuple(
                    Alternative(alt.removeprefix("!").strip(), alt.startswith("!"))
                    for alt in group.split("|")
                )
                for group in value.split("+")
            )
        values = [alt for group in groups for alt in group]
        if any(not alt.text for alt in values):
            raise QueryError(f"filter {key} has an empty value")
        if len(values) > MAX_VALUES:
            raise QueryError(f"filter {key} has more than {MAX_VALUES} values")
        clauses.append(Clause(key, groups))
    if len(clauses) > MAX_CLAUSES:
        raise QueryError(f"more than {MAX_CLAUSES} filters")
    return clauses


def is_search_key(key: str) -> bool:
    return key.endswith(SEARCH_SUFFIXES)


def split_comparison(text: str) -> tuple[str, str]:
    """`>10` -> (">", "10"); `10` -> ("=", "10")."""
    if text[:1] in "<>":
        return text[0], text[1:].strip()
    return "=", text


def parse_int(name: str, raw: str | None, *, default: int | None, low: int, high: int):
    if raw is None or raw == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise QueryError(f"Param {name} must be a number.") from None
    if not low <= value <= high:
        raise QueryError(f"{name} must be between {low} and {high}")
    return value


def parse_sort(raw: str, allowed: set[str]) -> list[tuple[str, bool]]:
    """[(key, descending)], in order; an unknown key or direction is an error."""
    _check_text("sort", raw)
    keys = []
    for part in raw.split(","):
        if not part.strip():
            continue
        key, _, direction = part.strip().partition(":")
        key = key.lower()
        direction = direction.lower() or "asc"
        if key not in allowed:
            raise QueryError(
                f"{key[:60]!r} is not a valid sort field; use one of {', '.join(sorted(allowed))}",
            )
        if direction not in {"asc", "desc"}:
            raise QueryError(f"sort direction must be asc or desc, got {direction[:20]!r}")
        keys.append((key, direction == "desc"))
    if len(keys) > 5:
        raise QueryError("sort by at most 5 fields")
    return keys


def parse_select(raw: str, allowed: set[str]) -> list[str]:
    _check_text("select", raw)
    fields = [field.strip() for field in raw.split(",") if field.strip()]
    unknown = [field for field in fields if field not in allowed]
    if unknown:
        raise QueryError(
            f"{unknown[0][:60]} is not a valid select field. "
            f"Valid fields for select are: {', '.join(sorted(allowed))}."
        )
    if not fields:
        raise QueryError("select needs at least one field")
    return fields


def parse_group_by(raw: str, allowed: set[str]) -> tuple[str, bool]:
    """(key, include_unknown)."""
    _check_text("group-by", raw)
    key, _, option = raw.strip().partition(":")
    key = key.lower()
    if key not in allowed:
        choices = ", ".join(sorted(allowed)) or "none for this entity"
        raise QueryError(f"{key[:60]!r} is not a valid group-by field; use one of {choices}")
    if option and option != "include_unknown":
        raise QueryError(f"unknown group-by option {option[:40]!r}")
    return key, option == "include_unknown"
