"""Public pages are rendered once and shared; every visible change shows at once."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration.services import follow_create
from graph import services as graph_services
from graph.models import GraphSlice
from tests import factories
from works.models import Work
from works.services import researchers_changed

pytestmark = pytest.mark.django_db


def visit(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode(), len(ctx.captured_queries)


@pytest.fixture
def record(db):
    place = factories.institution(display_name="Uni Cached")
    topic = factories.topic(display_name="Caching")
    ada = factories.researcher(display_name="Ada Cachewell")
    work = factories.work(authors=[ada], topics=[topic], title="First cached paper")
    work.authorships.get().institutions.add(place)
    factories.refresh(ada)
    return {"place": place, "topic": topic, "ada": ada, "work": work}


def urls(record):
    return {
        "work": reverse("works:detail", args=[record["work"].pk]),
        "authors": reverse("works:authors", args=[record["work"].pk]),
        "topic": reverse("works:topic", args=[record["topic"].pk]),
        "institution": reverse("works:institution", args=[record["place"].pk]),
        "directory": reverse("profiles:directory") + "?q=Cachewell",
        "home": reverse("profiles:home"),
    }


@pytest.mark.parametrize("page", ["work", "authors", "topic", "institution", "directory", "home"])
def test_second_view_is_served_without_the_database(client, record, page):
    url = urls(record)[page]
    first, first_queries = visit(client, url)
    second, second_queries = visit(client, url)
    assert first_queries > 0 and second_queries == 0
    assert first == second


@pytest.mark.parametrize("page", ["work", "topic", "institution"])
def test_an_imported_change_shows_at_once(client, record, page, django_capture_on_commit_callbacks):
    url = urls(record)[page]
    assert "First cached paper" in visit(client, url)[0]
    # What an import does: new rows, then the one hook for the researchers it touched.
    Work.objects.filter(pk=record["work"].pk).update(title="Renamed cached paper")
    with django_capture_on_commit_callbacks(execute=True):
        researchers_changed(researcher_ids=[record["ada"].pk])
    html, _ = visit(client, url)
    assert "Renamed cached paper" in html and "First cached paper" not in html


def test_a_new_researcher_is_found_at_once(client, record, django_capture_on_commit_callbacks):
    url = reverse("profiles:directory") + "?q=Cachewell"
    assert "Ada Cachewell" in visit(client, url)[0]
    bea = factories.researcher(display_name="Bea Cachewell")
    with django_capture_on_commit_callbacks(execute=True):
        factories.refresh(bea)
    assert "Bea Cachewell" in visit(client, url)[0]


def test_each_query_is_cached_apart(client, record):
    factories.refresh(factories.researcher(display_name="Cyd Othername"))
    assert "Ada Cachewell" in visit(client, reverse("profiles:directory") + "?q=Cachewell")[0]
    html, _ = visit(client, reverse("profiles:directory") + "?q=Othername")
    assert "Cyd Othername" in html and "Ada Cachewell" not in html


def test_signed_in_reader_gets_the_shared_page_with_their_own_menu(
    client, stranger_client, stranger, record
):
    url = urls(record)["work"]
    anonymous, _ = visit(client, url)
    assert "Log in" in anonymous
    signed_in, queries = visit(stranger_client, url)
    assert "Log out" in signed_in and "Log in" not in signed_in
    # The same page around the menu: only the account links differ.
    assert signed_in.split('<main id="main"')[1] == anonymous.split('<main id="main"')[1]
    again, queries = visit(stranger_client, url)
    assert again == signed_in and queries == 0


def test_signed_in_unread_count_shows_at_once(
    owner_client, owned_researcher, make_user, record, django_capture_on_commit_callbacks
):
    url = urls(record)["work"]
    assert 'id="notifications-count"' not in visit(owner_client, url)[0]
    with django_capture_on_commit_callbacks(execute=True):
        follow_create(user=make_user(), researcher=owned_researcher)
    html, _ = visit(owner_client, url)
    assert '<span class="count" id="notifications-count">1</span>' in html


def test_ready_slice_json_is_cached_until_the_slice_changes(client, record):
    ada = record["ada"]
    url = reverse("graph:api-slice", args=[ada.pk])
    graph_slice = graph_services.graph_slice_ensure(researcher_id=ada.pk)
    graph_services.graph_slice_build(slice_id=graph_slice.pk, force=True)
    first = client.get(url)
    assert first.status_code == 200 and first.json()["status"] == "ready"
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    # No query at all: the view, not the merged records' URL converter, sends a merged
    # record's slice URL to its survivor, from the row it loads when the slice is not cached.
    assert second.json() == first.json()
    assert ctx.captured_queries == []
    graph_services.graph_slices_mark_stale(researcher_ids=[ada.pk])
    assert GraphSlice.objects.get(pk=graph_slice.pk).stale
    assert client.get(url).json()["stale"] is True


def test_an_imported_work_without_researchers_shows_at_once(
    client, record, tmp_path, django_capture_on_commit_callbacks
):
    """A work whose byline links no researcher touches no profile, yet the public pages that
    list it (its topic's page) must show it: the import itself retires the public record."""
    from works.importer import openalex_import

    url = urls(record)["topic"]
    assert "Authorless imported paper" not in visit(client, url)[0]
    topic_id = record["topic"].openalex_id
    work = {
        "id": "https://openalex.org/W9900000001",
        "display_name": "Authorless imported paper",
        "publication_year": 2024,
        "type": "article",
        "cited_by_count": 5000,
        "updated_date": "2026-11-30T00:00:00",
        "authorships": [],
        "topics": [
            {"id": f"https://openalex.org/{topic_id}", "display_name": "Caching", "score": 0.9}
        ],
    }
    path = tmp_path / "works.jsonl"
    path.write_text(json.dumps(work) + "\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        result = openalex_import(paths=[path])
    assert result.counts["works"] == 1 and not result.touched_researcher_ids
    assert "Authorless imported paper" in visit(client, url)[0]


@pytest.fixture
def cache_calls(monkeypatch):
    """The cache methods called, in order: each is one round trip to Redis."""
    from django.core.cache import cache

    calls = []

    def counting(name, method):
        def counted(*args, **kwargs):
            calls.append(name)
            return method(*args, **kwargs)

        return counted

    for name in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many"):
        monkeypatch.setattr(cache, name, counting(name, getattr(cache, name)))
    return calls


@pytest.mark.parametrize("page", ["profile", "work", "topic", "institution", "directory", "home"])
def test_a_cached_page_reads_the_cache_once(client, record, page, cache_calls):
    url = {**urls(record), "profile": record["ada"].get_absolute_url()}[page]
    first, _ = visit(client, url)
    cache_calls.clear()
    again, queries = visit(client, url)
    assert again == first and queries == 0
    assert cache_calls == ["get_many"]  # the versions and the page together


def test_a_signed_in_page_reads_the_session_the_user_then_the_page_with_their_state(
    stranger_client, record, cache_calls
):
    url = record["ada"].get_absolute_url()
    first, _ = visit(stranger_client, url)
    cache_calls.clear()
    again, queries = visit(stranger_client, url)
    unmasked = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')  # masked anew each time
    assert unmasked.sub("", again) == unmasked.sub("", first) and "Log out" in again
    assert queries == 0  # the user row comes from the cache too
    assert cache_calls == ["get", "get", "get_many"]  # session, user, page with their state


def test_anonymous_pages_are_kept_per_address(client, record):
    """The log-in links send the reader back to the address they were reading."""
    profile = record["ada"].get_absolute_url()
    plain, _ = visit(client, profile)
    numbered, _ = visit(client, profile + "?page=1")
    assert f"?next={profile}%3Fpage%3D1" in numbered
    assert f"?next={profile}%3Fpage%3D1" not in plain and f'?next={profile}"' in plain
    assert visit(client, profile)[0] == plain


def test_a_page_holding_a_readers_csrf_token_is_never_shared(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from bzpeer import page_cache

    renders = []

    def read_page():
        request = rf.get("/a-page-with-a-form/")
        request.user = AnonymousUser()

        def render():
            renders.append(request)
            return HttpResponse(f'<form method="post">{get_token(request)}</form>')

        return page_cache.serve(request, name="form", scopes=["form"], render=render)

    first, second = read_page(), read_page()
    assert len(renders) == 2 and first.content != second.content


def test_a_ready_slice_reads_the_cache_once(client, record, cache_calls):
    ada = record["ada"]
    graph_slice = graph_services.graph_slice_ensure(researcher_id=ada.pk)
    graph_services.graph_slice_build(slice_id=graph_slice.pk, force=True)
    url = reverse("graph:api-slice", args=[ada.pk])
    first = client.get(url).json()
    cache_calls.clear()
    assert client.get(url).json() == first and first["status"] == "ready"
    assert cache_calls == ["get_many"]  # the slice's version and its JSON together
