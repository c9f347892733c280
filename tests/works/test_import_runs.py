"""import_openalex --workers: a snapshot imported one Celery task per part, in phases.

Tasks run in-process here (the session's eager Celery); tests/works/test_import_worker.py runs a
real worker process.
"""

import json
import shutil
import time
from pathlib import Path

import psycopg
import pytest
from django.core.management.base import CommandError
from django.db import IntegrityError, connection

from tests.conftest import REAL_DATA
from tests.works.canonical import canonical, empty_tables
from tests.works.test_import import run
from tests.works.test_manifest import gzip_lines
from works import runs, tasks
from works.models import ImportPart, ImportRun, ImportRunResearcher, Work

pytestmark = pytest.mark.django_db(transaction=True)

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
OLD_PART = GO / "works" / "updated_date=2021-11-03" / "part_000"  # 50 works


@pytest.fixture
def snapshot(tmp_path):
    """The go-openalex sample's entity folders, with the 2021 works part split in three."""
    root = tmp_path / "openalex"
    shutil.copytree(GO, root)
    shutil.rmtree(root / "works" / "updated_date=2021-11-03")
    lines = OLD_PART.read_bytes().splitlines(keepends=True)
    for n, chunk in enumerate((lines[:20], lines[20:35], lines[35:])):
        gzip_lines(root / "works" / f"updated_date=2021-11-0{n + 3}" / "part_000.gz", chunk)
    return root


def test_workers_import_the_same_as_one_process(snapshot):
    # One record a batch: an entity known only from short copies takes the name of the first
    # copy its batch holds, so batch boundaries (which a part ends) would choose among the
    # copies' spellings, in one process as much as in workers.
    single_out, _ = run(snapshot, partial=True, batch_size=1)
    single = canonical()
    assert sum(single["Work"].values()) == 78
    empty_tables()

    out, _ = run(snapshot, workers=True, partial=True, batch_size=1)

    assert "Started import run" in out
    assert canonical() == single
    imported = ImportRun.objects.get()
    assert imported.state == ImportRun.State.DONE
    refreshed = imported.researchers_refreshed
    assert refreshed > 100 and f"refreshed {refreshed} researcher(s)" in single_out
    parts = ImportPart.objects.filter(run=imported)
    assert set(parts.values_list("state", flat=True)) == {"done"}
    assert {p.entity: p.phase for p in parts} == {
        "authors": 1,
        "concepts": 0,
        "funders": 0,
        "institutions": 0,
        "publishers": 0,
        "sources": 0,
        "works": 2,
    }
    works_part = parts.get(path__endswith="updated_date=2023-05-16/part_000")
    assert (works_part.expected_records, works_part.records) == (27, 27)
    assert f"Import run {imported.pk} done: 17 part(s) done, 0 failed" in out


def test_snapshot_with_missing_parts_is_refused_without_partial(snapshot):
    with pytest.raises(CommandError, match="--partial"):
        run(snapshot, workers=True)

    assert not ImportRun.objects.exists()


def test_restarted_run_resumes_and_never_reimports_a_done_part(snapshot):
    started, created = runs.import_run_start(source=snapshot, partial=True)
    assert created
    first = started.parts.filter(phase=0).order_by("path").first()
    runs.import_part_run(part_id=first.pk, worker="earlier")  # then the command stopped

    out, _ = run(snapshot, workers=True, partial=True)

    assert f"Resuming import run {started.pk}" in out
    assert ImportRun.objects.count() == 1
    first.refresh_from_db()
    assert (first.attempts, first.claimed_by, first.state) == (1, "earlier", "done")
    assert set(started.parts.values_list("attempts", flat=True)) == {1}
    assert Work.objects.count() == 78


def test_corrupt_part_fails_alone_and_the_run_goes_on(snapshot):
    broken = snapshot / "works" / "updated_date=2021-11-04" / "part_000.gz"
    broken.write_bytes(broken.read_bytes()[:-200])  # cut short
    garbage = snapshot / "works" / "updated_date=2021-11-05" / "part_000.gz"
    garbage.write_bytes(b"\x1f\x8b" + b"not really gzip" * 20)

    with pytest.raises(CommandError, match="2 part"):
        run(snapshot, workers=True, partial=True)

    imported = ImportRun.objects.get()
    assert imported.state == ImportRun.State.FAILED
    failed = {p.path: p for p in imported.parts.filter(state="failed")}
    assert set(failed) == {str(broken), str(garbage)}
    assert "cannot read the file" in failed[str(broken)].error_lines[0]
    assert failed[str(broken)].errors >= 1 and failed[str(broken)].records < 15
    assert imported.parts.filter(state="done").count() == imported.parts.count() - 2
    # The other works parts are in, and the broken part's whole records too.
    assert Work.objects.count() >= 78 - 15 - 15


def test_short_part_against_its_manifest_fails(tmp_path):
    works = tmp_path / "openalex" / "works"
    lines = OLD_PART.read_bytes().splitlines(keepends=True)
    gzip_lines(works / "updated_date=2024-01-01" / "part_000.gz", lines[:10])
    entry = "s3://openalex/data/works/updated_date=2024-01-01/part_000.gz"
    (works / "manifest").write_text(
        json.dumps({"entries": [{"url": entry, "meta": {"record_count": 12}}]})
    )

    with pytest.raises(CommandError, match="1 part"):
        run(tmp_path / "openalex", workers=True)

    part = ImportPart.objects.get()
    assert part.state == "failed"
    assert part.error_lines[0].endswith("the manifest lists 12 record(s), 10 read")


def database_url() -> str:
    settings = connection.settings_dict
    return (
        f"host={settings['HOST'] or 'localhost'} user={settings['USER']} dbname={settings['NAME']}"
    )


def test_part_held_by_another_worker_is_not_claimed(snapshot):
    started, _ = runs.import_run_start(source=snapshot, partial=True)
    part = started.parts.first()
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [runs.LOCK_NAMESPACE, part.pk])
        ImportPart.objects.filter(pk=part.pk).update(state="running", claimed_by="other")

        with pytest.raises(runs.PartHeld):
            runs.import_part_claim(part_id=part.pk, worker="me")
        assert runs.orphaned_parts(started).count() == 0
    # The other worker's connection is gone (its server process ends a moment later): its
    # part may be claimed again.
    deadline = time.monotonic() + 10
    while not runs.orphaned_parts(started).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(runs.orphaned_parts(started)) == [part]
    assert runs.import_part_claim(part_id=part.pk, worker="me") is True
    part.refresh_from_db()
    assert (part.claimed_by, part.attempts) == ("me", 1)


def test_done_part_is_never_claimed_again(snapshot):
    started, _ = runs.import_run_start(source=snapshot, partial=True)
    part = started.parts.first()
    runs.import_part_run(part_id=part.pk, worker="first")

    assert runs.import_part_run(part_id=part.pk, worker="second") is None
    part.refresh_from_db()
    assert (part.attempts, part.claimed_by) == (1, "first")


def test_two_runs_on_one_snapshot_are_one_run(snapshot):
    first, created = runs.import_run_start(source=snapshot, partial=True)
    second, created_again = runs.import_run_start(source=snapshot, partial=True)

    assert created and not created_again and second.pk == first.pk
    with pytest.raises(IntegrityError):
        ImportRun.objects.create(source=first.source)  # the database refuses a second


def test_failed_run_is_reopened_and_retries_only_its_failed_parts(snapshot):
    broken = snapshot / "works" / "updated_date=2021-11-04" / "part_000.gz"
    whole = broken.read_bytes()
    broken.write_bytes(whole[:-200])  # cut short
    with pytest.raises(CommandError, match="1 part"):
        run(snapshot, workers=True, partial=True)
    failed = ImportRun.objects.get()
    assert failed.state == ImportRun.State.FAILED

    broken.write_bytes(whole)  # the part fixed, the same command again
    out, _ = run(snapshot, workers=True, partial=True)

    assert f"Resuming import run {failed.pk}" in out
    reopened = ImportRun.objects.get()
    assert (reopened.pk, reopened.state) == (failed.pk, ImportRun.State.DONE)
    part = reopened.parts.get(path=str(broken))
    assert (part.state, part.attempts, part.errors, part.error_lines) == ("done", 2, 0, [])
    others = reopened.parts.exclude(pk=part.pk)
    assert set(others.values_list("state", "attempts")) == {("done", 1)}
    assert Work.objects.count() == 78
    assert reopened.researchers_refreshed > 0  # the retried part's researchers


def test_reopened_run_skips_the_phases_it_finished(snapshot):
    started, _ = runs.import_run_start(source=snapshot, partial=True)
    institutions = started.parts.filter(entity="institutions").order_by("path").first()
    path = Path(institutions.path)
    whole = path.read_bytes()
    path.write_bytes(b"\x1f\x8b" + b"not really gzip" * 20)
    with pytest.raises(CommandError, match="1 part"):
        run(snapshot, workers=True, partial=True)
    path.write_bytes(whole)

    # Without the command following the run: the tasks alone must take it to its end, from
    # phase 0 straight past the finished phases 1 and 2.
    run(snapshot, workers=True, partial=True, no_wait=True)

    started.refresh_from_db()
    assert started.state == ImportRun.State.DONE
    assert set(started.parts.values_list("state", flat=True)) == {"done"}
    assert started.parts.get(pk=institutions.pk).attempts == 2


def test_a_done_run_is_not_reopened(snapshot):
    run(snapshot, workers=True, partial=True)

    out, _ = run(snapshot, workers=True, partial=True)

    assert "Started import run" in out
    assert ImportRun.objects.count() == 2


def test_finish_refreshes_in_chunks_and_resumes_after_a_failure(snapshot, monkeypatch):
    started, _ = runs.import_run_start(source=snapshot, partial=True)
    for part in started.parts.order_by("phase", "path"):
        runs.import_part_run(part_id=part.pk, worker="me")
    touched = ImportRunResearcher.objects.filter(run=started).count()
    assert touched > 30
    monkeypatch.setattr(runs, "REFRESH_CHUNK", 10)
    refreshed = []

    def dies_on_the_third_chunk(*, researcher_ids):
        if len(refreshed) == 2:
            raise RuntimeError("the worker died")
        refreshed.append(list(researcher_ids))

    monkeypatch.setattr(runs, "researchers_changed", dies_on_the_third_chunk)
    with pytest.raises(RuntimeError):
        runs.import_run_finish(run_id=started.pk)
    started.refresh_from_db()
    assert (started.state, started.researchers_refreshed) == (ImportRun.State.RUNNING, 20)
    assert ImportRunResearcher.objects.filter(run=started).count() == touched - 20

    monkeypatch.setattr(runs, "researchers_changed", lambda *, researcher_ids: None)
    finished = runs.import_run_finish(run_id=started.pk)

    assert (finished.state, finished.researchers_refreshed) == (ImportRun.State.DONE, touched)
    assert not ImportRunResearcher.objects.filter(run=started).exists()


def test_finishers_share_the_refresh_and_the_last_one_ends_the_run(snapshot, monkeypatch):
    started, _ = runs.import_run_start(source=snapshot, partial=True)
    for part in started.parts.order_by("phase", "path"):
        runs.import_part_run(part_id=part.pk, worker="me")
    touched = ImportRunResearcher.objects.filter(run=started).count()
    monkeypatch.setattr(runs, "REFRESH_CHUNK", 10)
    monkeypatch.setattr(runs, "researchers_changed", lambda *, researcher_ids: None)
    with psycopg.connect(database_url()) as other:  # another finisher, mid-chunk
        held = other.execute(
            "SELECT researcher_id FROM works_importrunresearcher WHERE run_id = %s "
            "ORDER BY researcher_id LIMIT 10 FOR UPDATE",
            [started.pk],
        ).fetchall()

        running = runs.import_run_finish(run_id=started.pk)

        assert running.state == ImportRun.State.RUNNING  # the other's chunk is not done
        left = ImportRunResearcher.objects.filter(run=started)
        assert sorted(left.values_list("researcher_id", flat=True)) == [pk for (pk,) in held]
        other.rollback()  # that finisher died: its chunk goes back

    finished = runs.import_run_finish(run_id=started.pk)

    assert (finished.state, finished.researchers_refreshed) == (ImportRun.State.DONE, touched)


def test_no_finishers_are_sent_while_one_is_at_work(snapshot, monkeypatch):
    started, _ = runs.import_run_start(source=snapshot, partial=True)
    sent = []
    monkeypatch.setattr(tasks.import_run_finish, "delay", sent.append)
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute(
            "SELECT pg_advisory_lock_shared(%s, %s)", [runs.FINISH_LOCK_NAMESPACE, started.pk]
        )
        assert runs.finishers_alive(started.pk)
        tasks._send_finishers(started.pk)
        assert sent == []
    deadline = time.monotonic() + 10  # its server process ends a moment after
    while runs.finishers_alive(started.pk) and time.monotonic() < deadline:
        time.sleep(0.1)

    tasks._send_finishers(started.pk)

    assert sent == [started.pk] * tasks.FINISH_TASKS
