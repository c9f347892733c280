"""What people type is stored without bidi controls: no headline or topic can display as other
text (the page-wide filter covers old rows; this keeps new ones clean at the source)."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from collaboration.models import Invite
from tests import factories

pytestmark = pytest.mark.django_db

SPOOF = "I study \u202egnigrem\u202c \u2066models\u2069"


@pytest.fixture
def owned(owner):
    return factories.researcher(
        display_name="Owen Owner", owner=owner, claim_status="claimed", verification_level=2
    )


def test_the_owner_headline_is_stored_without_bidi_controls(owner_client, owned):
    response = owner_client.post(
        reverse("claims:edit", args=[owned.pk]), {"headline": SPOOF, "open_to_collaborate": "on"}
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.headline == "I study gnigrem models"


def test_an_invite_topic_is_stored_without_bidi_controls(client, stranger, owned):
    EmailAddress.objects.create(user=stranger, email=stranger.email, verified=True, primary=True)
    client.force_login(stranger)
    response = client.post(
        reverse("collaboration:invite_create", args=[owned.pk]),
        {"topic_choice": "", "topic_text": SPOOF, "message": "Shall we talk?"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Invite.objects.get().topic == "I study gnigrem models"
