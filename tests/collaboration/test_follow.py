import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration import services
from collaboration.models import Follow
from tests import factories

pytestmark = pytest.mark.django_db


def _follow_url(researcher):
    return reverse("collaboration:follow", args=[researcher.pk])


def test_signed_in_user_follows_and_the_count_updates(stranger_client, stranger):
    person = factories.researcher()
    response = stranger_client.post(_follow_url(person), {"action": "follow"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.followers_count == 1
    html = stranger_client.get(person.get_absolute_url()).content.decode()
    assert "Following" in html and 'aria-pressed="true"' in html


def test_follow_without_javascript_redirects_back_to_the_profile(stranger_client):
    person = factories.researcher()
    response = stranger_client.post(_follow_url(person))
    assert response["Location"] == person.get_absolute_url()


def test_htmx_follow_returns_the_section_and_the_new_count(stranger_client):
    person = factories.researcher()
    response = stranger_client.post(_follow_url(person), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="follow-section"' in html
    assert (
        '<li id="followers-stat" hx-swap-oob="true"><span class="stats__value" '
        'id="followers-count">1</span> <span class="stats__label">follower</span></li>'
    ) in html
    assert "1 followers" not in html and "> follower; press to unfollow<" in html


def test_following_twice_is_harmless(stranger, stranger_client):
    person = factories.researcher()
    stranger_client.post(_follow_url(person))
    stranger_client.post(_follow_url(person))
    person.refresh_from_db()
    assert person.followers_count == 1
    assert Follow.objects.filter(researcher=person).count() == 1


def test_unfollow_and_unfollowing_a_stranger_changes_nothing(stranger, stranger_client):
    person = factories.researcher()
    other = factories.researcher()
    services.follow_create(user=stranger, researcher=person)
    stranger_client.post(_follow_url(other), {"action": "unfollow"})
    other.refresh_from_db()
    assert other.followers_count == 0
    stranger_client.post(_follow_url(person), {"action": "unfollow"})
    person.refresh_from_db()
    assert person.followers_count == 0
    assert not Follow.objects.exists()


def test_following_raises_the_trust_score(stranger, make_user):
    person = factories.researcher()
    factories.refresh(person)
    before = person.trust_score
    for _ in range(9):
        services.follow_create(user=make_user(), researcher=person)
    person.refresh_from_db()
    # 9 followers: round(15 * log10(10) / 3) = 5 community points
    assert person.trust_score == before + 5


def test_visitor_cannot_follow(client):
    person = factories.researcher()
    response = client.post(_follow_url(person))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Follow.objects.exists()


def test_follow_requires_post(stranger_client):
    person = factories.researcher()
    assert stranger_client.get(_follow_url(person)).status_code == 405


def test_follow_unknown_researcher_is_404(stranger_client):
    assert stranger_client.post(reverse("collaboration:follow", args=[99999999])).status_code == 404


def test_follow_without_csrf_token_is_refused(stranger):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(stranger)
    person = factories.researcher()
    assert client.post(_follow_url(person)).status_code == 403
    assert not Follow.objects.exists()


def test_following_page_lists_people_and_their_works_newest_first(stranger, stranger_client):
    person = factories.researcher(display_name="Followed Person")
    factories.work(authors=[person], title="Older paper", publication_year=2010)
    factories.work(authors=[person], title="Newer paper", publication_year=2023)
    services.follow_create(user=stranger, researcher=person)
    html = stranger_client.get(reverse("collaboration:following")).content.decode()
    assert "Followed Person" in html
    assert html.index("Newer paper") < html.index("Older paper")


def test_following_page_query_count_is_constant(stranger, stranger_client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert stranger_client.get(reverse("collaboration:following")).status_code == 200
        return len(ctx.captured_queries)

    person = factories.researcher()
    services.follow_create(user=stranger, researcher=person)
    factories.work(authors=[person])
    # Each first request after a change also refills cached state (the session, the reader's
    # follows, which follow_create forgets), so both sizes are measured on the second request.
    count()
    small = count()
    for _ in range(15):
        other = factories.researcher()
        services.follow_create(user=stranger, researcher=other)
        factories.work(authors=[other, person])
    count()
    assert count() == small


def test_following_page_needs_login(client):
    assert client.get(reverse("collaboration:following")).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_by_one_user_store_one(stranger):
    person = factories.researcher()
    barrier = threading.Barrier(4)

    def follow():
        barrier.wait()
        try:
            services.follow_create(user=stranger, researcher=person)
        finally:
            connection.close()

    threads = [threading.Thread(target=follow) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    person.refresh_from_db()
    assert Follow.objects.filter(researcher=person).count() == 1
    assert person.followers_count == 1


def test_feed_items_say_whose_work_they_are(stranger, stranger_client):
    ada = factories.researcher(display_name="Ada Followed")
    bo = factories.researcher(display_name="Bo Followed")
    not_followed = factories.researcher(display_name="Cy Coauthor")
    factories.work(authors=[ada], title="Ada's own paper", publication_year=2024)
    factories.work(authors=[not_followed, bo, ada], title="A shared paper", publication_year=2023)
    services.follow_create(user=stranger, researcher=ada)
    services.follow_create(user=stranger, researcher=bo)
    html = stranger_client.get(reverse("collaboration:following")).content.decode()
    items = re.findall(r'<article class="work">(.*?)</article>', html, re.S)
    whose = [
        re.sub(r"<[^>]+>", "", re.search(r'class="work__whose">(.*?)</p>', i)[1]) for i in items
    ]
    # Byline order; people not followed are not named.
    assert whose == [
        "A work of Ada Followed, whom you follow.",
        "A work of Bo Followed and Ada Followed, whom you follow.",
    ]
    assert f'href="{ada.get_absolute_url()}">Ada Followed</a>' in items[0]


def test_feed_names_only_what_this_person_follows(stranger, make_user, stranger_client):
    ada = factories.researcher(display_name="Ada Followed")
    bo = factories.researcher(display_name="Bo Elsewhere")
    factories.work(authors=[ada, bo], title="A shared paper")
    services.follow_create(user=stranger, researcher=ada)
    services.follow_create(user=make_user("other@example.org"), researcher=bo)
    html = stranger_client.get(reverse("collaboration:following")).content.decode()
    assert "A work of <a" in html and "Bo Elsewhere</a>" not in html
