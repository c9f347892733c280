import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration import services as collaboration_services
from profiles.claims.services import claim_submit
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


def test_signed_in_pages_get_the_follow_form_that_visitors_never_get(client, stranger):
    person = factories.researcher()
    _visit(client, person)
    client.force_login(stranger)
    html, _ = _visit(client, person)
    assert "csrfmiddlewaretoken" in html  # the follow form, stitched into the shared page


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


def test_signed_in_readers_share_the_page_and_get_their_own_parts(
    client, stranger, make_user, django_capture_on_commit_callbacks
):
    person = factories.researcher()
    follower, other = Client(), Client()
    follower.force_login(stranger)
    other.force_login(make_user())
    with django_capture_on_commit_callbacks(execute=True):
        collaboration_services.follow_create(user=stranger, researcher=person)
    _visit(follower, person)  # the shared page and the reader's state are cached
    html, queries = _visit(follower, person)
    assert queries == 0  # session, user row, page and state all come from the cache
    assert 'aria-pressed="true"' in html and "csrfmiddlewaretoken" in html
    assert "Log out" in html
    assert 'aria-pressed="false"' in _visit(other, person)[0]
    anonymous = _visit(client, person)[0]
    assert "Log in to claim" in anonymous and "csrfmiddlewaretoken" not in anonymous


def test_the_follow_form_works_without_javascript_and_shows_at_once(
    stranger, django_capture_on_commit_callbacks
):
    person = factories.researcher()
    reader = Client()
    reader.force_login(stranger)
    assert 'aria-pressed="false"' in _visit(reader, person)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(reverse("collaboration:follow", args=[person.pk]))
    assert response.status_code == 302
    html, _ = _visit(reader, person)
    assert 'aria-pressed="true"' in html
    assert '<span class="stats__value" id="followers-count">1</span>' in html
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(reverse("collaboration:follow", args=[person.pk]), {"action": "unfollow"})
    assert 'aria-pressed="false"' in _visit(reader, person)[0]


def test_a_claim_in_progress_shows_to_its_claimant_at_once(
    stranger, make_user, django_capture_on_commit_callbacks
):
    person = factories.researcher()
    claimant, other = Client(), Client()
    claimant.force_login(stranger)
    other.force_login(make_user())
    assert "Claim this record" in _visit(claimant, person)[0]
    with django_capture_on_commit_callbacks(execute=True):
        claim_submit(user=stranger, researcher=person, email="stranger@uni.example")
    assert "Your claim on this record is in progress" in _visit(claimant, person)[0]
    assert "Your claim on this record is in progress" not in _visit(other, person)[0]
