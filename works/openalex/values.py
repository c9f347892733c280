"""Reading the fields of one record as liberally as they are written. Pure Python: no Django.

Numbers written as strings are numbers, ``null`` where a list or an object is expected is empty,
text in a number's place or an object in a string's place is a warning and the field is left
empty; nothing here raises. The record's own document is cleaned for PostgreSQL (no NUL
character, no lone surrogate, no NaN) and kept.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any
from urllib.parse import urlsplit

from bzpeer.safety import safe_url, strip_bidi

from ..identifiers import normalize_openalex_id
from .records import DOMAIN_MAX, MAX_JSON_DEPTH, FieldWarning

# Warnings kept per record; a record broken everywhere gets one more saying how many were left.
MAX_WARNINGS = 100
PREVIEW = 60
INT_MAX = 2**31 - 1


def preview(value: Any) -> str:
    """A short, safe picture of a value for a warning."""
    if isinstance(value, str):
        return repr(value[:PREVIEW]) + ("…" if len(value) > PREVIEW else "")
    if isinstance(value, dict):
        return f"an object of {len(value)} key(s)"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    return repr(value)[:PREVIEW]


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


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


def homepage_domain(url: str) -> str:
    """Return the bare host of a homepage URL, without ``www.``: ``uni-example.edu``."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.removeprefix("www.")
    return host if len(host) <= DOMAIN_MAX else ""


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_datetime(value: Any) -> dt.datetime | None:
    """``2023-04-21`` or ``2023-10-28T19:02:11.559494`` (or with a zone) as an aware UTC time."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        day = parse_date(text)
        if day is None:
            return None
        moment = dt.datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


# --- The stored document ----------------------------------------------------------------------


def _depth_within(value: Any, limit: int) -> bool:
    """Whether no container lies deeper than ``limit``; visits containers only, level by level."""
    level, depth = [value], 1
    while level:
        if depth > limit:
            return False
        below = []
        for item in level:
            for child in item.values() if type(item) is dict else item:
                if type(child) in _CONTAINERS:
                    below.append(child)
        level, depth = below, depth + 1
    return True


_CONTAINERS = (dict, list)


def clean_record(record: dict, warn) -> dict:
    """The document as it came, less what PostgreSQL refuses; most records need no change.

    A check through the C JSON encoder finds the clean ones at once; the others are rebuilt:
    NUL characters and lone surrogates are removed from strings (and keys), NaN and infinite
    numbers become null, and values nested deeper than MAX_JSON_DEPTH are dropped (a warning
    each, except for the characters, which the design allows to go).
    """
    try:
        text = json.dumps(record, ensure_ascii=False, allow_nan=False)
        if "\\u0000" not in text and _depth_within(record, MAX_JSON_DEPTH):
            text.encode("utf-8")  # raises on a lone surrogate
            return record
    except (ValueError, RecursionError, UnicodeEncodeError):
        pass
    return _rebuild(record, "", 0, warn)


def _clean_string(value: str) -> str:
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _rebuild(value: Any, path: str, depth: int, warn) -> Any:
    if isinstance(value, str):
        return _clean_string(value)
    if isinstance(value, float) and not math.isfinite(value):
        warn(path or "record", "not a finite number; left out", value)
        return None
    if not isinstance(value, dict | list):
        return value
    if depth >= MAX_JSON_DEPTH:
        warn(path or "record", f"nested deeper than {MAX_JSON_DEPTH} levels; left out", value)
        return None
    if isinstance(value, list):
        return [_rebuild(v, f"{path}[{i}]", depth + 1, warn) for i, v in enumerate(value)]
    return {
        _clean_string(k): _rebuild(v, f"{path}.{k}" if path else k, depth + 1, warn)
        for k, v in value.items()
    }


# --- Typed access to one record -----------------------------------------------------------


class Fields:
    """Typed, forgiving access to one record's fields, collecting a warning for each field
    that cannot be read. ``where`` is the path of the object read ("authorships[2].")."""

    def __init__(self, warnings: list[FieldWarning]):
        self.warnings = warnings
        self.untold = 0

    def warn(self, path: str, message: str, value: Any = None) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            shown = preview(value) if value is not None else ""
            self.warnings.append(FieldWarning(path, message, shown))
        else:
            self.untold += 1

    def finish(self) -> None:
        if self.untold:
            self.warnings.append(
                FieldWarning("record", f"{self.untold} more field(s) could not be read")
            )
            self.untold = 0

    # Containers ------------------------------------------------------------------------

    def mapping(self, obj: dict, key: str, where: str = "") -> dict:
        value = obj.get(key)
        if value is None or isinstance(value, dict):
            return value or {}
        self.warn(where + key, f"expected an object, got {_kind(value)}", value)
        return {}

    def items(self, obj: dict, key: str, where: str = "") -> list:
        value = obj.get(key)
        if value is None or isinstance(value, list):
            return value or []
        self.warn(where + key, f"expected a list, got {_kind(value)}", value)
        return []

    def objects(self, obj: dict, key: str, where: str = "") -> list[tuple[int, dict]]:
        """The objects of a list field with their indexes; null items are skipped."""
        found = []
        for index, item in enumerate(self.items(obj, key, where)):
            if isinstance(item, dict):
                found.append((index, item))
            elif item is not None:
                self.warn(f"{where}{key}[{index}]", f"expected an object, got {_kind(item)}", item)
        return found

    # Scalars ---------------------------------------------------------------------------

    def text(self, obj: dict, key: str, where: str, limit: int) -> str:
        """Text, cut to ``limit``, without bidi controls; a number is read as its digits."""
        return self.text_value(obj.get(key), where + key, limit)

    def text_value(self, value: Any, path: str, limit: int) -> str:
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.warn(path, f"expected text, got {_kind(value)}", value)
            return ""
        cleaned = clean_text(value, limit)
        shown = strip_bidi(cleaned)
        if shown != cleaned:
            self.warn(path, "bidirectional control characters removed", value)
        return shown

    def url(self, obj: dict, key: str, where: str, limit: int) -> str:
        """An http(s) URL (bzpeer.safety.safe_url); anything else, or one too long, is left out."""
        raw = self.text(obj, key, where, limit * 2)
        if not raw:
            return ""
        url = safe_url(raw)
        if not url:
            self.warn(where + key, "not an http(s) link; left out", raw)
        elif len(url) > limit:
            self.warn(where + key, f"longer than {limit} characters; left out", raw)
            url = ""
        return url

    def integer(
        self, obj: dict, key: str, where: str = "", low: int = 0, high: int = INT_MAX
    ) -> int | None:
        return self.integer_value(obj.get(key), where + key, low, high)

    def integer_value(self, value: Any, path: str, low: int = 0, high: int = INT_MAX) -> int | None:
        if value is None:
            return None
        number = _as_integer(value)
        if number is None:
            self.warn(path, f"expected a whole number, got {_kind(value)}", value)
            return None
        if not low <= number <= high:
            self.warn(path, f"outside {low}..{high}; left out", value)
            return None
        return number

    def number(self, obj: dict, key: str, where: str = "") -> float | None:
        value = obj.get(key)
        if value is None:
            return None
        number = _as_number(value)
        if number is None:
            self.warn(where + key, f"expected a number, got {_kind(value)}", value)
        return number

    def boolean(self, obj: dict, key: str, where: str = "") -> bool | None:
        value = obj.get(key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.warn(where + key, f"expected true or false, got {_kind(value)}", value)
        return None

    def date(self, obj: dict, key: str, where: str = "") -> dt.date | None:
        value = obj.get(key)
        if value is None or value == "":
            return None
        day = parse_date(value)
        if day is None:
            self.warn(where + key, "not a date YYYY-MM-DD", value)
        return day

    def moment(self, obj: dict, key: str, where: str = "") -> dt.datetime | None:
        value = obj.get(key)
        if value is None or value == "":
            return None
        moment = parse_datetime(value)
        if moment is None:
            self.warn(where + key, "not a date or date-time", value)
        return moment

    def strings(
        self, obj: dict, key: str, where: str, limit: int, most: int, *, distinct: bool = True
    ) -> list[str]:
        """The texts of a list field (a lone text counts as a list of one): non-empty and each
        once, or with ``distinct=False`` every item as it stands."""
        value = obj.get(key)
        values = [value] if isinstance(value, str) else self.items(obj, key, where)
        found: list[str] = []
        for index, item in enumerate(values):
            text = self.text_value(item, f"{where}{key}[{index}]", limit)
            if not distinct or (text and text not in found):
                found.append(text)
            if len(found) >= most:
                break
        return found

    def entity_id(self, obj: dict, where: str, letters: str, key: str = "id") -> str | None:
        """The normalised OpenAlex id of a nested object of one of these kinds, else None."""
        raw = obj.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        openalex_id = normalize_openalex_id(raw)
        if openalex_id is None or openalex_id[0] not in letters:
            self.warn(where + key, "not an OpenAlex id of the expected kind", raw)
            return None
        return openalex_id


def _as_integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip().replace(",", "") if len(value) < 40 else ""
        try:
            return int(text)
        except ValueError:
            number = _as_number(text)
            return int(number) if number is not None and number.is_integer() else None
    return None


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 1e300 else math.inf
    elif isinstance(value, str) and len(value) < 40:
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None
