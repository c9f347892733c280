"""Claim rules a user would notice and no other test told apart (the mutation run's survivors).

Each test here fails against one small change to profiles/claims/ that a mutation run found
unnoticed: the API's status for a refused claim, the lost race of two submissions, a link used
by a concurrent request, addresses at no institution, mails and bounded texts.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.test import Client

from bzpeer.errors import DomainError
from profiles.claims import disputes, queries
from profiles.claims import services as claims
from profiles.models import Claim, ClaimEvent, Dispute
from profiles.owner_content.models import OwnerContent
from profiles.services import trust_breakdown
from tests import factories
from works.models import Researcher

from .test_claims import submit

pytestmark = pytest.mark.django_db

S = Claim.Status


@pytest.fixture
def stranger(make_user):
    return make_user("stranger@example.org", first_name="Hongxia", last_name="Yang")


@pytest.fixture
def record():
    person = factories.researcher(display_name="Hongxia Yang")
    uni = factories.institution(
        display_name="University of Example", homepage_domain="uni-example.edu"
    )
    factories.affiliate(person, uni)
    factories.refresh(person)
    return person


@pytest.fixture
def claim_for(django_capture_on_commit_callbacks):
    def make(user, researcher, email):
        return submit(django_capture_on_commit_callbacks, user, researcher, email)

    return make


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    return caught.value


def test_a_merged_record_is_refused_with_a_conflict(stranger, record):
    survivor = factories.researcher(display_name="Hongxia Yang")
    Researcher.objects.filter(pk=record.pk).update(merged_into=survivor)
    error = refused(
        claims.claim_submit, user=stranger, researcher=record, email="hy@uni-example.edu"
    )
    assert error.status == 409 and "merged" in error.message


def test_claiming_ones_own_record_is_refused_with_a_conflict(stranger, record):
    Researcher.objects.filter(pk=record.pk).update(owner=stranger, claim_status="claimed")
    error = refused(
        claims.claim_submit, user=stranger, researcher=record, email="hy@uni-example.edu"
    )
    assert (error.status, error.message) == (409, "You already own this record.")


def test_an_owned_record_is_refused_with_a_conflict(stranger, record, make_user):
    Researcher.objects.filter(pk=record.pk).update(
        owner=make_user("first@example.org"), claim_status="claimed"
    )
    error = refused(
        claims.claim_submit, user=stranger, researcher=record, email="hy@uni-example.edu"
    )
    assert error.status == 409 and "already has an owner" in error.message


def test_a_second_claim_in_progress_is_refused_with_a_conflict(claim_for, stranger, record):
    claim_for(stranger, record, "hy@gmail.example")
    error = refused(claims.claim_submit, user=stranger, researcher=record, email="b@gmail.example")
    assert (error.status, error.message) == (
        409,
        "You already have a claim on this record in progress.",
    )


def test_losing_the_race_to_a_simultaneous_submission_is_a_conflict(
    claim_for, stranger, record, monkeypatch
):
    """The other request's claim is not yet seen by the check; the constraint refuses ours."""
    first, _ = claim_for(stranger, record, "hy@gmail.example")
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    error = refused(claims.claim_submit, user=stranger, researcher=record, email="b@gmail.example")
    assert (error.status, error.message) == (
        409,
        "You already have a claim on this record in progress.",
    )
    assert list(Claim.objects.filter(researcher=record)) == [first]


def test_a_link_used_by_a_concurrent_request_is_refused(claim_for, stranger, record, monkeypatch):
    """The lookup found the claim, but by the time the row is locked its link was used."""
    claim, token = claim_for(stranger, record, "hy@gmail.example")
    claims.claim_confirm_email(token=token)
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_MODERATOR
    monkeypatch.setattr(claims, "claim_for_token", lambda _token: claim)
    error = refused(claims.claim_confirm_email, token=token)
    assert "not valid or has already been used" in error.message
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_MODERATOR


@pytest.mark.parametrize("email", ["hy@mit.edu", "hy@gmail.com", "hy@localhost"])
def test_an_institution_without_a_homepage_matches_no_address(claim_for, stranger, email):
    """Institutions without a homepage have an empty domain; no address may match it."""
    person = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(
        person, factories.institution(display_name="No Homepage", homepage_domain="")
    )
    factories.affiliate(
        person, factories.institution(display_name="Top Level", homepage_domain="edu")
    )
    factories.affiliate(person, factories.institution(display_name="Mail", homepage_domain="com"))
    claim, token = claim_for(stranger, person, email)
    claims.claim_confirm_email(token=token)
    claim.refresh_from_db()
    person.refresh_from_db()
    assert claim.status == S.AWAITING_MODERATOR and claim.matched_institution is None
    assert person.owner_id is None


def test_the_claimant_is_mailed_when_approved_automatically(
    claim_for, stranger, record, django_capture_on_commit_callbacks
):
    claim, token = claim_for(stranger, record, "hy@uni-example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_confirm_email(token=token)
    claim.refresh_from_db()
    assert claim.status == S.APPROVED
    assert mail.outbox[-1].to == [stranger.email]
    assert mail.outbox[-1].subject == f"Your claim on {record} was approved (BZPEER)"


@pytest.mark.parametrize("ends_with", ["withdraw", "revoke"])
def test_an_owner_who_goes_takes_their_words_with_them(
    claim_for, stranger, record, moderator, ends_with
):
    claim, token = claim_for(stranger, record, "hy@uni-example.edu")
    claims.claim_confirm_email(token=token)
    OwnerContent.objects.create(researcher=record, bio="My own words.", updated_by=stranger)
    if ends_with == "withdraw":
        claims.claim_withdraw(claim=claim, user=stranger)
    else:
        claims.claim_revoke(claim=claim, moderator=moderator, reason="Not theirs.")
    record.refresh_from_db()
    assert record.owner_id is None
    assert not OwnerContent.objects.filter(researcher=record).exists()


def test_claims_and_records_of_others_are_not_found(claim_for, stranger, record, moderator):
    claim, _ = claim_for(stranger, record, "hy@gmail.example")
    anonymous = AnonymousUser()
    with pytest.raises(Http404):
        queries.claim_get_for_user(anonymous, claim.pk)
    with pytest.raises(Http404):
        queries.researcher_get_for_owner(anonymous, record.pk)
    with pytest.raises(Http404):
        queries.researcher_get_for_owner(stranger, record.pk)
    with pytest.raises(Http404):
        queries.dispute_get_for_moderator(moderator, 10**9)
    with pytest.raises(Http404):
        queries.claim_get_for_moderator(moderator, 10**9)


@pytest.fixture
def owned(claim_for, stranger, record):
    """The record, owned by `stranger` through an approved claim (an institutional address)."""
    claim, token = claim_for(stranger, record, "hy@uni-example.edu")
    claims.claim_confirm_email(token=token)
    claim.refresh_from_db()
    assert claim.status == S.APPROVED
    return claim


def test_approving_a_claim_on_a_record_owned_without_a_claim_is_refused(
    claim_for, stranger, record, moderator, make_user
):
    """The conditional owner update alone refuses it: no owning claim exists to collide with."""
    claim, token = claim_for(stranger, record, "hy@gmail.example")
    claims.claim_confirm_email(token=token)
    first = make_user("first@example.org")
    Researcher.objects.filter(pk=record.pk).update(owner=first, claim_status="claimed")
    error = refused(claims.claim_approve, claim=claim, moderator=moderator)
    assert error.message == "This record already has an owner."
    claim.refresh_from_db()
    record.refresh_from_db()
    assert (claim.status, record.owner_id) == (S.AWAITING_MODERATOR, first.pk)


def test_the_approval_event_detail_keeps_300_characters_of_a_long_institution_name(
    claim_for, stranger
):
    person = factories.researcher(display_name="Hongxia Yang")
    name = "Institute " + "x" * 490
    factories.affiliate(
        person, factories.institution(display_name=name, homepage_domain="long-example.edu")
    )
    claim, token = claim_for(stranger, person, "hy@long-example.edu")
    claims.claim_confirm_email(token=token)
    event = ClaimEvent.objects.get(claim=claim, kind=ClaimEvent.Kind.APPROVED)
    expected = f"the address belongs to {name} and the account's name matches"
    assert event.detail == expected[:300] and len(event.detail) == 300


def test_a_revoked_claimant_is_mailed_and_another_open_claim_keeps_the_record_pending(
    claim_for, stranger, record, moderator, make_user, django_capture_on_commit_callbacks
):
    other = make_user("other@example.org", first_name="Ada", last_name="Other")
    claim_for(other, record, "other@gmail.example")  # opened before the record was owned
    claim, token = claim_for(stranger, record, "hy@uni-example.edu")
    claims.claim_confirm_email(token=token)
    claim.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_revoke(claim=claim, moderator=moderator, reason="Not theirs.")
    record.refresh_from_db()
    assert (record.owner_id, record.claim_status) == (None, Researcher.ClaimStatus.PENDING)
    assert mail.outbox[-1].subject == f"Your claim on {record} was revoked (BZPEER)"
    assert mail.outbox[-1].to == [stranger.email]
    assert "Not theirs." in mail.outbox[-1].body


def assert_score_is_fresh(researcher):
    researcher.refresh_from_db()
    fresh = trust_breakdown(Researcher.objects.for_profile_page().get(pk=researcher.pk))
    assert researcher.trust_score == fresh.total


@pytest.mark.parametrize("upheld", [True, False])
def test_a_dispute_and_its_outcome_reach_the_profile_and_its_score(
    owned, record, moderator, make_user, upheld
):
    """The profile page is cached: each step retires it, so its public history shows them."""
    page = record.get_absolute_url()
    assert "Claim disputed" not in Client().get(page).content.decode()
    dispute = disputes.dispute_submit(
        user=make_user("doubter@example.org"), researcher=record, reason="This is me."
    )
    assert "Claim disputed" in Client().get(page).content.decode()
    resolved = disputes.dispute_resolve(
        dispute=dispute, moderator=moderator, upheld=upheld, note="Checked."
    )
    assert resolved.status == (Dispute.Status.UPHELD if upheld else Dispute.Status.DISMISSED)
    assert (resolved.resolved_by, resolved.resolution_note) == (moderator, "Checked.")
    outcome = "Claim revoked" if upheld else "Dispute dismissed"
    assert outcome in Client().get(page).content.decode()
    assert_score_is_fresh(record)


def test_an_upheld_dispute_on_a_claim_withdrawn_meanwhile_is_closed(
    owned, stranger, record, moderator, make_user
):
    dispute = disputes.dispute_submit(
        user=make_user("doubter@example.org"), researcher=record, reason="This is me."
    )
    claims.claim_withdraw(claim=owned, user=stranger)
    resolved = disputes.dispute_resolve(
        dispute=dispute, moderator=moderator, upheld=True, note="Gone anyway."
    )
    assert resolved.status == Dispute.Status.UPHELD
    assert (resolved.resolved_by, resolved.resolution_note) == (moderator, "Gone anyway.")
    assert not Dispute.objects.filter(researcher=record, status=Dispute.Status.OPEN).exists()


def test_only_moderators_open_claims_and_disputes_by_id(owned, record, stranger, make_user):
    dispute = disputes.dispute_submit(
        user=make_user("doubter@example.org"), researcher=record, reason="This is me."
    )
    for accessor, pk in (
        (queries.claim_get_for_moderator, owned.pk),
        (queries.dispute_get_for_moderator, dispute.pk),
    ):
        with pytest.raises(PermissionDenied):
            accessor(stranger, pk)
