"""The staff page of snapshot runs and syncs: staff read it, nobody else does."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from works.models import ImportPart, ImportRun, SyncState

pytestmark = pytest.mark.django_db


def make_run(n: int, *, failed: bool = False) -> ImportRun:
    run = ImportRun.objects.create(source=f"/snapshots/{n}", state="failed" if failed else "done")
    ImportPart.objects.create(run=run, path=f"/snapshots/{n}/works/a.gz", entity="works", phase=2,
                              state="done", records=10, expected_records=10)  # fmt: skip
    ImportPart.objects.create(
        run=run,
        path=f"/snapshots/{n}/works/b.gz",
        entity="works",
        phase=2,
        state="failed" if failed else "done",
        records=3,
        errors=1,
        error_lines=[f"/snapshots/{n}/works/b.gz:4: cannot read the file: truncated"],
    )
    return run


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_staff_see_runs_their_progress_and_syncs(moderator_client):
    make_run(1, failed=True)
    SyncState.objects.create(source="api:http://peer.test", last_error="HTTP 503")

    response = moderator_client.get(reverse("works:import-runs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert "/snapshots/1" in html and "1 of 2" in html and "failed" in html
    assert "api:http://peer.test" in html and "HTTP 503" in html


def test_run_page_lists_failed_parts_first_with_their_errors(moderator_client):
    run = make_run(1, failed=True)

    html = moderator_client.get(reverse("works:import-run", args=[run.pk])).content.decode()

    assert html.index("b.gz") < html.index("a.gz")
    assert "cannot read the file: truncated" in html


def test_pages_cost_the_same_for_one_run_or_many(moderator_client):
    first = make_run(1)
    queries(moderator_client, reverse("works:import-runs"))  # caches the session (cached_db)
    one = queries(moderator_client, reverse("works:import-runs"))
    one_detail = queries(moderator_client, reverse("works:import-run", args=[first.pk]))
    for n in range(2, 6):
        make_run(n, failed=n % 2 == 0)
    ImportPart.objects.bulk_create(
        ImportPart(run=first, path=f"/snapshots/1/more/{n}", entity="works", phase=2)
        for n in range(20)
    )

    assert queries(moderator_client, reverse("works:import-runs")) == one
    assert queries(moderator_client, reverse("works:import-run", args=[first.pk])) == one_detail


def test_signed_in_stranger_is_refused(stranger_client):
    run = make_run(1)

    assert stranger_client.get(reverse("works:import-runs")).status_code == 403
    assert stranger_client.get(reverse("works:import-run", args=[run.pk])).status_code == 403


def test_visitor_is_sent_to_sign_in(visitor_client):
    response = visitor_client.get(reverse("works:import-runs"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_run_is_404(moderator_client):
    assert moderator_client.get(reverse("works:import-run", args=[999])).status_code == 404
