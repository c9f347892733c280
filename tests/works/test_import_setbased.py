"""The set-based import (works.import_sql, works.derived) on PostgreSQL: duplicates inside one
batch, rows left alone when they already hold the right values, streaming in bounded batches,
and the same derived rows as the row-by-row code the embedded SQLite mode keeps."""

import json

import pytest
from django.db import connection

from tests.conftest import REAL_DATA
from works import bulk, importer, openalex, services
from works.importer import openalex_import
from works.models import (
    Authorship,
    OpenAlexRecord,
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherTopic,
    Work,
)

pytestmark = pytest.mark.django_db

PRO = REAL_DATA / "rkrug+openalexPro" / "tests" / "testthat" / "_snaps" / "005-pro_fetch_search"


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def work(updated: str, *authors: str, title: str = "A work") -> dict:
    return {
        "id": "https://openalex.org/W1",
        "title": title,
        "updated_date": updated,
        "authorships": [
            {"author": {"id": f"https://openalex.org/{a}", "display_name": f"Author {a}"}}
            for a in authors
        ],
    }


def xmins(model) -> dict[int, str]:
    """Each row's creating transaction: it changes when the row is rewritten."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, xmin::text FROM {model._meta.db_table}")
        return dict(cursor.fetchall())


def test_three_copies_of_one_work_in_one_batch_keep_the_newest(tmp_path):
    path = write_jsonl(
        tmp_path / "w.jsonl",
        [
            work("2024-01-01T00:00:00", "A1", "A2", title="old"),
            work("2025-06-01T00:00:00", "A3", title="newest"),
            work("2024-12-01T00:00:00", "A4", "A5", "A6", title="middle"),
        ],
    )

    result = openalex_import(paths=[path], batch_size=10)

    assert result.counts["works"] == 1 and result.duplicates["works"] == 2
    assert list(Work.objects.values_list("title", flat=True)) == ["newest"]
    assert OpenAlexRecord.objects.get(openalex_id="W1").record["title"] == "newest"
    byline = Authorship.objects.order_by("order").values_list("researcher__openalex_id", "order")
    assert list(byline) == [("A3", 0)]


def test_a_newer_copy_with_the_same_byline_leaves_the_byline_rows_alone(tmp_path):
    openalex_import(paths=[write_jsonl(tmp_path / "a.jsonl", [work("2024-01-01", "A1", "A2")])])
    byline, names = xmins(Authorship), xmins(ResearcherName)
    stored = xmins(Work)

    newer = [work("2025-01-01", "A1", "A2", title="corrected")]
    result = openalex_import(paths=[write_jsonl(tmp_path / "b.jsonl", newer)])

    assert result.counts["works"] == 1
    assert Work.objects.get().title == "corrected"
    assert xmins(Work) != stored  # the work was rewritten...
    assert xmins(Authorship) == byline  # ...its unchanged byline entries were not
    assert xmins(ResearcherName) == names


def test_a_large_file_is_read_and_written_one_bounded_batch_at_a_time(tmp_path, monkeypatch):
    records = [
        {**work("2024-01-01", f"A{n}"), "id": f"https://openalex.org/W{n}"} for n in range(1, 26)
    ]
    path = write_jsonl(tmp_path / "w.jsonl", records)
    read, batches = [0], []
    real_read, real_write = openalex.read_paths, importer.write_batch

    def counting_read(files):
        for item in real_read(files):
            read[0] += 1
            yield item

    def recording_write(batch):
        batches.append((len(batch), read[0]))
        return real_write(batch)

    monkeypatch.setattr(openalex, "read_paths", counting_read)
    monkeypatch.setattr(importer, "write_batch", recording_write)

    result = openalex_import(paths=[path], batch_size=10)

    assert result.counts["works"] == 25
    # Each batch is written once it is full, before the next record is read: the reader is
    # never more than one batch ahead, however long the file.
    assert batches == [(10, 10), (10, 20), (5, 25)]


DERIVED = {
    Researcher: [
        "openalex_id",
        "works_count",
        "cited_by_count",
        "topics_count",
        "close_collaborators_count",
        "search_text",
        "figures_from",
        "figures_works_count",
        "figures_cited_by_count",
        "h_index",
        "i10_index",
        "two_year_mean_citedness",
        "counts_by_year",
        "trust_score",
    ],
    ResearcherName: ["researcher__openalex_id", "key"],
    ResearcherTopic: ["researcher__openalex_id", "topic__openalex_id", "works_count"],
    ResearcherInstitution: [
        "researcher__openalex_id",
        "institution__openalex_id",
        "first_year",
        "last_year",
        "last_known",
        "in_record",
        "works_count",
        "works_first_year",
        "works_last_year",
    ],
}


def derived_rows() -> dict:
    return {
        model: sorted(map(repr, model.objects.values_list(*fields)))
        for model, fields in DERIVED.items()
    }


def test_the_set_based_refresh_derives_what_the_row_by_row_one_does(monkeypatch):
    openalex_import(paths=[PRO / "json"], refresh=False)
    ids = list(Researcher.objects.values_list("pk", flat=True))
    services.researchers_changed(researcher_ids=ids)
    set_based = derived_rows()
    assert set_based[ResearcherName] and set_based[ResearcherInstitution]
    ResearcherName.objects.all().delete()
    ResearcherTopic.objects.all().delete()
    ResearcherInstitution.objects.filter(in_record=False).delete()
    ResearcherInstitution.objects.update(works_count=0, works_first_year=None, first_year=None)
    Researcher.objects.update(works_count=0, topics_count=0, search_text="", trust_score=0)
    Researcher.objects.filter(figures_from="held").update(h_index=None, counts_by_year=[])

    monkeypatch.setattr(bulk, "is_postgres", lambda: False)
    services.researchers_changed(researcher_ids=ids)

    assert derived_rows() == set_based


GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
SKIPPED = {"id", "created_at", "updated_at"}


def natural_rows(model) -> list[str]:
    """Every row of a table by what it says, foreign keys by the OpenAlex id they point at."""
    fields = []
    for field in model._meta.concrete_fields:
        if field.name in SKIPPED:
            continue
        if field.is_relation and field.related_model is Authorship:
            fields += [f"{field.name}__work__openalex_id", f"{field.name}__order"]
        elif field.is_relation and hasattr(field.related_model, "openalex_id"):
            fields.append(f"{field.name}__openalex_id")
        elif field.is_relation:
            fields.append(field.attname)
        else:
            fields.append(field.name)
    return sorted(map(repr, model.objects.values_list(*fields)))


def test_the_set_based_import_stores_what_the_row_by_row_one_does(monkeypatch):
    from tests.works.test_import import MODELS

    openalex_import(paths=[GO, PRO / "json"])
    set_based = {model: natural_rows(model) for model in MODELS}
    assert all(set_based[model] for model in (Work, Authorship, ResearcherInstitution))
    for model in reversed(MODELS):
        model.objects.all().delete()

    monkeypatch.setattr(bulk, "is_postgres", lambda: False)
    openalex_import(paths=[GO, PRO / "json"])

    assert {model: natural_rows(model) for model in MODELS} == set_based
