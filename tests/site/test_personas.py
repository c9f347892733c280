"""The personas of tests/conftest.py: each its own client and session, the owner owning a record."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_each_persona_is_its_own_client(
    visitor_client, stranger_client, owner_client, moderator_client, stranger, owner, moderator
):
    signed_in = [stranger_client, owner_client, moderator_client]
    assert len({id(c) for c in [visitor_client, *signed_in]}) == 4
    assert "_auth_user_id" not in visitor_client.session
    assert [int(c.session["_auth_user_id"]) for c in signed_in] == [
        stranger.pk,
        owner.pk,
        moderator.pk,
    ]


def test_the_owner_owns_a_record_and_only_the_owner_corrects_it(
    owner_client, stranger_client, owned_researcher, owner
):
    assert owned_researcher.owner == owner and owned_researcher.claim_status == "claimed"
    url = reverse("corrections:home", args=[owned_researcher.pk])
    assert owner_client.get(url).status_code == 200
    assert stranger_client.get(url).status_code == 404
