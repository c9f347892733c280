"""Builds asked for while Redis is down are built once it is back, with no second visit.

A Redis of the test's own (never the shared one) is stopped, slices are requested through the
API (their queueing fails), Redis starts again, and the beat sweep inside a real worker sends
the builds that never went out.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from kombu import pools as kombu_pools

from bzpeer.celery import app as celery_app
from graph.models import GraphSlice
from tests import factories
from tests.celery_worker import worker_database_url
from tests.conftest import REPO_ROOT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(condition, what: str, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(0.2)


class OwnRedis:
    """redis-server on a free port, without persistence (a restart loses the queue)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: redis_answers(self.port), "Redis starting")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for(lambda: not redis_answers(self.port), "Redis stopping")


@contextmanager
def broker(url: str):
    """Send this process's Celery messages to `url`, not to the shared Redis."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager

    def reset_pools():
        celery_app.pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        # kombu keeps producer pools per broker URL process-wide; a stale one would hand the
        # tests that run after this one the connection pool closed above.
        kombu_pools.reset()

    reset_pools()
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        reset_pools()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved


@pytest.fixture
def redis(tmp_path):
    own = OwnRedis(tmp_path)
    own.start()
    yield own
    own.stop()


@pytest.fixture
def worker_with_beat(tmp_path, redis):
    if not settings.DATABASE_IS_POSTGRES:
        pytest.fail("the worker test needs DATABASE_URL (PostgreSQL)")
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "BZPEER_VAR_DIR": str(tmp_path / "var"),  # beat's schedule file
        "GRAPH_REQUEUE_SWEEP_SECONDS": "2",
    }
    (tmp_path / "var").mkdir()
    log = tmp_path / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    args = [str(celery), "-A", "bzpeer", "worker", "--beat", "--pool=solo", "--loglevel=info"]
    args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("w") as out:
        process = subprocess.Popen(
            args, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    wait_for(lambda: "ready" in log.read_text(), "the worker starting", seconds=30)
    yield process, log
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_slices_asked_for_during_a_redis_outage_are_built_when_it_is_back(
    client, redis, worker_with_beat
):
    process, log = worker_with_beat
    people = [factories.researcher(display_name=f"Outage {n}") for n in range(3)]
    for person in people:
        factories.work(authors=[person], topics=[factories.topic()])
    factories.refresh(*people)

    with broker(redis.url):
        redis.stop()
        for person in people:
            response = client.get(reverse("graph:api-slice", args=[person.pk]))
            # The page says so and asks again later; this test never asks again.
            assert response.status_code == 503, response.content
            assert response.json()["status"] == "unavailable"
        rows = GraphSlice.objects.filter(researcher__in=people)
        # The queueing failed and was forgotten: nothing is on its way.
        assert [(s.status, s.queued_at) for s in rows] == [("pending", None)] * 3
        assert all("queue is unavailable" in s.error for s in rows)
        redis.start()

    # No one asks again; the sweep that beat runs every 2 seconds sends the builds.
    def all_built():
        assert process.poll() is None, log.read_text()
        return rows.filter(status=GraphSlice.Status.READY).count() == 3

    wait_for(all_built, "every slice being built", seconds=WAIT_SECONDS)
    assert "graph.tasks.requeue_lost_graph_slices" in log.read_text()
