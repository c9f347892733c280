import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collaboration import services as collaboration_services
from tests import factories

pytestmark = pytest.mark.django_db


def _visit(client, researcher, query=""):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(researcher.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_second_visitor_view_is_served_without_the_database(client):
    person = factories.researcher()
    factories.work(authors=[person])
    factories.refresh(person)
    first, first_queries = _visit(client, person)
    second, second_queries = _visit(client, person)
    assert first_queries > 0
    assert second_queries == 0
    assert first == second


def test_a_new_follower_shows_at_once(client, stranger, django_capture_on_commit_callbacks):
    person = factories.researcher()
    _visit(client, person)
    with django_capture_on_commit_callbacks(execute=True):
        collaboration_services.follow_create(user=stranger, researcher=person)
    html, _ = _visit(client, person)
    assert '<span class="stats__value" id="followers-count">1</span>' in html


def test_an_imported_work_shows_at_once(client, django_capture_on_commit_callbacks):
    person = factories.researcher()
    factories.work(authors=[person], title="First finding")
    factories.refresh(person)
    assert "First finding" in _visit(client, person)[0]
    factories.work(authors=[person], title="Second finding")
    with django_capture_on_commit_callbacks(execute=True):
        factories.refresh(person)
    html, _ = _visit(client, person)
    assert "Second finding" in html
    assert "2 published items" in html


def test_each_works_page_is_cached_apart(client, settings):
    settings.BZPEER = {**settings.BZPEER, "PROFILE_WORKS_PER_PAGE": 1}
    person = factories.researcher()
    factories.work(authors=[person], title="Paper A", publication_year=2020)
    factories.work(authors=[person], title="Paper B", publication_year=2010)
    factories.refresh(person)
    assert "Paper A" in _visit(client, person)[0]
    assert "Paper B" in _visit(client, person, "?page=2")[0]


def test_signed_in_pages_are_not_served_from_the_visitor_cache(client, stranger):
    person = factories.researcher()
    _visit(client, person)
    client.force_login(stranger)
    html, queries = _visit(client, person)
    assert queries > 0
    assert "csrfmiddlewaretoken" in html  # the follow form, which visitors never get


def test_visitor_pages_carry_no_csrf_token(client):
    person = factories.researcher()
    html, _ = _visit(client, person)
    assert "csrfmiddlewaretoken" not in html


def test_signed_in_views_reuse_the_shared_fragments_until_the_record_changes(
    client, stranger, django_capture_on_commit_callbacks
):
    person = factories.researcher()
    factories.work(authors=[person], title="Shared fragment paper")
    factories.refresh(person)
    client.force_login(stranger)
    first, first_queries = _visit(client, person)
    second, second_queries = _visit(client, person)
    # The works list, header and history come from the cache: no works query the second time.
    assert second_queries < first_queries
    assert "Shared fragment paper" in second
    factories.work(authors=[person], title="A newer paper", publication_year=2030)
    with django_capture_on_commit_callbacks(execute=True):
        factories.refresh(person)
    third, _ = _visit(client, person)
    assert "A newer paper" in third
