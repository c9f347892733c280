"""sync_openalex --api against a second BZPEER instance's own /openalex/ API: real HTTP on a
loopback port, a gunicorn of its own on a database of its own, started here."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from graph.models import GraphSlice
from tests.celery_worker import worker_database_url
from tests.conftest import REAL_DATA, REPO_ROOT
from tests.graph.test_worker_outage import free_port
from works import signals
from works.models import Researcher, SyncResearcher, SyncState, Work
from works.sync import api

pytestmark = pytest.mark.django_db(transaction=True)

GO_PART = (
    REAL_DATA
    / "max-planck-innovation-competition+go-openalex"
    / "sample/openalex/works/updated_date=2021-11-03/part_000"
)
PRO_PAGE = REAL_DATA / "rkrug+openalexPro/tests/testthat/_snaps/005-pro_fetch_search/json"
PEER_WORKS = 50 + 200
SECRET = "peer-instance-secret-key-for-the-sync-test-only-0123456789"


class Peer:
    """A second BZPEER: its own database (a copy of the migrated, empty test database) and a
    gunicorn serving it."""

    def __init__(self, tmp_path: Path):
        self.name = f"{settings.DATABASES['default']['NAME']}_peer"
        self.url = worker_database_url().rsplit("/", 1)[0] + "/" + self.name
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/openalex"
        self.log = tmp_path / "peer.log"
        self.process = None
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"REDIS_URL", "CELERY_BROKER_URL", "PYTEST_XDIST_WORKER"}
        }
        self.env.update(DATABASE_URL=self.url, SECRET_KEY=SECRET, DEBUG="false")
        self.env["ALLOWED_HOSTS"] = "127.0.0.1"
        self.env["SITE_URL"] = f"http://127.0.0.1:{self.port}"

    def _admin(self, statement: str) -> None:
        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"] or "localhost", user=db["USER"], dbname="postgres", autocommit=True
        ) as admin:
            admin.execute(statement)

    def create(self) -> None:
        # A template database must have no other session: earlier tests on this worker may
        # leave one open in a thread of their own, so those are ended too.
        template = connection.settings_dict["NAME"]
        connection.close()
        self.drop()
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{template}' AND pid <> pg_backend_pid()"
        )
        self._admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [str(gunicorn), "bzpeer.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1"],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if requests.get(f"{self.base_url}/works?per_page=1", timeout=10).ok:
                    return
            except requests.RequestException:
                pass  # not up yet
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"the peer did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture(scope="module")
def peer(django_db_setup, tmp_path_factory):
    """One peer for the module's tests (none changes how many works it holds)."""
    server = Peer(tmp_path_factory.mktemp("peer"))
    server.create()
    try:
        server.manage("import_openalex", str(GO_PART), str(PRO_PAGE))
        server.start()
        yield server
    finally:
        server.stop()
        server.drop()


def client_for(peer, **options) -> api.ApiClient:
    return api.ApiClient(
        base_url=peer.base_url, mailto="sync-test@example.org", backoff_seconds=0.01, **options
    )


def test_sync_fetches_every_change_then_only_what_changed(peer, tmp_path):
    out = io.StringIO()
    call_command(
        "sync_openalex", "--api", "--api-url", peer.base_url, "--since", "2000-01-01", stdout=out
    )

    assert Work.objects.count() == PEER_WORKS
    assert "Synced from 2000-01-01T00:00:00.000Z" in out.getvalue()
    state = SyncState.objects.get(source=f"api:{peer.base_url}")
    assert state.synced_until is not None and state.cursor == "" and state.pending_from is None
    first_point = state.synced_until

    record = json.loads(GO_PART.read_text().splitlines()[0])
    work_id = record["id"].rsplit("/", 1)[1]
    authors = set(
        Researcher.objects.filter(authorships__work__openalex_id=work_id).values_list(
            "pk", flat=True
        )
    )
    others = Researcher.objects.exclude(pk__in=authors).filter(works_count__gt=0)[:3]
    for pk in [*authors, *others.values_list("pk", flat=True)]:
        GraphSlice.objects.create(researcher_id=pk, status="ready", payload={})
    changed = dict(record, title="Changed on the peer", display_name="Changed on the peer")
    changed["updated_date"] = timezone.now().isoformat()
    (tmp_path / "changed.jsonl").write_text(json.dumps(changed) + "\n")
    peer.manage("import_openalex", str(tmp_path / "changed.jsonl"))

    out = io.StringIO()
    call_command("sync_openalex", "--api", "--api-url", peer.base_url, stdout=out)

    assert "1 record(s) written" in out.getvalue()
    assert Work.objects.get(openalex_id=work_id).title == "Changed on the peer"
    assert Work.objects.count() == PEER_WORKS
    state.refresh_from_db()
    assert state.synced_until > first_point
    stale = set(GraphSlice.objects.filter(stale=True).values_list("researcher_id", flat=True))
    assert stale == authors


@pytest.fixture
def refreshes():
    """The researcher ids of every refresh (works.signals.researchers_changed), in order."""
    calls = []

    def receiver(sender, *, researcher_ids, **kwargs):
        calls.append(set(researcher_ids))

    signals.researchers_changed.connect(receiver, weak=False, dispatch_uid="test-refreshes")
    yield calls
    signals.researchers_changed.disconnect(dispatch_uid="test-refreshes")


def counters_right() -> bool:
    """Every researcher's works_count is the number of works it holds."""
    held = Researcher.objects.annotate(held=Count("authorships__work", distinct=True))
    return all(r.works_count == r.held for r in held)


def test_sync_refreshes_the_touched_researchers_once_at_the_end(peer, refreshes):
    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    sync = api.api_sync(client=client_for(peer), since=since, entities=["works"])

    assert sync.pages >= 2 and Work.objects.count() == PEER_WORKS
    holding = set(Researcher.objects.filter(authorships__isnull=False).values_list("pk", flat=True))
    assert refreshes == [holding]
    assert sync.researchers_changed == len(holding)
    assert counters_right()
    assert not SyncResearcher.objects.exists()


def test_failed_sync_resumes_from_its_cursor(peer, refreshes):
    def stop_after_first_page(entity, page):
        if page["results"] and peer.process.poll() is None:
            peer.stop()

    since = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(api.SyncError, match="ConnectionError"):
        api.api_sync(
            client=client_for(peer, retries=1),
            since=since,
            entities=["works"],
            on_page=stop_after_first_page,
        )
    state = SyncState.objects.get()
    assert Work.objects.count() == 200
    assert state.entity == "works" and state.cursor not in {"", "*"}
    assert "ConnectionError" in state.last_error
    assert refreshes == []  # nothing refreshed yet: the first page's researchers are kept
    first_page = set(
        Researcher.objects.filter(authorships__isnull=False).values_list("pk", flat=True)
    )

    peer.start()
    sync = api.api_sync(client=client_for(peer), entities=["works"])

    assert sync.resumed and sync.since == since
    assert sync.written == PEER_WORKS - 200  # the first page is not fetched again
    assert Work.objects.count() == PEER_WORKS
    state.refresh_from_db()
    assert state.pending_from is None and state.synced_until is not None
    # One refresh, of both halves' researchers: the first page's were not lost.
    assert len(refreshes) == 1 and first_page <= refreshes[0]
    assert counters_right()


class Flaky(BaseHTTPRequestHandler):
    """Answers 503, then 429, then a real OpenAlex page; records what it was asked."""

    answers = []
    asked = []

    def do_GET(self):
        type(self).asked.append(parse_qs(urlsplit(self.path).query))
        status = type(self).answers.pop(0) if type(self).answers else 200
        if status != 200:
            self.send_response(status)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        page = json.loads(PRO_PAGE.read_text())
        page["meta"]["next_cursor"] = None
        body = json.dumps(page).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_server():
    Flaky.answers, Flaky.asked = [503, 429], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_first_api_sync_needs_a_date(flaky_server):
    with pytest.raises(api.SyncError, match="no sync point yet"):
        api.api_sync(client=api.ApiClient(base_url=flaky_server), entities=["works"])

    assert Flaky.asked == []


@pytest.mark.django_db
def test_429_and_5xx_are_retried_with_backoff(flaky_server):
    client = api.ApiClient(
        base_url=flaky_server, mailto="me@example.org", api_key="k3y", backoff_seconds=0.01
    )

    sync = api.api_sync(client=client, since=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                        entities=["works"])  # fmt: skip

    assert client.requests_made == 3
    assert sync.written == 200 and Work.objects.count() == 200
    asked = Flaky.asked[-1]
    assert asked["filter"] == ["from_updated_date:2024-01-01T00:00:00.000Z"]
    assert (asked["cursor"], asked["per_page"]) == (["*"], ["200"])
    assert (asked["mailto"], asked["api_key"]) == (["me@example.org"], ["k3y"])


@pytest.mark.django_db
def test_retries_are_bounded(flaky_server):
    Flaky.answers[:] = [503] * 10
    client = api.ApiClient(base_url=flaky_server, retries=2, backoff_seconds=0.01)

    with pytest.raises(api.SyncError, match="HTTP 503"):
        api.api_sync(client=client, since=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                     entities=["works"])  # fmt: skip

    assert client.requests_made == 3


@pytest.mark.django_db
def test_refused_request_is_not_retried(flaky_server):
    Flaky.answers[:] = [404]
    client = api.ApiClient(base_url=flaky_server, backoff_seconds=0.01)

    with pytest.raises(api.SyncError, match="HTTP 404"):
        client.page("works", dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "*")

    assert client.requests_made == 1
