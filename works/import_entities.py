"""The importer's writes, one clear function per table: entities, researchers and their
affiliations, works with their topics and concepts, and the stored documents.

Each function takes parsed records (works.openalex) and the pks it needs, and writes its table
with a few bulk statements (ORM upserts; set-based COPY staging may replace any one of them).
A record's own entity is the authority on its row and updates it; the short copies of an entity
inside other records only create the row when it is missing: they carry fewer fields, and must
not blank what the entity's own record filled in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import psycopg
from django.db import connection, models
from psycopg.types.json import Jsonb

from . import bulk, import_sql, openalex
from .import_authorships import chunks
from .models import (
    Concept,
    Funder,
    Institution,
    OpenAlexRecord,
    Publisher,
    Researcher,
    ResearcherInstitution,
    Source,
    Topic,
    Work,
    WorkConcept,
    WorkTopic,
)
from .services import FIGURE_FIELDS as FIGURE_FIELDS_OF_RESEARCHERS
from .services import public_verification_level

FIGURE_FIELDS = [
    "works_count",
    "cited_by_count",
    "h_index",
    "i10_index",
    "two_year_mean_citedness",
    "counts_by_year",
]


# --- Generic upserts ------------------------------------------------------------------------


def pk_map(model: type[models.Model], openalex_ids: Iterable[str]) -> dict[str, int]:
    ids = list(openalex_ids)
    found: dict[str, int] = {}
    for chunk in chunks(ids):
        found.update(model.objects.filter(openalex_id__in=chunk).values_list("openalex_id", "pk"))
    return found


def stored_dates(model: type[models.Model], openalex_ids: Sequence[str]) -> dict:
    """``{openalex_id: updated_date}`` of the rows that exist (None: no date stored)."""
    if bulk.is_postgres():
        return import_sql.lookup(model, "openalex_id", "updated_date", list(openalex_ids))
    found: dict = {}
    for chunk in chunks(list(openalex_ids)):
        found.update(
            model.objects.filter(openalex_id__in=chunk).values_list("openalex_id", "updated_date")
        )
    return found


def upsert(
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
    return pk_map(model, (row.openalex_id for row in rows))


def ensure(model: type[models.Model], records: dict, make_row: Callable) -> dict[str, int]:
    """Create the rows whose OpenAlex id is missing, leave the others; return all their pks.

    Looking first means rows that exist (most of them, once a database is filled) cost one
    SELECT and no INSERT. The insert still ignores conflicts: a parallel import may have created
    the same row in between.
    """
    pks = pk_map(model, records)
    missing = [make_row(rec) for openalex_id, rec in records.items() if openalex_id not in pks]
    if missing:
        model.objects.bulk_create(missing, ignore_conflicts=True)
        pks.update(pk_map(model, (row.openalex_id for row in missing)))
    return pks


def documents_store(records: Iterable) -> None:
    """Keep each record's own document (OpenAlexRecord), replacing an older one."""
    rows = [(r.openalex_id, r.record) for r in records]
    if not rows:
        return
    if bulk.is_postgres():
        import_sql.documents_store(rows)
        return
    if connection.vendor == "postgresql":
        # Measured: the ORM's bulk upsert quotes every document into the SQL text client-side
        # (about 8 ms a real work record); bound parameters in a pipeline cost a tenth of it.
        table = connection.ops.quote_name(OpenAlexRecord._meta.db_table)
        sql = (
            f"INSERT INTO {table} (openalex_id, record) VALUES (%s, %s) "
            "ON CONFLICT (openalex_id) DO UPDATE SET record = EXCLUDED.record"
        )
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.executemany(sql, [(key, Jsonb(document)) for key, document in rows])
        return
    for chunk in chunks(rows, 1000):
        OpenAlexRecord.objects.bulk_create(
            [OpenAlexRecord(openalex_id=key, record=document) for key, document in chunk],
            update_conflicts=True,
            unique_fields=["openalex_id"],
            update_fields=["record"],
        )


def _figures(figures: openalex.Figures) -> dict:
    return {
        "works_count": figures.works_count,
        "cited_by_count": figures.cited_by_count,
        "h_index": figures.h_index,
        "i10_index": figures.i10_index,
        "two_year_mean_citedness": figures.two_year_mean_citedness,
        "counts_by_year": list(figures.counts_by_year),
    }


# --- Entities -------------------------------------------------------------------------------


class EntityTable:
    """How one entity's records become rows: its model and the typed columns its records fill
    (each named as the record's field; tuples are stored as JSON lists)."""

    def __init__(self, model, fields: list[str]):
        self.model = model
        self.fields = fields

    def _values(self, record, *, own: bool) -> dict:
        values = {name: getattr(record, name) for name in self.fields}
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}
        if own:
            values.update(_figures(record.figures), updated_date=record.updated_date)
        return values

    def make(self, record, *, own: bool) -> models.Model:
        return self.model(openalex_id=record.openalex_id, **self._values(record, own=own))

    def values(self, record, *, own: bool) -> tuple:
        """The row of ``make`` as a tuple: OpenAlex id, fields (and figures and date if own).

        Without a model instance: measured, their __init__ was the import's largest Python cost.
        """
        return (record.openalex_id, *self._values(record, own=own).values())

    def upsert(self, full: Iterable, stubs: Iterable) -> dict[str, int]:
        """Upsert the entity's own records, then create what their short copies name."""
        full = list(full)
        if bulk.is_postgres():
            fields = self.fields + FIGURE_FIELDS + ["updated_date"]
            pks = import_sql.upsert_newer(
                self.model, fields, [self.values(r, own=True) for r in full]
            )
            documents_store(full)
            rest = {stub.openalex_id: stub for stub in stubs if stub.openalex_id not in pks}
            pks.update(
                import_sql.ensure(
                    self.model, self.fields, [self.values(r, own=False) for r in rest.values()]
                )
            )
            return pks
        pks = upsert(
            self.model,
            [self.make(r, own=True) for r in full],
            self.fields + FIGURE_FIELDS + ["updated_date"],
        )
        documents_store(full)
        rest = {stub.openalex_id: stub for stub in stubs if stub.openalex_id not in pks}
        pks.update(ensure(self.model, rest, lambda r: self.make(r, own=False)))
        return pks


INSTITUTIONS = EntityTable(
    Institution,
    ["display_name", "ror", "country_code", "type", "homepage_url", "homepage_domain"],
)
SOURCES = EntityTable(
    Source,
    [
        "display_name",
        "issn_l",
        "issn",
        "type",
        "host_organization",
        "host_organization_name",
        "homepage_url",
        "country_code",
        "is_oa",
        "is_in_doaj",
    ],  # fmt: skip
)
TOPICS = EntityTable(Topic, ["display_name", "subfield", "field", "domain"])
CONCEPTS = EntityTable(Concept, ["display_name", "level", "wikidata"])
PUBLISHERS = EntityTable(
    Publisher, ["display_name", "hierarchy_level", "country_codes", "homepage_url"]
)
FUNDERS = EntityTable(Funder, ["display_name", "country_code", "homepage_url"])


# --- Researchers ----------------------------------------------------------------------------

_AUTHOR_FIELDS = [
    "display_name",
    "display_name_alternatives",
    "orcid",
    *FIGURE_FIELDS_OF_RESEARCHERS,
    "updated_date",
]


def _new_researcher(openalex_id: str, display_name: str, orcid: str, **extra) -> dict:
    """A new researcher row's values (a dict, not a model instance: see EntityTable.values)."""
    return dict(
        openalex_id=openalex_id,
        display_name=display_name,
        orcid=orcid,
        verification_level=public_verification_level(openalex_id=openalex_id, orcid=orcid),
        **extra,
    )


def _author_row(author: openalex.AuthorRecord) -> dict:
    figures = author.figures
    return _new_researcher(
        author.openalex_id,
        author.display_name,
        author.orcid,
        display_name_alternatives=list(author.display_name_alternatives),
        figures_from=Researcher.FiguresFrom.OPENALEX,
        figures_works_count=figures.works_count,
        figures_cited_by_count=figures.cited_by_count,
        h_index=figures.h_index,
        i10_index=figures.i10_index,
        two_year_mean_citedness=figures.two_year_mean_citedness,
        counts_by_year=list(figures.counts_by_year),
        updated_date=author.updated_date,
    )


def researchers_upsert(
    *, full: list[openalex.AuthorRecord], stubs: list[openalex.AuthorRef]
) -> dict[str, int]:
    """Create or update researchers; return their pks by OpenAlex id.

    Only the fields open data owns are updated. The owner, claim status, headline, the
    open-to-collaborate flag and the verification level are left alone on existing records: a
    claimed record keeps its level, and an imported record always has an OpenAlex id, so the
    level open data supports (L1) never changes for it.
    """
    if bulk.is_postgres():
        rows = [_author_row(r) for r in full]
        fields = [*_AUTHOR_FIELDS, "verification_level"]
        pks = import_sql.upsert_newer(
            Researcher,
            fields,
            [(row["openalex_id"], *(row[name] for name in fields)) for row in rows],
            update=_AUTHOR_FIELDS,
        )
    else:
        pks = upsert(Researcher, [Researcher(**_author_row(r)) for r in full], _AUTHOR_FIELDS)
    documents_store(full)
    rest = {stub.openalex_id: stub for stub in stubs if stub.openalex_id not in pks}
    # An authorship may know an ORCID iD that an earlier import did not: fill it in, never
    # replace one.
    if bulk.is_postgres():
        pks.update(import_sql.researchers_found({k: stub.orcid for k, stub in rest.items()}))
    else:
        missing_orcid: list[Researcher] = []
        for chunk in chunks(list(rest)):
            for openalex_id, pk, orcid in Researcher.objects.filter(
                openalex_id__in=chunk
            ).values_list("openalex_id", "pk", "orcid"):
                pks[openalex_id] = pk
                if not orcid and rest[openalex_id].orcid:
                    missing_orcid.append(Researcher(pk=pk, orcid=rest[openalex_id].orcid))
        if missing_orcid:
            Researcher.objects.bulk_update(missing_orcid, ["orcid"])
    new = {openalex_id: stub for openalex_id, stub in rest.items() if openalex_id not in pks}
    if bulk.is_postgres():
        fields = ["display_name", "orcid", "verification_level"]
        rows = [_new_researcher(s.openalex_id, s.display_name, s.orcid) for s in new.values()]
        rows = [(row["openalex_id"], *(row[name] for name in fields)) for row in rows]
        pks.update(import_sql.ensure(Researcher, fields, rows))
        return pks
    pks.update(
        ensure(
            Researcher,
            new,
            lambda s: Researcher(**_new_researcher(s.openalex_id, s.display_name, s.orcid)),
        )
    )
    return pks


_RECORD_SIDE = ["in_record", "last_known", "record_first_year", "record_last_year"]


def researcher_institutions_sync(
    authors: list[openalex.AuthorRecord], researchers: dict[str, int], institutions: dict[str, int]
) -> None:
    """Write the author record's side of each researcher's affiliations (ResearcherInstitution).

    The institutions the record names (its affiliations with their years, its last known
    ones) are marked as in the record; the ones it no longer names lose that mark and go when
    no authorship of the researcher names them either (works.services keeps that side).
    """
    desired = {
        researchers[a.openalex_id]: {
            institutions[aff.institution.openalex_id]: aff for aff in a.affiliations
        }
        for a in authors
        if a.affiliations is not None  # the record did not say: keep what is stored
    }
    if not desired:
        return
    if bulk.is_postgres():
        import_sql.researcher_institutions_write(desired)
        return
    existing: dict[int, dict[int, ResearcherInstitution]] = {}
    for chunk in chunks(list(desired)):
        for row in ResearcherInstitution.objects.filter(researcher_id__in=chunk):
            existing.setdefault(row.researcher_id, {})[row.institution_id] = row
    created, changed, gone = [], [], []
    for researcher_id, wanted in desired.items():
        stored = existing.get(researcher_id, {})
        for institution_id in stored.keys() | wanted.keys():
            row = stored.get(institution_id) or ResearcherInstitution(
                researcher_id=researcher_id, institution_id=institution_id
            )
            before = [getattr(row, name) for name in _RECORD_SIDE + ["first_year", "last_year"]]
            affiliation = wanted.get(institution_id)
            row.in_record = affiliation is not None
            row.last_known = bool(affiliation and affiliation.last_known)
            row.record_first_year = affiliation.first_year if affiliation else None
            row.record_last_year = affiliation.last_year if affiliation else None
            row.join_years()
            if not row.in_record and not row.works_count:
                if row.pk:
                    gone.append(row.pk)
            elif row.pk is None:
                created.append(row)
            elif before != [getattr(row, n) for n in _RECORD_SIDE + ["first_year", "last_year"]]:
                changed.append(row)
    for chunk in chunks(gone):
        ResearcherInstitution.objects.filter(pk__in=chunk).delete()
    ResearcherInstitution.objects.bulk_create(created, batch_size=1000)
    ResearcherInstitution.objects.bulk_update(
        changed, _RECORD_SIDE + ["first_year", "last_year"], batch_size=1000
    )


# --- Works ----------------------------------------------------------------------------------

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
    "is_oa",
    "oa_status",
    "oa_url",
    "landing_page_url",
    "is_retracted",
    "counts_by_year",
    "updated_date",
]


def works_upsert(works: list[openalex.WorkRecord], sources: dict[str, int]) -> dict[str, int]:
    rows = [
        {
            "openalex_id": w.openalex_id,
            "doi": w.doi,
            "title": w.title,
            "abstract": w.abstract,
            "type": w.type,
            "publication_year": w.publication_year,
            "publication_date": w.publication_date,
            "source_id": sources[w.source.openalex_id] if w.source else None,
            "cited_by_count": w.cited_by_count,
            "language": w.language,
            "referenced_works": list(w.referenced_works),
            "authors_count": w.authors_count,
            "is_oa": w.is_oa,
            "oa_status": w.oa_status,
            "oa_url": w.oa_url,
            "landing_page_url": w.landing_page_url,
            "is_retracted": w.is_retracted,
            "counts_by_year": list(w.counts_by_year),
            "updated_date": w.updated_date,
        }
        for w in works
    ]
    if bulk.is_postgres():
        attnames = [Work._meta.get_field(name).attname for name in _WORK_FIELDS]
        pks = import_sql.upsert_newer(
            Work,
            _WORK_FIELDS,
            [(row["openalex_id"], *(row[name] for name in attnames)) for row in rows],
        )
    else:
        pks = upsert(Work, [Work(**row) for row in rows], _WORK_FIELDS)
    documents_store(works)
    return pks


def _scores_sync(through, target: str, desired: dict[tuple[int, int], float], work_ids) -> None:
    """Make the (work, target) score rows of these works exactly ``desired``."""
    if bulk.is_postgres():
        import_sql.scores_sync(through, target, desired, work_ids)
        return
    target_id = f"{target}_id"
    existing = {}
    for chunk in chunks(list(work_ids)):
        for pk, work_id, other_id, score in through.objects.filter(work_id__in=chunk).values_list(
            "pk", "work_id", target_id, "score"
        ):
            existing[(work_id, other_id)] = (pk, score)
    stale = [pk for key, (pk, _) in existing.items() if key not in desired]
    for chunk in chunks(stale):
        through.objects.filter(pk__in=chunk).delete()
    changed = [
        through(work_id=work_id, **{target_id: other_id}, score=score)
        for (work_id, other_id), score in desired.items()
        if existing.get((work_id, other_id), (None, None))[1] != score
    ]
    if changed:
        through.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["work", target],
            update_fields=["score"],
        )


def work_topics_sync(works, work_pks: dict[str, int], topics: dict[str, int]) -> None:
    desired = {
        (work_pks[w.openalex_id], topics[wt.topic.openalex_id]): wt.score
        for w in works
        for wt in w.topics
    }
    _scores_sync(WorkTopic, "topic", desired, work_pks.values())


def work_concepts_sync(works, work_pks: dict[str, int], concepts: dict[str, int]) -> None:
    desired = {
        (work_pks[w.openalex_id], concepts[wc.concept.openalex_id]): wc.score
        for w in works
        for wc in w.concepts
    }
    _scores_sync(WorkConcept, "concept", desired, work_pks.values())
