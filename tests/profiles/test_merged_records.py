"""A record merged into another stays resolvable but never shows up as a record of its own."""

import pytest
from django.urls import reverse

from bzpeer.errors import DomainError
from profiles.claims.services import claim_submit
from tests import factories
from works.models import Researcher

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged_pair():
    survivor = factories.researcher(display_name="Merle Survivor", trust_score=90)
    old = factories.researcher(display_name="Merle Survivor", trust_score=95)
    Researcher.objects.filter(pk=old.pk).update(merged_into=survivor)
    old.refresh_from_db()
    return survivor, old


def test_home_page_does_not_feature_a_merged_record(client, merged_pair):
    survivor, old = merged_pair
    html = client.get("/").content.decode()
    assert survivor.get_absolute_url() in html
    assert old.get_absolute_url() not in html


def test_autocomplete_skips_a_merged_record(client, merged_pair):
    survivor, old = merged_pair
    html = client.get(reverse("profiles:autocomplete"), {"q": "merle"}).content.decode()
    assert survivor.get_absolute_url() in html
    assert old.get_absolute_url() not in html


def test_openalex_lists_hide_a_merged_author_and_its_id_answers_with_the_survivor(
    client, merged_pair
):
    survivor, old = merged_pair
    listed = client.get("/openalex/authors", {"search": "merle"}).json()
    assert [a["id"].rsplit("/", 1)[-1] for a in listed["results"]] == [survivor.openalex_id]
    assert listed["meta"]["count"] == 1
    single = client.get(f"/openalex/authors/{old.openalex_id}").json()
    assert single["id"].endswith(survivor.openalex_id)


def test_a_merged_record_cannot_be_claimed(merged_pair, stranger):
    _, old = merged_pair
    with pytest.raises(DomainError, match="merged"):
        claim_submit(user=stranger, researcher=old, email="me@example.org")
    assert not old.claims.exists()
