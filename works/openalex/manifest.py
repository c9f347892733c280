"""Read an OpenAlex snapshot's ``manifest`` files and check the parts they list.

Each entity folder of a snapshot (``works/``, ``authors/``...) holds a ``manifest``: JSON with an
``entries`` list, one per part file, ``{"url": "s3://openalex/data/works/updated_date=
2023-05-16/part_000.gz", "meta": {"content_length": 6937, "record_count": 27}}``. A part is
found at the same path under the entity folder, gzipped or (after ``gunzip``) plain.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .files import open_input

MANIFEST = "manifest"


@dataclass(frozen=True)
class ManifestEntry:
    manifest: Path
    # The part's path relative to its entity folder: "updated_date=2023-05-16/part_000.gz".
    part: str
    record_count: int | None

    @property
    def expected_path(self) -> Path:
        return self.manifest.parent / self.part

    def found(self) -> Path | None:
        """The file holding this part: the listed one, or its unzipped copy."""
        path = self.expected_path
        if path.is_file():
            return path
        plain = path.with_suffix("") if path.suffix == ".gz" else None
        return plain if plain is not None and plain.is_file() else None


@dataclass
class ManifestReport:
    entries: list[ManifestEntry] = field(default_factory=list)
    missing: list[ManifestEntry] = field(default_factory=list)
    # (entry, the file found, records read) where fewer records were read than listed.
    short: list[tuple[ManifestEntry, Path, int]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # manifests that could not be read

    def expected_counts(self) -> dict[Path, int]:
        """The record count each present part should hold, by the file that holds it."""
        counts = {}
        for entry in self.entries:
            if entry.record_count is None:
                continue
            # Either copy may be the one read: a .gz beside its identical plain copy is skipped.
            path = entry.expected_path
            for copy in (path, path.with_suffix("") if path.suffix == ".gz" else path):
                if copy.is_file():
                    counts[copy] = entry.record_count
        return counts

    def missing_lines(self) -> list[str]:
        return [
            f"{entry.manifest}: part {entry.part} is missing (looked for {entry.expected_path})"
            for entry in self.missing
        ]

    def short_lines(self) -> list[str]:
        return [short_line(path, entry.record_count, read) for entry, path, read in self.short]


def short_line(path: Path | str, expected: int | None, read: int) -> str:
    return f"{path}: the manifest lists {expected} record(s), {read} read"


def _part_of(url: str, entity: str) -> str | None:
    """The part's path under its entity folder, from the URL the manifest gives."""
    parts = url.replace("\\", "/").split("/")
    if entity in parts:
        rest = parts[max(i for i, name in enumerate(parts) if name == entity) + 1 :]
    else:  # a manifest moved to a folder of another name: keep the partition and file
        rest = parts[-2:]
    rest = [p for p in rest if p and p not in (".", "..")]
    return "/".join(rest) or None


def read_manifest(path: Path) -> list[ManifestEntry]:
    """The entries of one manifest; ValueError with a short reason if it cannot be read."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read the manifest: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"the manifest is not JSON: {exc.msg} (line {exc.lineno})") from None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("the manifest has no entries list")
    found = []
    for entry in entries:
        url = entry.get("url") if isinstance(entry, dict) else None
        part = _part_of(url, path.parent.name) if isinstance(url, str) else None
        if part is None:
            raise ValueError(f"a manifest entry without a part URL: {str(entry)[:80]}")
        meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
        count = meta.get("record_count")
        try:
            count = int(count) if count is not None else None
        except (TypeError, ValueError):
            count = None
        found.append(ManifestEntry(manifest=path, part=part, record_count=count))
    return found


def find_manifests(paths: Iterable[Path | str]) -> list[Path]:
    """The manifests in the folders given (a file given by name is read without one)."""
    manifests = []
    for path in map(Path, paths):
        if path.is_dir():
            manifests += sorted(p for p in path.rglob(MANIFEST) if p.is_file())
    return manifests


def count_records(path: Path) -> int:
    """The non-blank lines of a JSON Lines part that read; a broken stream stops the count."""
    count = 0
    try:
        with open_input(path) as stream:
            for line in stream:
                if line.strip():
                    count += 1
    except (OSError, EOFError, zlib.error):
        return max(count - 1, 0)  # the last line of a cut stream is not whole
    return count


def check_manifests(paths: Iterable[Path | str], *, count: bool = True) -> ManifestReport:
    """Check every part the manifests under these folders list: present and, with ``count``,
    holding as many records as listed."""
    report = ManifestReport()
    for manifest in find_manifests(paths):
        try:
            entries = read_manifest(manifest)
        except ValueError as exc:
            report.unreadable.append(f"{manifest}: {exc}")
            continue
        report.entries += entries
        for entry in entries:
            found = entry.found()
            if found is None:
                report.missing.append(entry)
            elif count and entry.record_count is not None:
                read = count_records(found)
                if read < entry.record_count:
                    report.short.append((entry, found, read))
    return report
