"""A real Celery worker imports a snapshot run; killed mid-part, it leaves no half-written batch
and the part is imported again."""

import gzip
import io
import json
import os
import signal
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from bzpeer.celery import app as celery_app
from tests.celery_worker import start_worker, stop_worker
from tests.conftest import REAL_DATA
from works.models import ImportPart, ImportRun, Researcher, Work

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OLD_PART = (
    REAL_DATA
    / "max-planck-innovation-competition+go-openalex"
    / "sample/openalex/works/updated_date=2021-11-03/part_000"
)
WORKS = 1000
BATCH = 25
WAIT_SECONDS = 180


@pytest.fixture
def prefork_worker(tmp_path):
    """`celery worker` with one pool process, which a test may kill on its own."""
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    log = tmp_path / "worker.log"
    process = start_worker(log, "--pool=prefork", "--concurrency=1")
    yield process, log
    stop_worker(process)
    celery_app.control.purge()
    celery_app.conf.task_always_eager = saved_eager


def many_works(path: Path, count: int) -> None:
    """A part of `count` distinct works, made from the real 2021 part under new ids."""
    records = [json.loads(line) for line in OLD_PART.read_text().splitlines() if line.strip()]
    path.parent.mkdir(parents=True)
    with gzip.open(path, "wt") as out:
        for n in range(count):
            record = dict(records[n % len(records)])
            record["id"] = f"https://openalex.org/W9{n:010d}"
            record.pop("doi", None)
            record.pop("ids", None)
            out.write(json.dumps(record) + "\n")


def wait_for(condition, process, log, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


def test_worker_killed_mid_part_leaves_whole_batches_and_the_part_is_retried(
    tmp_path, prefork_worker
):
    process, log = prefork_worker
    many_works(tmp_path / "openalex" / "works" / "updated_date=2024-01-01" / "part_000.gz", WORKS)
    out = io.StringIO()
    call_command(
        "import_openalex",
        str(tmp_path / "openalex"),
        workers=True,
        no_wait=True,
        batch_size=BATCH,
        stdout=out,
    )
    assert "Started import run" in out.getvalue()

    part = wait_for(
        lambda: ImportPart.objects.filter(state="running", records__gte=8 * BATCH).first(),
        process,
        log,
        "the part to be under way",
    )
    pool_process = int(part.claimed_by.rsplit(":", 1)[1])
    assert pool_process != process.pid
    os.kill(pool_process, signal.SIGKILL)

    # Every batch is one transaction: only whole batches are ever in the table.
    written = Work.objects.count()
    assert 0 < written < WORKS and written % BATCH == 0
    run = wait_for(
        lambda: ImportRun.objects.exclude(state="running").first(), process, log, "the run"
    )
    part.refresh_from_db()
    assert (run.state, part.state, part.attempts) == ("done", "done", 2), log.read_text()
    assert part.claimed_by != f"{part.claimed_by.rsplit(':', 1)[0]}:{pool_process}"
    assert Work.objects.count() == WORKS
    assert part.records == WORKS
    # Including the authors of the batches the killed attempt wrote, which the retry found
    # unchanged: their refresh is recorded with each batch.
    authors = Researcher.objects.filter(authorships__isnull=False).distinct().count()
    assert run.researchers_refreshed == authors > 0
