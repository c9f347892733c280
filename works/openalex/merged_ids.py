"""Read OpenAlex's merged_ids CSV files (the ids it merged away and their survivors)."""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..identifiers import normalize_openalex_id
from .files import (
    open_input,
    same_content,
)
from .records import (
    MergedId,
    Parsed,
    ParseError,
    RecordError,
)
from .values import parse_date

# --- Merged ids -------------------------------------------------------------------------------
#
# A snapshot's ``merged_ids/<entity>/<merge date>.csv.gz`` files list the ids OpenAlex merged
# away, one per row: ``merge_date,id,merge_into_id`` (``2023-04-13,A3125154712,A4317838346``).
# Works stop naming a merged id in later snapshots, but older files and other tools still do.

MERGED_IDS_COLUMNS = ("merge_date", "id", "merge_into_id")


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
            if plain in present and same_content(plain, file):
                duplicates.append((file, plain))
            else:
                files.append(file)
    return files, duplicates


def read_merged_ids(path: Path | str) -> Iterator[Parsed | ParseError]:
    """Yield a ``Parsed`` MergedId for every row of one merged-ids CSV, a ParseError per bad row."""
    name = str(path)
    line = 1
    try:
        with open_input(Path(path)) as raw, io.TextIOWrapper(raw, "utf-8-sig", newline="") as text:
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
    return MergedId(
        openalex_id=old, merge_into_id=new, merge_date=parse_date(row[at["merge_date"]])
    )
