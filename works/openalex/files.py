"""Read OpenAlex files: JSON, JSON Lines and API pages, plain or gzip, files or snapshot folders.

A line that cannot be read becomes a ParseError with its file and line; reading carries on. A
record read with fields it could not read is Parsed with its warnings.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .parse import (
    parse_record,
)
from .records import (
    GZIP_MAGIC,
    MAX_DOCUMENT_BYTES,
    MAX_LINE_BYTES,
    NOT_JSON,
    Parsed,
    ParseError,
    RecordError,
)

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
        warnings: list = []
        try:
            yield Parsed(path, line, parse_record(item, warnings), tuple(warnings))
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


def open_input(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == GZIP_MAGIC else open(path, "rb")


class _Position:
    """The last line read, shared by the readers so that a stream that breaks is reported at
    the line it broke on, not the first."""

    def __init__(self):
        self.line = 0


def read_file(path: Path | str) -> Iterator[Parsed | ParseError]:
    """Yield every record of one file, and a ParseError for every part that cannot be read."""
    name = str(path)
    at = _Position()
    try:
        with open_input(Path(path)) as stream:
            first = b""
            while not first.strip():
                first = stream.readline(MAX_LINE_BYTES + 1)
                if not first:
                    return  # an empty file holds no records
                at.line += 1
            try:
                value = _decode(first) if len(first) <= MAX_LINE_BYTES else NOT_JSON
            except ValueError:
                value = NOT_JSON
            if value is not NOT_JSON:
                # The first line is a whole JSON value: JSON Lines (or a one-line document).
                yield from _expand(value, name, at.line)
                yield from _read_lines(stream, name, at)
                return
            # Not JSON Lines: one document over many lines (a pretty-printed object or page).
            first_line = at.line
            rest = stream.read(MAX_DOCUMENT_BYTES + 1)
            too_large = len(rest) > MAX_DOCUMENT_BYTES
            yield from _read_document(first + rest, name, first_line, too_large=too_large)
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated or corrupt gzip stream, an unreadable file: report where it broke (the
        # line after the last one read), keep what was read.
        yield ParseError(name, at.line + 1, f"cannot read the file: {exc}")


def _read_lines(stream, name: str, at: _Position) -> Iterator[Parsed | ParseError]:
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        at.line += 1
        line = at.line
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # skip the rest of the oversized line without holding it
                rest = stream.readline(1024 * 1024)
                if not rest or rest.endswith(b"\n"):
                    break
            yield ParseError(name, line, f"line longer than {MAX_LINE_BYTES} bytes")
            continue
        if not raw.strip():
            continue
        if not raw.endswith(b"\n") and _stream_broken(stream):
            # A gzip stream cut short ends in the middle of a line: that line is where it broke.
            at.line -= 1
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        try:
            value = _decode(raw)
        except ValueError as exc:
            yield ParseError(name, line, str(exc))
            continue
        yield from _expand(value, name, line)


def _stream_broken(stream) -> bool:
    """Whether reading on raises: gzip only says a stream is truncated on the next read."""
    try:
        stream.read(1)
    except (OSError, EOFError, zlib.error):
        return True
    return False


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
        at = _Position()
        at.line = first_line - 1
        lines = list(_read_lines(_BytesLines(content), name, at))
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

    def read(self, size: int = -1) -> bytes:
        return b"".join(self._lines)


# --- Finding the files --------------------------------------------------------------------


def _skipped_in_folder(path: Path) -> bool:
    # Manifests list the parts; merged_ids/*.csv(.gz) list merged ids; neither holds records.
    name = path.name
    return name == "manifest" or name.startswith(".") or name.endswith((".csv", ".csv.gz"))


def _content_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open_input(path) as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def same_content(plain: Path, packed: Path) -> bool:
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
            if plain in present and same_content(plain, file):
                duplicates.append((file, plain))
            else:
                files.append(file)
    return files, duplicates


def read_paths(files: Iterable[Path]) -> Iterator[Parsed | ParseError]:
    """Yield the records of every file in turn."""
    for file in files:
        yield from read_file(file)
