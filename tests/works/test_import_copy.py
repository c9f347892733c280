"""The set-based import's COPY paths (works.bulk: staging tables for large batches; works.derived:
the refresh of many researchers at once) store what the row-by-row ORM code stores, on the real
OpenAlex samples in shared/real-data, whichever path each batch takes."""

import pytest

from tests.works.test_import_setbased import GO, PRO, natural_rows
from works import bulk, derived
from works.importer import openalex_import
from works.models import Authorship, Researcher, ResearcherName, ResearcherTopic, Work

pytestmark = pytest.mark.django_db


def import_twice(monkeypatch, settings: dict) -> tuple[dict, dict]:
    """Import the samples set-based with these module settings, then by the ORM path."""
    from tests.works.test_import import MODELS

    with monkeypatch.context() as patched:
        for (module, name), value in settings.items():
            patched.setattr(module, name, value)
        # A second import of the same files must change nothing.
        openalex_import(paths=[GO, PRO / "json"])
        openalex_import(paths=[GO, PRO / "json"])
    compared = [*MODELS, ResearcherName, ResearcherTopic]
    set_based = {model: natural_rows(model) for model in compared}
    for model in reversed(MODELS):
        model.objects.all().delete()
    with monkeypatch.context() as patched:
        patched.setattr(bulk, "is_postgres", lambda: False)
        openalex_import(paths=[GO, PRO / "json"])
    return set_based, {model: natural_rows(model) for model in compared}


def test_every_batch_by_copy_stores_what_the_orm_stores(monkeypatch):
    if not bulk.is_postgres():
        pytest.skip("COPY is PostgreSQL's")
    staged = []
    real = bulk._staged

    def counting(*args, **kwargs):
        staged.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_staged", counting)
    set_based, orm = import_twice(monkeypatch, {(bulk, "COPY_MIN_ROWS"): 1})

    assert {Work, Authorship, Researcher} <= set(staged)  # the COPY path really ran
    assert all(set_based[model] for model in (Work, Authorship, ResearcherName))
    assert set_based == orm


def test_the_refresh_in_small_chunks_stores_what_the_orm_stores(monkeypatch):
    if not bulk.is_postgres():
        pytest.skip("the set-based refresh is PostgreSQL's")
    set_based, orm = import_twice(
        monkeypatch, {(derived, "BATCH"): 7, (bulk, "COPY_MIN_ROWS"): 10**9}
    )

    assert set_based == orm


def test_statistics_are_refreshed_as_the_tables_grow(tmp_path, monkeypatch):
    """After 8 batches, 32, 128... and once before the refresh: a batch's lookups by work are
    planned from statistics of a table of about its size, not of an empty one."""
    if not bulk.is_postgres():
        pytest.skip("ANALYZE is PostgreSQL's")
    from tests.works.test_import_setbased import work, write_jsonl
    from works import import_sql

    analyzed = []
    real = import_sql.analyze_growing
    monkeypatch.setattr(
        import_sql, "analyze_growing", lambda: analyzed.append(len(Work.objects.all())) or real()
    )
    records = [
        {**work("2024-01-01", f"A{n}"), "id": f"https://openalex.org/W{n}"} for n in range(1, 34)
    ]

    result = openalex_import(paths=[write_jsonl(tmp_path / "w.jsonl", records)], batch_size=1)

    assert result.counts["works"] == 33
    assert analyzed == [8, 32, 33]
