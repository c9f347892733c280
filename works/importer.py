"""Write parsed OpenAlex records to the database: batched, idempotent upserts.

The OpenAlex id is the natural key. Each batch is written in one transaction with a handful of
bulk statements, so a failing batch leaves nothing behind and a large import stays fast.

A record's own entity (an institution record, a source record, an author record) is the
authority on its row and updates it. The short copies of an entity embedded in other records (the
institutions of an authorship, the source of a work) only create the row when it is missing:
they carry fewer fields, and must not blank what the entity's own record filled in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, models, transaction

from . import openalex
from .import_authorships import (
    authorships_sync,
    chunks,
    desired_authorships,
    openalex_merges,
    stub_of_survivor,
    survivors,
    sync_links,
)
from .models import (
    Institution,
    Researcher,
    Source,
    Topic,
    Work,
    WorkTopic,
)
from .services import public_verification_level, researchers_changed

MAX_KEPT_ERRORS = 1000

_KIND_NAMES = {
    openalex.WorkRecord: "works",
    openalex.AuthorRecord: "authors",
    openalex.InstitutionRecord: "institutions",
    openalex.SourceRecord: "sources",
    openalex.TopicRecord: "topics",
}


@dataclass
class ImportResult:
    files: int = 0
    # Records written, by kind ("works", "authors", ...).
    counts: Counter = field(default_factory=Counter)
    # Valid records of kinds BZPEER does not store, by kind ("funder", ...).
    skipped: Counter = field(default_factory=Counter)
    duplicate_files: list[tuple[Path, Path]] = field(default_factory=list)
    error_count: int = 0
    errors: list[openalex.ParseError] = field(default_factory=list)  # the first ones
    researchers_changed: int = 0

    def add_error(self, error: openalex.ParseError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)


def openalex_import(
    *,
    paths: Sequence[Path | str],
    batch_size: int | None = None,
    on_error: Callable[[openalex.ParseError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import OpenAlex files and folders; report bad records and carry on with the rest.

    Afterwards the counters and trust scores of every researcher whose works changed are
    refreshed, once for the whole import.
    """
    batch_size = batch_size or settings.BZPEER["IMPORT_BATCH_SIZE"]
    files, duplicates = openalex.find_input_files(paths)
    result = ImportResult(files=len(files), duplicate_files=duplicates)
    touched: set[int] = set()

    def report(error: openalex.ParseError) -> None:
        result.add_error(error)
        if on_error:
            on_error(error)

    def flush(batch: list[openalex.Parsed]) -> None:
        try:
            with transaction.atomic():
                touched.update(_write_batch([item.record for item in batch]))
        except DatabaseError as exc:
            first, last = batch[0], batch[-1]
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            report(
                openalex.ParseError(
                    first.path,
                    first.line,
                    f"batch of {len(batch)} records (to {last.path}:{last.line}) "
                    f"not written: {reason}",
                )
            )
        else:
            result.counts.update(_KIND_NAMES[type(item.record)] for item in batch)
        if on_progress:
            on_progress(len(batch))

    batch: list[openalex.Parsed] = []
    for item in openalex.read_paths(files):
        if isinstance(item, openalex.ParseError):
            report(item)
        elif isinstance(item.record, openalex.Skipped):
            result.skipped[item.record.kind] += 1
        else:
            batch.append(item)
            if len(batch) >= batch_size:
                flush(batch)
                batch = []
    if batch:
        flush(batch)

    if touched:
        researchers_changed(researcher_ids=touched)
    result.researchers_changed = len(touched)
    return result


# --- One batch ----------------------------------------------------------------------------


def _pk_map(model: type[models.Model], openalex_ids: Iterable[str]) -> dict[str, int]:
    ids = list(openalex_ids)
    found: dict[str, int] = {}
    for chunk in chunks(ids):
        found.update(model.objects.filter(openalex_id__in=chunk).values_list("openalex_id", "pk"))
    return found


def _write_batch(records: list[openalex.Record]) -> set[int]:
    """Upsert one batch of records; return the ids of the researchers whose data changed."""
    # The same id twice in one INSERT ... ON CONFLICT DO UPDATE is an error: the last wins.
    by_kind: dict[type, dict[str, openalex.Record]] = {kind: {} for kind in _KIND_NAMES}
    for record in records:
        by_kind[type(record)][record.openalex_id] = record
    works = list(by_kind[openalex.WorkRecord].values())
    authors = list(by_kind[openalex.AuthorRecord].values())

    institution_stubs = [
        inst for work in works for a in work.authorships for inst in a.institutions
    ] + [inst for author in authors for inst in author.last_known_institutions or ()]
    institutions = _upsert_entities(
        Institution,
        by_kind[openalex.InstitutionRecord].values(),
        institution_stubs,
        _institution_row,
        _INSTITUTION_FIELDS,
    )
    sources = _upsert_entities(
        Source,
        by_kind[openalex.SourceRecord].values(),
        [work.source for work in works if work.source],
        _source_row,
        _SOURCE_FIELDS,
    )
    topics = _upsert_entities(
        Topic,
        by_kind[openalex.TopicRecord].values(),
        [wt.topic for work in works for wt in work.topics],
        _topic_row,
        _TOPIC_FIELDS,
    )
    stubs = [a.author for work in works for a in work.authorships if a.author]
    merged_away = openalex_merges({stub.openalex_id for stub in stubs})
    researchers = _upsert_researchers(
        full=authors,
        stubs=[stub_of_survivor(stub, merged_away) for stub in stubs],
    )
    _sync_last_known_institutions(authors, researchers, institutions)

    touched = {researchers[author.openalex_id] for author in authors}
    if works:
        work_pks = _upsert_works(works, sources)
        _sync_work_topics(works, work_pks, topics)
        authors_of_works = survivors(researchers, merged_away)
        touched |= authorships_sync(
            work_ids=list(work_pks.values()),
            desired=desired_authorships(works, work_pks, authors_of_works, institutions),
        )
    return touched


def _upsert(
    model: type[models.Model], rows: list[models.Model], update_fields: list[str]
) -> dict[str, int]:
    """Insert or update rows by OpenAlex id; return their pks by OpenAlex id."""
    if not rows:
        return {}
    saved = model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["openalex_id"], update_fields=update_fields
    )
    # PostgreSQL and SQLite return the pks of upserted rows; other databases need a lookup.
    if all(row.pk for row in saved):
        return {row.openalex_id: row.pk for row in saved}
    return _pk_map(model, (row.openalex_id for row in rows))


def _ensure(model: type[models.Model], records: dict, make_row: Callable) -> dict[str, int]:
    """Create the rows whose OpenAlex id is missing, leave the others; return all their pks.

    Looking first means rows that exist (most of them, once a database is filled) cost one
    SELECT and no INSERT. The insert still ignores conflicts: a parallel import may have created
    the same row in between.
    """
    pks = _pk_map(model, records)
    missing = [
        make_row(record) for openalex_id, record in records.items() if openalex_id not in pks
    ]
    if missing:
        model.objects.bulk_create(missing, ignore_conflicts=True)
        pks.update(_pk_map(model, (row.openalex_id for row in missing)))
    return pks


def _upsert_entities(model, full, stubs, make_row, update_fields) -> dict[str, int]:
    """Upsert an entity's own records, then create what their short copies name."""
    pks = _upsert(model, [make_row(record) for record in full], update_fields)
    rest = {stub.openalex_id: stub for stub in stubs if stub.openalex_id not in pks}
    pks.update(_ensure(model, rest, make_row))
    return pks


_INSTITUTION_FIELDS = [
    "display_name",
    "ror",
    "country_code",
    "type",
    "homepage_url",
    "homepage_domain",
]
_SOURCE_FIELDS = ["display_name", "issn_l", "type", "host_organization_name"]
_TOPIC_FIELDS = ["display_name", "subfield", "field", "domain"]


def _institution_row(record: openalex.InstitutionRecord) -> Institution:
    return Institution(
        openalex_id=record.openalex_id, **{f: getattr(record, f) for f in _INSTITUTION_FIELDS}
    )


def _source_row(record: openalex.SourceRecord) -> Source:
    return Source(openalex_id=record.openalex_id, **{f: getattr(record, f) for f in _SOURCE_FIELDS})


def _topic_row(record: openalex.TopicRecord) -> Topic:
    return Topic(openalex_id=record.openalex_id, **{f: getattr(record, f) for f in _TOPIC_FIELDS})


def _new_researcher(openalex_id: str, display_name: str, orcid: str, **extra) -> Researcher:
    return Researcher(
        openalex_id=openalex_id,
        display_name=display_name,
        orcid=orcid,
        verification_level=public_verification_level(openalex_id=openalex_id, orcid=orcid),
        **extra,
    )


def _upsert_researchers(
    *, full: list[openalex.AuthorRecord], stubs: list[openalex.AuthorRef]
) -> dict[str, int]:
    """Create or update researchers; return their pks by OpenAlex id.

    Only the fields open data owns are updated. The owner, claim status, headline, the
    open-to-collaborate flag and the verification level are left alone on existing records: a
    claimed record keeps its level, and an imported record always has an OpenAlex id, so the
    level open data supports (L1) never changes for it.
    """
    pks = _upsert(
        Researcher,
        [
            _new_researcher(
                r.openalex_id,
                r.display_name,
                r.orcid,
                display_name_alternatives=list(r.display_name_alternatives),
            )
            for r in full
        ],
        ["display_name", "display_name_alternatives", "orcid"],
    )
    rest = {stub.openalex_id: stub for stub in stubs if stub.openalex_id not in pks}
    # An authorship may know an ORCID iD that an earlier import did not: fill it in, never
    # replace one.
    missing_orcid: list[Researcher] = []
    for chunk in chunks(list(rest)):
        for openalex_id, pk, orcid in Researcher.objects.filter(openalex_id__in=chunk).values_list(
            "openalex_id", "pk", "orcid"
        ):
            pks[openalex_id] = pk
            if not orcid and rest[openalex_id].orcid:
                missing_orcid.append(Researcher(pk=pk, orcid=rest[openalex_id].orcid))
    if missing_orcid:
        Researcher.objects.bulk_update(missing_orcid, ["orcid"])
    new = {openalex_id: stub for openalex_id, stub in rest.items() if openalex_id not in pks}
    pks.update(
        _ensure(Researcher, new, lambda s: _new_researcher(s.openalex_id, s.display_name, s.orcid))
    )
    return pks


def _sync_last_known_institutions(
    authors: list[openalex.AuthorRecord], researchers: dict[str, int], institutions: dict[str, int]
) -> None:
    sync_links(
        Researcher.last_known_institutions.through,
        "researcher",
        "institution",
        {
            researchers[a.openalex_id]: {
                institutions[i.openalex_id] for i in a.last_known_institutions
            }
            for a in authors
            if a.last_known_institutions is not None  # the record did not say: keep what is stored
        },
    )


_WORK_FIELDS = [
    "doi",
    "title",
    "abstract",
    "type",
    "publication_year",
    "publication_date",
    "source",
    "cited_by_count",
    "language",
    "referenced_works",
    "authors_count",
]


def _upsert_works(works: list[openalex.WorkRecord], sources: dict[str, int]) -> dict[str, int]:
    rows = [
        Work(
            openalex_id=w.openalex_id,
            doi=w.doi,
            title=w.title,
            abstract=w.abstract,
            type=w.type,
            publication_year=w.publication_year,
            publication_date=w.publication_date,
            source_id=sources[w.source.openalex_id] if w.source else None,
            cited_by_count=w.cited_by_count,
            language=w.language,
            referenced_works=list(w.referenced_works),
            authors_count=w.authors_count,
        )
        for w in works
    ]
    # Timestamps are left out on purpose: importing the same record again changes nothing.
    return _upsert(Work, rows, _WORK_FIELDS)


def _sync_work_topics(
    works: list[openalex.WorkRecord], work_pks: dict[str, int], topics: dict[str, int]
) -> None:
    desired = {
        (work_pks[w.openalex_id], topics[wt.topic.openalex_id]): wt.score
        for w in works
        for wt in w.topics
    }
    existing = {
        (work_id, topic_id): (pk, score)
        for pk, work_id, topic_id, score in WorkTopic.objects.filter(
            work_id__in=list(work_pks.values())
        ).values_list("pk", "work_id", "topic_id", "score")
    }
    stale = [pk for key, (pk, _) in existing.items() if key not in desired]
    for chunk in chunks(stale):
        WorkTopic.objects.filter(pk__in=chunk).delete()
    changed = [
        WorkTopic(work_id=work_id, topic_id=topic_id, score=score)
        for (work_id, topic_id), score in desired.items()
        if existing.get((work_id, topic_id), (None, None))[1] != score
    ]
    if changed:
        WorkTopic.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["work", "topic"],
            update_fields=["score"],
        )
