"""Write parsed OpenAlex records to the database: batched, idempotent, newer-wins upserts.

The OpenAlex id is the natural key. Each batch is written in one transaction with a handful of
bulk statements per table (works.import_entities, works.import_authorships), so a failing
batch leaves nothing behind and a large import stays fast.

Newer wins: a record is written only when the stored row has no date of its own (a short copy,
an undated record) or an older one; an older copy never overwrites a newer one, and the same
record again changes nothing. Counts are distinct rows really written; a record whose id came
earlier in the same import is counted as a duplicate, one whose stored copy is as new or newer
as unchanged. (The ids of one import are held in memory for that: about 100 bytes each, so a
part file of a snapshot costs a few hundred megabytes at most.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction

from bzpeer import page_cache

from . import bulk, import_sql, openalex
from .import_authorships import (
    authorships_sync,
    desired_authorships,
    openalex_merges,
    stub_of_survivor,
    survivors,
)
from .import_entities import (
    CONCEPTS,
    FUNDERS,
    INSTITUTIONS,
    PUBLISHERS,
    SOURCES,
    TOPICS,
    researcher_institutions_sync,
    researchers_upsert,
    stored_dates,
    work_concepts_sync,
    work_topics_sync,
    works_upsert,
)
from .models import Concept, Funder, Institution, Publisher, Researcher, Source, Topic, Work
from .services import researchers_changed

MAX_KEPT_ERRORS = 1000
# Batches after which (and after 4 times as many, 16 times...) the statistics of the tables
# an import grows are refreshed (import_sql.analyze_growing).
ANALYZE_AFTER = 8
MAX_KEPT_WARNINGS = 1000

# Each kind of record: its name in the summary and its table.
KINDS = {
    openalex.WorkRecord: ("works", Work),
    openalex.AuthorRecord: ("authors", Researcher),
    openalex.InstitutionRecord: ("institutions", Institution),
    openalex.SourceRecord: ("sources", Source),
    openalex.TopicRecord: ("topics", Topic),
    openalex.ConceptRecord: ("concepts", Concept),
    openalex.PublisherRecord: ("publishers", Publisher),
    openalex.FunderRecord: ("funders", Funder),
}


@dataclass
class ImportResult:
    files: int = 0
    # Rows written from records, by kind ("works", "authors", ...).
    counts: Counter = field(default_factory=Counter)
    # Records not written because the stored copy is as new or newer, by kind.
    unchanged: Counter = field(default_factory=Counter)
    # Records whose id came earlier in the same import, by kind (the newest copy is kept).
    duplicates: Counter = field(default_factory=Counter)
    # Valid records of kinds BZPEER does not store (keywords, subfields...), by kind.
    skipped: Counter = field(default_factory=Counter)
    duplicate_files: list[tuple[Path, Path]] = field(default_factory=list)
    # Records not imported: rejected (no usable id, not an object) or in a batch that failed.
    rejected: int = 0
    error_count: int = 0  # reports of those (a failed batch is one report)
    errors: list[openalex.ParseError] = field(default_factory=list)  # the first ones
    warning_count: int = 0
    warnings_by_field: Counter = field(default_factory=Counter)  # "concepts[].score": 396
    warnings: list[str] = field(default_factory=list)  # the first ones, as report lines
    # The researchers whose data changed; their derived data was refreshed unless refresh=False.
    touched_researcher_ids: set[int] = field(default_factory=set)

    @property
    def researchers_changed(self) -> int:
        return len(self.touched_researcher_ids)

    def add_error(self, error: openalex.ParseError, records: int = 1) -> None:
        self.error_count += 1
        self.rejected += records
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)

    def add_warnings(self, item: openalex.Parsed) -> list[str]:
        lines = item.warning_lines()
        self.warning_count += len(lines)
        self.warnings_by_field.update(w.field_kind for w in item.warnings)
        room = MAX_KEPT_WARNINGS - len(self.warnings)
        if room > 0:
            self.warnings.extend(lines[:room])
        return lines


def openalex_import(
    *,
    paths: Sequence[Path | str],
    batch_size: int | None = None,
    on_error: Callable[[openalex.ParseError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
    on_batch_written: Callable[[set[int]], None] | None = None,
    refresh: bool = True,
) -> ImportResult:
    """Import OpenAlex files and folders; report bad records and carry on with the rest.

    Afterwards the counters and trust scores of every researcher whose data changed are
    refreshed, once for the whole import; with ``refresh=False`` the caller does it (for
    instance once for several imports) from ``result.touched_researcher_ids``.
    ``on_batch_written`` gets each batch's touched researchers inside the batch's transaction,
    so that what it records commits (or not) with the batch.
    """
    batch_size = batch_size or settings.BZPEER["IMPORT_BATCH_SIZE"]
    files, duplicates = openalex.find_input_files(paths)
    result = ImportResult(files=len(files), duplicate_files=duplicates)
    # What became of each id of this import ("seen", "written" or "unchanged"), so that each
    # distinct record is counted once and a repeated id is said as such.
    seen: dict[str, str] = {}

    def report(error: openalex.ParseError, records: int = 1) -> None:
        result.add_error(error, records)
        if on_error:
            on_error(error)

    def flush(batch: list[openalex.Parsed]) -> None:
        try:
            with transaction.atomic():
                written, unchanged, touched = write_batch([item.record for item in batch])
                if written:
                    # Public pages list works that touch no researcher (an unlinked byline),
                    # which researchers_changed would not retire.
                    page_cache.retire([page_cache.RECORDS])
                if on_batch_written:
                    on_batch_written(touched)
        except DatabaseError as exc:
            first, last = batch[0], batch[-1]
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            report(
                openalex.ParseError(
                    first.path,
                    first.line,
                    f"batch of {len(batch)} records (to {last.path}:{last.line}) "
                    f"not written: {reason}",
                ),
                records=len(batch),
            )
        else:
            result.touched_researcher_ids |= touched
            for kind, openalex_id in written:
                if seen.get(openalex_id) == "unchanged":  # an older copy came first
                    result.unchanged[kind] -= 1
                if seen.get(openalex_id) != "written":
                    seen[openalex_id] = "written"
                    result.counts[kind] += 1
            for kind, openalex_id in unchanged:
                if seen.get(openalex_id) == "seen":
                    seen[openalex_id] = "unchanged"
                    result.unchanged[kind] += 1
        if on_progress:
            on_progress(len(batch))

    written = [0]  # batches flushed

    def flushed(batch: list[openalex.Parsed]) -> None:
        flush(batch)
        written[0] += 1
        # Statistics as the tables grow: after 8, 32, 128... batches (import_sql.GROWING).
        times, rest = divmod(written[0], ANALYZE_AFTER)
        if bulk.is_postgres() and not rest and _power_of_4(times):
            import_sql.analyze_growing()

    batch: list[openalex.Parsed] = []
    for item in openalex.read_paths(files):
        if isinstance(item, openalex.ParseError):
            report(item)
            continue
        if isinstance(item.record, openalex.Skipped):
            result.skipped[item.record.kind] += 1
            continue
        for line in result.add_warnings(item):
            if on_warning:
                on_warning(line)
        openalex_id = item.record.openalex_id
        if openalex_id in seen:
            result.duplicates[KINDS[type(item.record)][0]] += 1
        else:
            seen[openalex_id] = "seen"
        batch.append(item)
        if len(batch) >= batch_size:
            flushed(batch)
            batch = []
    if batch:
        flushed(batch)

    if refresh and result.touched_researcher_ids:
        if bulk.is_postgres() and written[0] >= ANALYZE_AFTER:
            import_sql.analyze_growing()  # the refresh reads every table the import grew
        researchers_changed(researcher_ids=result.touched_researcher_ids)
    return result


def _power_of_4(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0 and (n.bit_length() - 1) % 2 == 0


# --- One batch ----------------------------------------------------------------------------


def _later(record, other) -> bool:
    """Whether ``record`` should win over ``other`` (the same id seen earlier)."""
    if other.updated_date is None or record.updated_date is None:
        return other.updated_date is None  # a dated copy beats an undated one
    return record.updated_date >= other.updated_date  # ties: the later in the input wins


def _newer_than_stored(model, records: dict[str, object]) -> dict[str, object]:
    """The records to write: new rows, rows with no date of their own, or an older date."""
    stored = stored_dates(model, list(records))
    fresh = {}
    for openalex_id, record in records.items():
        stored_date = stored.get(openalex_id)
        if stored_date is not None and (
            record.updated_date is None or record.updated_date <= stored_date
        ):
            continue  # the stored copy is as new or newer
        fresh[openalex_id] = record
    return fresh


def write_batch(records: list[openalex.Record]) -> tuple[list, list, set[int]]:
    """Write one batch; return the (kind, id) written and left unchanged, and the researchers
    whose data changed."""
    by_kind: dict[type, dict[str, openalex.Record]] = {kind: {} for kind in KINDS}
    for record in records:
        seen = by_kind[type(record)].get(record.openalex_id)
        if seen is None or _later(record, seen):
            by_kind[type(record)][record.openalex_id] = record
    unchanged = []
    for kind, (name, model) in KINDS.items():
        fresh = _newer_than_stored(model, by_kind[kind])
        unchanged += [
            (name, openalex_id) for openalex_id in by_kind[kind] if openalex_id not in fresh
        ]
        by_kind[kind] = fresh
    works = list(by_kind[openalex.WorkRecord].values())
    authors = list(by_kind[openalex.AuthorRecord].values())

    affiliations = [aff for a in authors for aff in a.affiliations or ()]
    institutions = INSTITUTIONS.upsert(
        by_kind[openalex.InstitutionRecord].values(),
        [i for w in works for a in w.authorships for i in a.institutions]
        + [aff.institution for aff in affiliations],
    )
    sources = SOURCES.upsert(
        by_kind[openalex.SourceRecord].values(), [w.source for w in works if w.source]
    )
    topics = TOPICS.upsert(
        by_kind[openalex.TopicRecord].values(), [wt.topic for w in works for wt in w.topics]
    )
    concepts = CONCEPTS.upsert(
        by_kind[openalex.ConceptRecord].values(), [wc.concept for w in works for wc in w.concepts]
    )
    PUBLISHERS.upsert(by_kind[openalex.PublisherRecord].values(), [])
    FUNDERS.upsert(by_kind[openalex.FunderRecord].values(), [])

    stubs = [a.author for w in works for a in w.authorships if a.author]
    merged_away = openalex_merges({stub.openalex_id for stub in stubs})
    researchers = researchers_upsert(
        full=authors, stubs=[stub_of_survivor(stub, merged_away) for stub in stubs]
    )
    researcher_institutions_sync(authors, researchers, institutions)

    touched = {researchers[author.openalex_id] for author in authors}
    if works:
        work_pks = works_upsert(works, sources)
        work_topics_sync(works, work_pks, topics)
        work_concepts_sync(works, work_pks, concepts)
        touched |= authorships_sync(
            work_ids=list(work_pks.values()),
            desired=desired_authorships(
                works, work_pks, survivors(researchers, merged_away), institutions
            ),
        )
    written = [
        (KINDS[kind][0], openalex_id) for kind, found in by_kind.items() for openalex_id in found
    ]
    return written, unchanged, touched
