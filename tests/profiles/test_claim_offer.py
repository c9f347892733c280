"""A pending claimant sees their claim on the profile instead of an offer to claim again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles.claims import services as claims
from profiles.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db

OFFER = "Claim this record</a>"


@pytest.fixture
def record():
    person = factories.researcher(display_name="Pending Person")
    factories.work(authors=[person])
    factories.refresh(person)
    return person


@pytest.fixture
def pending(record, stranger, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return claims.claim_submit(user=stranger, researcher=record, email="me@example.org")


def test_the_claimant_sees_their_claim_and_a_link_to_it(client, stranger, record, pending):
    client.force_login(stranger)
    html = client.get(record.get_absolute_url()).content.decode()
    assert OFFER not in html
    assert (
        "<strong>Your claim on this record is in progress:</strong> "
        "email address not yet confirmed." in html
    )
    assert f'href="{pending.get_absolute_url()}">See your claim</a>' in html


def test_a_claim_waiting_for_a_moderator_says_so(client, stranger, record, pending):
    Claim.objects.filter(pk=pending.pk).update(status="awaiting_moderator", token_hash=None)
    client.force_login(stranger)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "in progress:</strong> waiting for a moderator." in html
    assert OFFER not in html


def test_someone_else_is_still_offered_the_claim(client, owner, record, pending):
    client.force_login(owner)
    html = client.get(record.get_absolute_url()).content.decode()
    assert OFFER in html
    assert "Your claim on this record" not in html


def test_a_visitor_is_offered_to_log_in_to_claim(client, record, pending):
    html = client.get(record.get_absolute_url()).content.decode()
    assert "Log in to claim" in html and "Your claim on this record" not in html


def test_after_withdrawing_the_claimant_may_claim_again(client, stranger, record, pending):
    claims.claim_withdraw(claim=pending, user=stranger)
    client.force_login(stranger)
    html = client.get(record.get_absolute_url()).content.decode()
    assert OFFER in html and "Your claim on this record" not in html


def test_the_claim_check_reads_the_claim_only_for_its_claimant(
    client, stranger, record, django_capture_on_commit_callbacks
):
    client.force_login(stranger)

    def claim_reads():
        with CaptureQueriesContext(connection) as ctx:
            client.get(record.get_absolute_url())
        return [q for q in ctx.captured_queries if '"profiles_claim"' in q["sql"]]

    client.get(record.get_absolute_url())  # warm the session, the page and the reader's state
    # Which records the reader has claims in progress on is their cached state.
    assert claim_reads() == []
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_submit(user=stranger, researcher=record, email="stranger@uni.example")
    client.get(record.get_absolute_url())
    assert len(claim_reads()) == 1  # the claim shown, by its record and claimant
