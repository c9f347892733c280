"""Claiming, confirming, moderating, withdrawing, revoking and disputing a record (TRUST.md)."""

import hashlib
import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bzpeer.errors import DomainError
from profiles.claims import disputes
from profiles.claims import services as claims
from profiles.models import Claim, ClaimEvent, Dispute
from profiles.services import trust_breakdown
from tests import factories
from works.models import Researcher

pytestmark = pytest.mark.django_db

S = Claim.Status
DOMAIN = "uni-example.edu"


# Automatic approval needs the account's name to be the record's (Hongxia Yang), so here the
# personas who claim carry it; a colleague with the address but another name is `colleague`.
@pytest.fixture
def stranger(make_user):
    """The claimant: signed in, owning nothing yet, named as the record is."""
    return make_user("stranger@example.org", first_name="Hongxia", last_name="Yang")


@pytest.fixture
def owner(make_user):
    """Claims the record first in the tests of owned records; named as the record is."""
    return make_user("owner@example.org", first_name="Hongxia", last_name="Yang")


@pytest.fixture
def institution():
    return factories.institution(display_name="University of Example", homepage_domain=DOMAIN)


@pytest.fixture
def record(institution):
    """A public record (L1) whose last known institution is the University of Example."""
    person = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(person, institution)
    factories.refresh(person)
    return person


def token_in(message) -> str:
    return re.search(r"/claims/confirm/([A-Za-z0-9_-]+)/", message.body).group(1)


def submit(captured, user, researcher, email, **evidence):
    """Submit through the service and return the claim and the token mailed for it."""
    with captured(execute=True):
        claim = claims.claim_submit(user=user, researcher=researcher, email=email, **evidence)
    return claim, token_in(mail.outbox[-1])


@pytest.fixture
def claim_for(django_capture_on_commit_callbacks):
    def make(user, researcher, email, **evidence):
        return submit(django_capture_on_commit_callbacks, user, researcher, email, **evidence)

    return make


def confirmed(claim_for, user, researcher, email="me@gmail.example"):
    """A claim whose (non-institutional) address is confirmed: it waits for a moderator."""
    claim, token = claim_for(user, researcher, email)
    return claims.claim_confirm_email(token=token)


def state(researcher):
    researcher.refresh_from_db()
    return (researcher.owner_id, researcher.claim_status, researcher.verification_level)


def kinds(researcher):
    return list(
        ClaimEvent.objects.filter(researcher=researcher)
        .order_by("created_at", "id")
        .values_list("kind", "actor_role")
    )


def assert_score_is_fresh(researcher):
    researcher.refresh_from_db()
    fresh = trust_breakdown(Researcher.objects.for_profile_page().get(pk=researcher.pk))
    assert researcher.trust_score == fresh.total


# --- Submitting and confirming ------------------------------------------------------------


def test_submit_opens_a_pending_claim_and_mails_a_hashed_single_use_link(
    claim_for, stranger, record
):
    claim, token = claim_for(stranger, record, "hy@uni-example.edu", note="It is me.")
    claim.refresh_from_db()
    assert claim.status == S.EMAIL_PENDING
    assert claim.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Claim.objects.filter(pk=claim.pk).values().get())
    assert claim.token_expires_at > timezone.now() + timedelta(days=2)
    assert mail.outbox[-1].to == ["hy@uni-example.edu"]
    assert state(record) == (None, "pending", 1)
    assert kinds(record) == [("submitted", "claimant")]


def test_institutional_address_is_approved_automatically_at_l2(
    claim_for, stranger, record, institution
):
    before = record.trust_score
    claim, token = claim_for(stranger, record, "hy@uni-example.edu")
    claim = claims.claim_confirm_email(token=token)
    assert claim.status == S.APPROVED
    assert claim.matched_institution == institution
    assert state(record) == (stranger.pk, "claimed", 2)
    assert record.trust_score == before + 20
    assert_score_is_fresh(record)
    assert kinds(record) == [
        ("submitted", "claimant"),
        ("confirmed", "claimant"),
        ("approved", "system"),
    ]


def test_subdomain_of_the_institution_domain_also_approves(claim_for, stranger, record):
    _, token = claim_for(stranger, record, "hy@cs.Uni-Example.edu")
    assert claims.claim_confirm_email(token=token).status == S.APPROVED


def test_institution_from_the_authorships_counts_as_on_the_record(claim_for, stranger):
    person = factories.researcher(display_name="Hongxia Yang")
    lab = factories.institution(homepage_domain="lab-example.org")
    paper = factories.work(authors=[person])
    paper.authorships.get().institutions.add(lab)
    factories.refresh(person)  # as an import does: the byline's institution joins the record
    _, token = claim_for(stranger, person, "p@lab-example.org")
    assert claims.claim_confirm_email(token=token).status == S.APPROVED


@pytest.mark.parametrize(
    "email",
    [
        "hy@gmail.example",
        "hy@evil-uni-example.edu",
        "hy@uni-example.edu.attacker.example",
        "hy@example.edu",
    ],
)
def test_other_addresses_wait_for_a_moderator(claim_for, stranger, record, email):
    _, token = claim_for(stranger, record, email)
    claim = claims.claim_confirm_email(token=token)
    assert claim.status == S.AWAITING_MODERATOR
    assert state(record) == (None, "pending", 1)


def test_domain_of_an_institution_not_on_the_record_does_not_approve(claim_for, stranger):
    factories.institution(homepage_domain="elsewhere-example.edu")
    person = factories.researcher()
    _, token = claim_for(stranger, person, "p@elsewhere-example.edu")
    assert claims.claim_confirm_email(token=token).status == S.AWAITING_MODERATOR


def test_wrong_token_changes_nothing(claim_for, stranger, record):
    claim, _ = claim_for(stranger, record, "hy@uni-example.edu")
    for bad in ["", "nope", "x" * 500, claim.token_hash]:
        with pytest.raises(DomainError, match="not valid or has already been used"):
            claims.claim_confirm_email(token=bad)
    claim.refresh_from_db()
    assert claim.status == S.EMAIL_PENDING
    assert state(record) == (None, "pending", 1)


def test_expired_token_changes_nothing(claim_for, stranger, record):
    claim, token = claim_for(stranger, record, "hy@uni-example.edu")
    Claim.objects.filter(pk=claim.pk).update(token_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError, match="expired"):
        claims.claim_confirm_email(token=token)
    claim.refresh_from_db()
    assert (claim.status, claim.email_confirmed_at) == (S.EMAIL_PENDING, None)
    assert state(record) == (None, "pending", 1)


def test_a_token_works_once(claim_for, stranger, record):
    _, token = claim_for(stranger, record, "hy@gmail.example")
    claims.claim_confirm_email(token=token)
    with pytest.raises(DomainError, match="already been used"):
        claims.claim_confirm_email(token=token)
    assert kinds(record).count(("confirmed", "claimant")) == 1


def test_resending_replaces_the_link(
    claim_for, stranger, record, django_capture_on_commit_callbacks
):
    claim, old = claim_for(stranger, record, "hy@uni-example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_resend_confirmation(claim=claim, user=stranger)
    new = token_in(mail.outbox[-1])
    assert new != old
    with pytest.raises(DomainError):
        claims.claim_confirm_email(token=old)
    assert claims.claim_confirm_email(token=new).status == S.APPROVED


def test_only_the_claimant_can_resend_or_withdraw(claim_for, stranger, owner, record):
    claim, _ = claim_for(stranger, record, "hy@uni-example.edu")
    with pytest.raises(PermissionDenied):
        claims.claim_resend_confirmation(claim=claim, user=owner)
    with pytest.raises(PermissionDenied):
        claims.claim_withdraw(claim=claim, user=owner)
    claim.refresh_from_db()
    assert claim.status == S.EMAIL_PENDING


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({"email": "not-an-address"}, "valid email"),
        ({"email": "a@b.example", "orcid": "0000-0002-1825-0098"}, "check digit"),
        ({"email": "a@b.example", "orcid": "12345"}, "looks like"),
        ({"email": "a@b.example", "url": "javascript:alert(1)"}, "public web address"),
        ({"email": "a@b.example", "note": "x" * 2001}, "under 2000"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_saved(stranger, record, evidence, message):
    with pytest.raises(DomainError, match=message):
        claims.claim_submit(user=stranger, researcher=record, **evidence)
    assert not Claim.objects.exists()
    assert state(record) == (None, "unclaimed", 1)


def test_orcid_is_normalised_from_its_url(claim_for, stranger, record):
    claim, _ = claim_for(
        stranger, record, "a@b.example", orcid="https://orcid.org/0000-0002-1694-233x"
    )
    assert claim.orcid == "0000-0002-1694-233X"


def test_claiming_the_same_record_twice_is_refused(claim_for, stranger, record):
    claim_for(stranger, record, "hy@gmail.example")
    with pytest.raises(DomainError, match="already have a claim"):
        claims.claim_submit(user=stranger, researcher=record, email="other@gmail.example")
    assert Claim.objects.count() == 1


def test_claiming_an_owned_record_is_refused(claim_for, stranger, owner, record):
    _, token = claim_for(owner, record, "me@uni-example.edu")
    claims.claim_confirm_email(token=token)
    with pytest.raises(DomainError, match="already has an owner"):
        claims.claim_submit(user=stranger, researcher=record, email="s@uni-example.edu")
    with pytest.raises(DomainError, match="already own"):
        claims.claim_submit(user=owner, researcher=record, email="me@uni-example.edu")
    assert Claim.objects.count() == 1
    assert state(record) == (owner.pk, "claimed", 2)


def test_one_account_may_own_several_records(claim_for, owner, record, institution):
    split = factories.researcher(display_name="H. Yang")
    factories.affiliate(split, institution)
    for person in (record, split):
        _, token = claim_for(owner, person, "me@uni-example.edu")
        claims.claim_confirm_email(token=token)
    assert set(owner.owned_researchers.all()) == {record, split}


# --- Moderators ---------------------------------------------------------------------------


def test_moderator_approves_a_confirmed_claim(claim_for, stranger, moderator, record):
    claim = confirmed(claim_for, stranger, record)
    claims.claim_approve(claim=claim, moderator=moderator)
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (S.APPROVED, moderator)
    assert state(record) == (stranger.pk, "claimed", 2)
    assert kinds(record)[-1] == ("approved", "moderator")
    assert_score_is_fresh(record)


def test_an_unconfirmed_address_cannot_be_approved(claim_for, stranger, moderator, record):
    claim, _ = claim_for(stranger, record, "hy@gmail.example")
    with pytest.raises(DomainError, match="waiting for a moderator"):
        claims.claim_approve(claim=claim, moderator=moderator)
    assert state(record) == (None, "pending", 1)


def test_moderator_verifies_an_approved_claim_at_l3(claim_for, stranger, moderator, record):
    claim = confirmed(claim_for, stranger, record)
    claims.claim_approve(claim=claim, moderator=moderator)
    claims.claim_verify(claim=claim, moderator=moderator)
    claim.refresh_from_db()
    assert claim.status == S.VERIFIED
    assert state(record) == (stranger.pk, "verified", 3)
    assert trust_breakdown(record).parts[0].points == 40
    assert_score_is_fresh(record)
    assert kinds(record)[-1] == ("verified", "moderator")


def test_verifying_a_waiting_claim_approves_it_first(claim_for, stranger, moderator, record):
    claim = confirmed(claim_for, stranger, record)
    claims.claim_verify(claim=claim, moderator=moderator)
    assert state(record) == (stranger.pk, "verified", 3)
    assert [k for k, _ in kinds(record)][-2:] == ["approved", "verified"]


def test_moderator_rejects_with_a_reason_and_the_record_stays_as_it_was(
    claim_for, stranger, moderator, record, django_capture_on_commit_callbacks
):
    claim = confirmed(claim_for, stranger, record)
    with pytest.raises(DomainError, match="reason"):
        claims.claim_reject(claim=claim, moderator=moderator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_reject(claim=claim, moderator=moderator, reason="The page names someone else.")
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == (S.REJECTED, "The page names someone else.")
    assert state(record) == (None, "unclaimed", 1)
    assert "The page names someone else." in mail.outbox[-1].body
    assert mail.outbox[-1].to == [stranger.email]


def test_an_unconfirmed_claim_can_be_rejected_and_its_link_dies(
    claim_for, stranger, moderator, record
):
    claim, token = claim_for(stranger, record, "hy@uni-example.edu")
    claims.claim_reject(claim=claim, moderator=moderator, reason="Spam.")
    with pytest.raises(DomainError):
        claims.claim_confirm_email(token=token)
    assert state(record) == (None, "unclaimed", 1)


@pytest.mark.parametrize(
    "action",
    [
        lambda claim, user: claims.claim_approve(claim=claim, moderator=user),
        lambda claim, user: claims.claim_verify(claim=claim, moderator=user),
        lambda claim, user: claims.claim_reject(claim=claim, moderator=user, reason="no"),
        lambda claim, user: claims.claim_revoke(claim=claim, moderator=user, reason="no"),
    ],
)
def test_non_moderators_cannot_use_moderator_actions(claim_for, stranger, owner, record, action):
    claim = confirmed(claim_for, stranger, record)
    for person in (stranger, owner):
        with pytest.raises(PermissionDenied):
            action(claim, person)
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_MODERATOR
    assert state(record) == (None, "pending", 1)


def test_a_second_claim_cannot_be_approved_once_the_record_is_owned(
    claim_for, stranger, owner, moderator, record
):
    first = confirmed(claim_for, owner, record, "a@gmail.example")
    second = confirmed(claim_for, stranger, record, "b@gmail.example")
    claims.claim_approve(claim=first, moderator=moderator)
    with pytest.raises(DomainError, match="already has an owner"):
        claims.claim_approve(claim=second, moderator=moderator)
    second.refresh_from_db()
    assert second.status == S.AWAITING_MODERATOR
    assert state(record) == (owner.pk, "claimed", 2)


def test_confirming_after_someone_else_won_waits_for_a_moderator(
    claim_for, stranger, owner, moderator, record
):
    _, late_token = claim_for(stranger, record, "late@uni-example.edu")
    first = confirmed(claim_for, owner, record, "a@gmail.example")
    claims.claim_approve(claim=first, moderator=moderator)
    late = claims.claim_confirm_email(token=late_token)
    assert late.status == S.AWAITING_MODERATOR
    assert state(record) == (owner.pk, "claimed", 2)


# --- Withdrawing and revoking -------------------------------------------------------------


@pytest.mark.parametrize("confirm", [False, True])
def test_claimant_withdraws_an_open_claim(claim_for, stranger, record, confirm):
    claim, token = claim_for(stranger, record, "hy@gmail.example")
    if confirm:
        claims.claim_confirm_email(token=token)
    claims.claim_withdraw(claim=claim, user=stranger)
    claim.refresh_from_db()
    assert (claim.status, claim.token_hash) == (S.WITHDRAWN, None)
    assert state(record) == (None, "unclaimed", 1)
    assert kinds(record)[-1] == ("withdrawn", "claimant")
    # A withdrawn claim does not block a new one.
    claim_for(stranger, record, "hy@gmail.example")


def test_owner_giving_up_a_record_drops_it_back_to_public_data(claim_for, owner, moderator, record):
    claim = confirmed(claim_for, owner, record)
    claims.claim_verify(claim=claim, moderator=moderator)
    claims.researcher_profile_update(
        researcher=record, user=owner, headline="I study merging.", open_to_collaborate=True
    )
    claims.claim_withdraw(claim=claim, user=owner)
    assert state(record) == (None, "unclaimed", 1)
    assert record.headline == ""
    assert_score_is_fresh(record)


@pytest.mark.parametrize(
    ("openalex_id", "orcid", "public_level"),
    [("A5000000001", "", 1), (None, "0000-0002-1825-0097", 1), (None, "", 0)],
)
def test_revoking_drops_the_level_to_what_public_data_supports(
    claim_for, owner, moderator, openalex_id, orcid, public_level
):
    person = factories.researcher(openalex_id=openalex_id, orcid=orcid)
    claim = confirmed(claim_for, owner, person)
    claims.claim_verify(claim=claim, moderator=moderator)
    assert state(person) == (owner.pk, "verified", 3)
    with pytest.raises(DomainError, match="reason"):
        claims.claim_revoke(claim=claim, moderator=moderator, reason="")
    claims.claim_revoke(claim=claim, moderator=moderator, reason="Impersonation.")
    claim.refresh_from_db()
    assert claim.status == S.REVOKED
    assert state(person) == (None, "unclaimed", public_level)
    assert_score_is_fresh(person)
    assert kinds(person)[-1] == ("revoked", "moderator")


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (S.REJECTED, "withdraw", "nothing to withdraw"),
        (S.WITHDRAWN, "withdraw", "nothing to withdraw"),
        (S.REJECTED, "approve", "waiting for a moderator"),
        (S.APPROVED, "approve", "waiting for a moderator"),
        (S.APPROVED, "reject", "open claim"),
        (S.REVOKED, "verify", "approved claim"),
        (S.REJECTED, "revoke", "approved claim"),
        (S.AWAITING_MODERATOR, "revoke", "approved claim"),
    ],
)
def test_transitions_that_do_not_exist_are_refused(
    claim_for, stranger, moderator, record, status, action, message
):
    claim = confirmed(claim_for, stranger, record)
    if status == S.APPROVED:
        claims.claim_approve(claim=claim, moderator=moderator)
    elif status != S.AWAITING_MODERATOR:
        Claim.objects.filter(pk=claim.pk).update(status=status)
        Researcher.objects.filter(pk=record.pk).update(claim_status="unclaimed")
    before = state(record)
    events = kinds(record)
    run = {
        "withdraw": lambda: claims.claim_withdraw(claim=claim, user=stranger),
        "approve": lambda: claims.claim_approve(claim=claim, moderator=moderator),
        "reject": lambda: claims.claim_reject(claim=claim, moderator=moderator, reason="r"),
        "verify": lambda: claims.claim_verify(claim=claim, moderator=moderator),
        "revoke": lambda: claims.claim_revoke(claim=claim, moderator=moderator, reason="r"),
    }[action]
    with pytest.raises(DomainError, match=message):
        run()
    claim.refresh_from_db()
    assert claim.status == status
    assert state(record) == before
    assert kinds(record) == events


# --- Disputes -----------------------------------------------------------------------------


@pytest.fixture
def owned(claim_for, owner, record):
    _, token = claim_for(owner, record, "me@uni-example.edu")
    claims.claim_confirm_email(token=token)
    return record


def test_a_dispute_goes_to_moderators_and_changes_no_ownership(stranger, owner, owned):
    dispute = disputes.dispute_submit(user=stranger, researcher=owned, reason="That is me.")
    assert dispute.status == Dispute.Status.OPEN
    assert state(owned) == (owner.pk, "claimed", 2)
    assert kinds(owned)[-1] == ("disputed", "member")
    with pytest.raises(DomainError, match="already have an open dispute"):
        disputes.dispute_submit(user=stranger, researcher=owned, reason="Again.")


def test_disputes_that_make_no_sense_are_refused(stranger, owner, owned, record):
    with pytest.raises(DomainError, match="nothing to dispute"):
        disputes.dispute_submit(user=owner, researcher=owned, reason="Hm.")
    with pytest.raises(DomainError, match="reason"):
        disputes.dispute_submit(user=stranger, researcher=owned, reason=" ")
    unclaimed = factories.researcher()
    with pytest.raises(DomainError, match="Only a claimed record"):
        disputes.dispute_submit(user=stranger, researcher=unclaimed, reason="Hm.")
    assert not Dispute.objects.exists()


def test_upholding_a_dispute_revokes_the_claim(stranger, owner, moderator, owned):
    dispute = disputes.dispute_submit(user=stranger, researcher=owned, reason="That is me.")
    with pytest.raises(PermissionDenied):
        disputes.dispute_resolve(dispute=dispute, moderator=stranger, upheld=True, note="x")
    dispute = disputes.dispute_resolve(
        dispute=dispute, moderator=moderator, upheld=True, note="Confirmed with the university."
    )
    assert dispute.status == Dispute.Status.UPHELD
    assert state(owned) == (None, "unclaimed", 1)
    assert Claim.objects.get(researcher=owned).status == S.REVOKED
    assert kinds(owned)[-1] == ("revoked", "moderator")
    with pytest.raises(DomainError, match="already upheld"):
        disputes.dispute_resolve(dispute=dispute, moderator=moderator, upheld=False, note="x")


def test_dismissing_a_dispute_keeps_the_owner(stranger, owner, moderator, owned):
    dispute = disputes.dispute_submit(user=stranger, researcher=owned, reason="That is me.")
    disputes.dispute_resolve(
        dispute=dispute, moderator=moderator, upheld=False, note="No evidence."
    )
    assert state(owned) == (owner.pk, "claimed", 2)
    assert kinds(owned)[-1] == ("dispute_dismissed", "moderator")


# --- Owner controls -----------------------------------------------------------------------


def test_owner_edits_headline_and_availability_and_the_score_follows(owner, stranger, owned):
    owned.refresh_from_db()
    before = owned.trust_score
    claims.researcher_profile_update(
        researcher=owned,
        user=owner,
        headline="  I  study\nmodel merging. ",
        open_to_collaborate=False,
    )
    owned.refresh_from_db()
    assert (owned.headline, owned.open_to_collaborate) == ("I study model merging.", False)
    assert owned.trust_score == before + 3
    with pytest.raises(PermissionDenied):
        claims.researcher_profile_update(
            researcher=owned, user=stranger, headline="Mine now", open_to_collaborate=True
        )
    with pytest.raises(DomainError, match="under 300"):
        claims.researcher_profile_update(
            researcher=owned, user=owner, headline="x" * 301, open_to_collaborate=True
        )
    owned.refresh_from_db()
    assert owned.headline == "I study model merging."


# --- The database as the last line of defence ---------------------------------------------


def test_database_allows_one_owning_claim_per_record(stranger, owner, record):
    Claim.objects.create(researcher=record, user=owner, email="a@x.example", status=S.APPROVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            researcher=record, user=stranger, email="b@x.example", status=S.VERIFIED
        )


def test_database_allows_one_open_claim_per_person_and_record(stranger, record):
    Claim.objects.create(researcher=record, user=stranger, email="a@x.example", token_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            researcher=record, user=stranger, email="a@x.example", status=S.AWAITING_MODERATOR
        )
    # Closed claims do not count.
    Claim.objects.create(researcher=record, user=stranger, email="a@x.example", status=S.REJECTED)


def test_database_keeps_tokens_only_on_unconfirmed_claims(stranger, record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(researcher=record, user=stranger, email="a@x.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            researcher=record,
            user=stranger,
            email="a@x.example",
            status=S.APPROVED,
            token_hash="b" * 64,
        )


# --- Concurrency, on real PostgreSQL with real threads -------------------------------------


def _race(workers):
    """Start every worker at the same moment, each on its own connection; collect outcomes."""
    barrier = threading.Barrier(len(workers))
    outcomes = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            outcomes[i] = ("ok", work())
        except DomainError as exc:
            outcomes[i] = ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = ("crashed", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


CONTENDERS = 12


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_leave_exactly_one_owner(make_user, moderator):
    person = factories.researcher()
    contenders = [make_user(f"c{i}@example.org") for i in range(CONTENDERS)]
    waiting = []
    for user in contenders:
        claim = claims.claim_submit(user=user, researcher=person, email=user.email)
        claim.refresh_from_db()
        Claim.objects.filter(pk=claim.pk).update(
            status=S.AWAITING_MODERATOR, token_hash=None, email_confirmed_at=timezone.now()
        )
        waiting.append(claim)

    outcomes = _race(
        [lambda c=c: claims.claim_approve(claim=c, moderator=moderator).pk for c in waiting]
    )

    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    assert {o[0] for o in outcomes} == {"ok", "refused"}, outcomes
    winner = Claim.objects.get(researcher=person, status__in=Claim.OWNING)
    assert winner.pk == next(o[1] for o in outcomes if o[0] == "ok")
    assert state(person) == (winner.user_id, "claimed", 2)
    assert Claim.objects.filter(status=S.AWAITING_MODERATOR).count() == CONTENDERS - 1
    assert ClaimEvent.objects.filter(researcher=person, kind="approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_institutional_confirmations_leave_exactly_one_owner(make_user):
    person = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(person, factories.institution(homepage_domain=DOMAIN))
    tokens = []
    for i in range(CONTENDERS):
        user = make_user(f"c{i}@example.org", first_name="Hongxia", last_name="Yang")
        claims.claim_submit(user=user, researcher=person, email=f"c{i}@{DOMAIN}")
        tokens.append(token_in(mail.outbox[-1]))

    outcomes = _race([lambda t=t: claims.claim_confirm_email(token=t).status for t in tokens])

    assert all(o[0] == "ok" for o in outcomes), outcomes
    statuses = [o[1] for o in outcomes]
    assert statuses.count(S.APPROVED) == 1
    assert statuses.count(S.AWAITING_MODERATOR) == CONTENDERS - 1
    person.refresh_from_db()
    assert person.owner_id == Claim.objects.get(researcher=person, status=S.APPROVED).user_id


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_by_one_person_open_one_claim(stranger):
    person = factories.researcher()
    outcomes = _race(
        [
            lambda: claims.claim_submit(user=stranger, researcher=person, email="a@x.example").pk
            for _ in range(8)
        ]
    )
    assert [o[0] for o in outcomes].count("ok") == 1, outcomes
    assert Claim.objects.filter(researcher=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_conditional_owner_update_alone_lets_one_writer_win(make_user):
    """Without the service's row lock, the UPDATE ... WHERE owner IS NULL still picks one."""
    person = factories.researcher()
    users = [make_user(f"w{i}@example.org") for i in range(CONTENDERS)]

    def take(user):
        with transaction.atomic():
            return Researcher.objects.filter(pk=person.pk, owner__isnull=True).update(
                owner=user, claim_status="claimed", verification_level=2
            )

    outcomes = _race([lambda u=u: take(u) for u in users])
    assert sorted(o[1] for o in outcomes) == [0] * (CONTENDERS - 1) + [1], outcomes


# --- Views: the people and the requests ---------------------------------------------------


def test_visitor_is_asked_to_log_in_to_claim(visitor_client, record):
    html = visitor_client.get(record.get_absolute_url()).content.decode()
    claim_url = reverse("claims:create", args=[record.pk])
    assert "Log in to claim" in html
    assert f"{reverse('account_login')}?next={claim_url}" in html
    response = visitor_client.get(claim_url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_signed_in_stranger_gets_the_claim_form(stranger_client, record):
    html = stranger_client.get(record.get_absolute_url()).content.decode()
    assert reverse("claims:create", args=[record.pk]) in html
    assert "Log in to claim" not in html
    response = stranger_client.get(reverse("claims:create", args=[record.pk]))
    assert response.status_code == 200
    assert b'name="email"' in response.content


def test_claim_through_the_pages(
    stranger_client, stranger, record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = stranger_client.post(
            reverse("claims:create", args=[record.pk]), {"email": "hy@uni-example.edu"}
        )
    claim = Claim.objects.get(user=stranger)
    assert response.status_code == 302 and response.url == claim.get_absolute_url()
    assert b"Email address not yet confirmed" in stranger_client.get(response.url).content

    confirm_url = reverse("claims:confirm", args=[token_in(mail.outbox[-1])])
    page = stranger_client.get(confirm_url)
    assert page.status_code == 200 and b"Confirm" in page.content
    claim.refresh_from_db()
    assert claim.status == S.EMAIL_PENDING, "a GET must not use the link up"

    response = stranger_client.post(confirm_url, follow=True)
    html = response.content.decode()
    assert "the record is now yours" in html
    assert "Claimed" in html and "Verification L2" in html
    assert "This is your profile." in html
    assert (
        "Claim approved automatically: the address belongs to University of Example "
        "and the account&#x27;s name matches." in html
    )


def test_claim_form_shows_a_clear_message_for_an_owned_record(
    stranger_client, stranger, owner, owned
):
    page = stranger_client.get(reverse("claims:create", args=[owned.pk]))
    assert b"This record already has an owner." in page.content
    assert reverse("claims:dispute", args=[owned.pk]).encode() in page.content
    response = stranger_client.post(
        reverse("claims:create", args=[owned.pk]), {"email": "s@uni-example.edu"}
    )
    assert response.status_code == 400
    assert b"already has an owner" in response.content
    assert not Claim.objects.filter(user=stranger).exists()


def test_claim_form_rejects_bad_input_with_messages(stranger_client, stranger, record):
    response = stranger_client.post(
        reverse("claims:create", args=[record.pk]),
        {"email": "nope", "orcid": "0000-0002-1825-0098", "url": "ftp://x.example"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address" in html
    assert "check digit" in html
    assert not Claim.objects.exists()


def test_a_second_visit_to_the_claim_form_leads_to_the_open_claim(
    stranger_client, claim_for, stranger, record
):
    claim, _ = claim_for(stranger, record, "hy@gmail.example")
    response = stranger_client.get(reverse("claims:create", args=[record.pk]))
    assert response.status_code == 302 and response.url == claim.get_absolute_url()


def test_bad_links_get_a_clear_page(client, claim_for, stranger, record):
    claim, token = claim_for(stranger, record, "hy@gmail.example")
    for bad in ["nope", "A" * 300]:
        response = client.post(reverse("claims:confirm", args=[bad]))
        assert response.status_code == 400
        assert b"not valid or has already been used" in response.content
    Claim.objects.filter(pk=claim.pk).update(token_expires_at=timezone.now() - timedelta(hours=1))
    response = client.post(reverse("claims:confirm", args=[token]))
    assert response.status_code == 400 and b"expired" in response.content
    claim.refresh_from_db()
    assert claim.status == S.EMAIL_PENDING


def test_someone_elses_claim_ids_are_not_found(owner_client, claim_for, stranger, record):
    claim, _ = claim_for(stranger, record, "hy@gmail.example")
    for name in ("claims:detail", "claims:withdraw", "claims:resend"):
        method = owner_client.get if name == "claims:detail" else owner_client.post
        assert method(reverse(name, args=[claim.pk])).status_code == 404
    claim.refresh_from_db()
    assert claim.status == S.EMAIL_PENDING


def test_claimant_withdraws_through_the_page(stranger_client, claim_for, stranger, record):
    claim, _ = claim_for(stranger, record, "hy@gmail.example")
    assert stranger_client.get(reverse("claims:withdraw", args=[claim.pk])).status_code == 405
    response = stranger_client.post(reverse("claims:withdraw", args=[claim.pk]), follow=True)
    assert b"Your claim is withdrawn." in response.content
    response = stranger_client.post(reverse("claims:withdraw", args=[claim.pk]), follow=True)
    assert b"nothing to withdraw" in response.content
    claim.refresh_from_db()
    assert claim.status == S.WITHDRAWN


def test_posts_without_a_csrf_token_are_refused(claim_for, stranger, moderator, record):
    claim = confirmed(claim_for, stranger, record)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(stranger)
    for url, data in [
        (reverse("claims:create", args=[factories.researcher().pk]), {"email": "a@b.example"}),
        (reverse("claims:withdraw", args=[claim.pk]), {}),
        (reverse("claims:dispute", args=[record.pk]), {"reason": "x"}),
    ]:
        assert strict.post(url, data).status_code == 403
    strict.force_login(moderator)
    assert (
        strict.post(reverse("claims:moderate_claim", args=[claim.pk, "approve"])).status_code == 403
    )
    claim.refresh_from_db()
    assert claim.status == S.AWAITING_MODERATOR
    assert Claim.objects.count() == 1 and not Dispute.objects.exists()
    assert state(record) == (None, "pending", 1)


def test_confirm_link_post_without_csrf_token_is_refused(claim_for, stranger, record):
    _, token = claim_for(stranger, record, "hy@uni-example.edu")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("claims:confirm", args=[token])).status_code == 403
    assert state(record) == (None, "pending", 1)


def test_non_moderators_cannot_reach_the_moderation_queue(
    visitor_client, stranger_client, claim_for, stranger, record
):
    claim = confirmed(claim_for, stranger, record)
    queue = reverse("claims:moderation")
    approve = reverse("claims:moderate_claim", args=[claim.pk, "approve"])
    assert stranger_client.get(queue).status_code == 403
    assert stranger_client.post(approve).status_code == 403
    assert visitor_client.get(queue).status_code == 302
    assert visitor_client.post(approve).status_code == 302
    assert state(record) == (None, "pending", 1)


def test_moderator_works_through_the_queue(moderator_client, claim_for, stranger, owner, record):
    claim = confirmed(claim_for, stranger, record)
    other = confirmed(claim_for, owner, factories.researcher(), "o@gmail.example")
    html = moderator_client.get(reverse("claims:moderation")).content.decode()
    assert f'id="claim-{claim.pk}"' in html and "me@gmail.example" in html

    response = moderator_client.post(
        reverse("claims:moderate_claim", args=[claim.pk, "approve"]), follow=True
    )
    assert "done (approve)" in response.content.decode()
    assert state(record) == (stranger.pk, "claimed", 2)

    response = moderator_client.post(
        reverse("claims:moderate_claim", args=[other.pk, "reject"]), {"reason": ""}, follow=True
    )
    assert "Give a reason" in response.content.decode()
    other.refresh_from_db()
    assert other.status == S.AWAITING_MODERATOR
    moderator_client.post(
        reverse("claims:moderate_claim", args=[other.pk, "reject"]), {"reason": "No evidence."}
    )
    other.refresh_from_db()
    assert other.status == S.REJECTED

    assert moderator_client.post(f"/moderation/claims/{claim.pk}/delete/").status_code == 404
    assert (
        moderator_client.post(
            reverse("claims:moderate_claim", args=[987654, "approve"])
        ).status_code
        == 404
    )


def test_moderator_resolves_a_dispute_in_the_queue(stranger_client, moderator, owner, owned):
    response = stranger_client.post(
        reverse("claims:dispute", args=[owned.pk]), {"reason": "That is me."}, follow=True
    )
    assert b"the record is unchanged" in response.content
    dispute = Dispute.objects.get()
    uphold = reverse("claims:moderate_dispute", args=[dispute.pk, "uphold"])
    assert stranger_client.post(uphold, {"reason": "x"}).status_code == 403
    assert state(owned) == (owner.pk, "claimed", 2)

    moderator_client = Client()
    moderator_client.force_login(moderator)
    html = moderator_client.get(reverse("claims:moderation")).content.decode()
    assert f'id="dispute-{dispute.pk}"' in html and "That is me." in html
    moderator_client.post(uphold, {"reason": "Checked with the university."})
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_by) == (Dispute.Status.UPHELD, moderator)
    assert state(owned) == (None, "unclaimed", 1)


def test_owner_controls(stranger_client, owner, owned):
    edit = reverse("claims:edit", args=[owned.pk])
    assert stranger_client.get(edit).status_code == 404
    assert stranger_client.post(edit, {"headline": "Hijacked"}).status_code == 404
    client = Client()
    client.force_login(owner)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"headline": "I merge models.", "open_to_collaborate": ""})
    assert response.status_code == 302
    owned.refresh_from_db()
    assert (owned.headline, owned.open_to_collaborate) == ("I merge models.", False)
    mine = client.get(reverse("claims:mine")).content.decode()
    assert "Your profiles and claims" in mine and owned.display_name in mine


def test_this_is_your_profile_lists_what_is_pending(
    owner_client, claim_for, owner, stranger, owned
):
    pending, _ = claim_for(owner, factories.researcher(display_name="Other Me"), "x@gmail.example")
    disputes.dispute_submit(user=stranger, researcher=owned, reason="Mine.")
    html = owner_client.get(reverse("claims:mine")).content.decode()
    assert "Your claim on Other Me" in html
    assert "A dispute about your record" in html
    assert "stranger@example.org" not in html


def test_profile_history_names_roles_never_addresses(
    client, claim_for, stranger, moderator, record
):
    claim = confirmed(claim_for, stranger, record, "secret.person@gmail.example")
    claims.claim_reject(claim=claim, moderator=moderator, reason="Private reason text.")
    html = client.get(record.get_absolute_url()).content.decode()
    assert "Claim submitted by the claimant." in html
    assert "Email address confirmed by the claimant." in html
    assert "Claim rejected by a moderator." in html
    for private in ("secret.person", stranger.email, moderator.email, "Private reason text"):
        assert private not in html


def test_profile_shows_pending_then_claimed_status(client, claim_for, stranger, record):
    _, token = claim_for(stranger, record, "hy@uni-example.edu")
    assert "Claim pending" in client.get(record.get_absolute_url()).content.decode()
    claims.claim_confirm_email(token=token)
    html = client.get(record.get_absolute_url()).content.decode()
    assert 'data-claim-status="claimed">Claimed' in html
    assert "Verification L2" in html
    assert "Log in to dispute this claim" in html


def test_profile_query_count_stays_constant_with_a_long_claim_history(
    client, claim_for, stranger, moderator
):
    quiet = factories.researcher()
    busy = factories.researcher()
    for _ in range(15):
        claim, _ = claim_for(stranger, busy, "x@gmail.example")
        claims.claim_withdraw(claim=claim, user=stranger)

    def count(person):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(person.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    assert count(quiet) == count(busy)


# --- Django admin --------------------------------------------------------------------------


def test_admin_configuration_passes_the_system_checks():
    from django.core import checks

    assert [e for e in checks.run_checks() if e.level >= checks.ERROR] == []


def test_moderator_approves_and_rejects_from_the_admin(
    claim_for, stranger, owner, moderator, record
):
    approve_me = confirmed(claim_for, stranger, record)
    reject_me = confirmed(claim_for, owner, factories.researcher(), "o@gmail.example")
    admin_client = Client()
    admin_client.force_login(moderator)
    changelist = reverse("admin:profiles_claim_changelist")
    assert admin_client.get(changelist).status_code == 200

    admin_client.post(changelist, {"action": "approve", "_selected_action": [approve_me.pk]})
    assert state(record) == (stranger.pk, "claimed", 2)

    asked = admin_client.post(changelist, {"action": "reject", "_selected_action": [reject_me.pk]})
    assert asked.status_code == 200 and b"The claimant will read this reason" in asked.content
    reject_me.refresh_from_db()
    assert reject_me.status == S.AWAITING_MODERATOR
    admin_client.post(
        changelist,
        {
            "action": "reject",
            "_selected_action": [reject_me.pk],
            "apply": "1",
            "reason": "No evidence.",
        },
    )
    reject_me.refresh_from_db()
    assert (reject_me.status, reject_me.decision_reason) == (S.REJECTED, "No evidence.")

    # Acting twice is refused with a message, not a crash.
    response = admin_client.post(
        changelist, {"action": "approve", "_selected_action": [approve_me.pk]}, follow=True
    )
    assert b"waiting for a moderator" in response.content


def test_the_admin_is_closed_to_non_staff(stranger_client):
    response = stranger_client.get(reverse("admin:profiles_claim_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Edges where a small slip would go unseen -----------------------------------------------


def test_the_claimant_is_mailed_when_a_moderator_approves(
    claim_for, stranger, moderator, record, django_capture_on_commit_callbacks
):
    claim = confirmed(claim_for, stranger, record)
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_approve(claim=claim, moderator=moderator)
    assert mail.outbox[-1].to == [stranger.email]
    assert mail.outbox[-1].subject == f"Your claim on {record} was approved (BZPEER)"
    assert f"You now own the record {record}" in mail.outbox[-1].body


def test_the_claimant_is_mailed_when_the_address_approves_automatically(
    claim_for, stranger, record, django_capture_on_commit_callbacks
):
    _, token = claim_for(stranger, record, "hy@uni-example.edu")
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_confirm_email(token=token)
    assert [m.subject for m in mail.outbox[-1:]] == [
        f"Your claim on {record} was approved (BZPEER)"
    ]
    assert mail.outbox[-1].to == [stranger.email]


def test_upholding_a_dispute_on_a_claim_since_withdrawn_closes_it(
    stranger, owner, moderator, owned
):
    dispute = disputes.dispute_submit(user=stranger, researcher=owned, reason="That is me.")
    claims.claim_withdraw(claim=Claim.objects.get(researcher=owned), user=owner)
    dispute = disputes.dispute_resolve(
        dispute=dispute, moderator=moderator, upheld=True, note="The owner gave it up."
    )
    assert (dispute.status, dispute.resolved_by, dispute.resolution_note) == (
        Dispute.Status.UPHELD,
        moderator,
        "The owner gave it up.",
    )
    assert dispute.resolved_at is not None
    assert not Dispute.objects.filter(status=Dispute.Status.OPEN).exists()
    assert Claim.objects.get(researcher=owned).status == S.WITHDRAWN
    assert state(owned) == (None, "unclaimed", 1)
    # The dispute is decided: the stranger may now claim the record.
    assert claims.claim_submit(user=stranger, researcher=owned, email="hy@gmail.example")


def test_a_1000_character_reason_is_kept_and_a_1001_character_one_refused(
    claim_for, stranger, moderator, record, make_user
):
    first = confirmed(claim_for, stranger, record)
    with pytest.raises(DomainError, match="Keep the reason under 1000 characters"):
        claims.claim_reject(claim=first, moderator=moderator, reason="r" * 1001)
    claims.claim_reject(claim=first, moderator=moderator, reason="r" * 1000)
    first.refresh_from_db()
    assert (first.status, first.decision_reason) == (S.REJECTED, "r" * 1000)

    other = make_user()
    owned_claim = confirmed(claim_for, stranger, record)
    claims.claim_approve(claim=owned_claim, moderator=moderator)
    with pytest.raises(DomainError, match="Keep the reason under 1000 characters"):
        disputes.dispute_submit(user=other, researcher=record, reason="d" * 1001)
    assert disputes.dispute_submit(user=other, researcher=record, reason="d" * 1000).reason == (
        "d" * 1000
    )


def test_a_long_institution_name_is_cut_to_the_300_characters_of_the_history_line(
    claim_for, stranger
):
    long_name = "Institute of " + "Very " * 60 + "Long Names"
    person = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(
        person, factories.institution(display_name=long_name, homepage_domain=DOMAIN)
    )
    _, token = claim_for(stranger, person, "hy@uni-example.edu")
    assert claims.claim_confirm_email(token=token).status == S.APPROVED
    detail = ClaimEvent.objects.get(researcher=person, kind="approved").detail
    assert len(detail) == 300
    assert detail == f"the address belongs to {long_name} and the account's name matches"[:300]


def test_the_confirmation_link_works_for_three_days(claim_for, stranger, record):
    claim, _ = claim_for(stranger, record, "hy@gmail.example")
    claim.refresh_from_db()
    three_days = timezone.now() + timedelta(days=3)
    assert three_days - timedelta(minutes=5) < claim.token_expires_at <= three_days


def test_a_note_of_2000_and_a_headline_of_300_characters_are_kept_whole(
    claim_for, stranger, owner, owned
):
    claim, _ = claim_for(stranger, factories.researcher(), "hy@gmail.example", note="n" * 2000)
    claim.refresh_from_db()
    assert claim.note == "n" * 2000
    claims.researcher_profile_update(
        researcher=owned, user=owner, headline="h" * 300, open_to_collaborate=True
    )
    owned.refresh_from_db()
    assert owned.headline == "h" * 300


def test_a_visitor_can_neither_claim_nor_dispute(record, owned):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        claims.claim_submit(user=AnonymousUser(), researcher=record, email="hy@gmail.example")
    with pytest.raises(PermissionDenied):
        disputes.dispute_submit(user=AnonymousUser(), researcher=owned, reason="Not theirs.")
    assert not Dispute.objects.exists()


def test_a_confirmed_claim_gets_no_new_link(claim_for, stranger, record):
    claim = confirmed(claim_for, stranger, record)
    sent = len(mail.outbox)
    with pytest.raises(DomainError, match="already confirmed"):
        claims.claim_resend_confirmation(claim=claim, user=stranger)
    assert len(mail.outbox) == sent


def test_a_visitor_sees_a_claim_open_and_close_at_once(
    client, claim_for, stranger, moderator, record, django_capture_on_commit_callbacks
):
    """The profile page is cached: every claim event retires the cached page."""
    checked = "A claim on this record is being checked."

    def page():
        return client.get(record.get_absolute_url()).content.decode()

    assert checked not in page()
    claim, _ = claim_for(stranger, record, "hy@gmail.example")
    assert checked in page()
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_withdraw(claim=claim, user=stranger)
    assert checked not in page()
    claim = confirmed(claim_for, stranger, record)
    assert checked in page()
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_reject(claim=claim, moderator=moderator, reason="No evidence.")
    assert checked not in page()


def test_revoking_a_claim_closes_its_open_disputes_and_says_why_in_the_history(
    stranger, owner, moderator, owned, make_user
):
    claim = Claim.objects.get(researcher=owned)
    first = disputes.dispute_submit(user=stranger, researcher=owned, reason="That is me.")
    second = disputes.dispute_submit(user=make_user(), researcher=owned, reason="Not theirs.")
    disputes.dispute_resolve(dispute=first, moderator=moderator, upheld=True, note="Checked.")
    second.refresh_from_db()
    assert (second.status, second.resolution_note) == (Dispute.Status.UPHELD, "Checked.")
    revoked = ClaimEvent.objects.get(claim=claim, kind="revoked")
    assert revoked.detail == "a dispute was upheld"

    # A revocation without a dispute gives no such detail.
    other = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(other, factories.institution(homepage_domain=DOMAIN))
    mine = claims.claim_submit(user=owner, researcher=other, email="me@gmail.example")
    Claim.objects.filter(pk=mine.pk).update(status=S.AWAITING_MODERATOR, token_hash=None)
    claims.claim_approve(claim=mine, moderator=moderator)
    claims.claim_revoke(claim=mine, moderator=moderator, reason="Wrong person.")
    assert ClaimEvent.objects.get(claim=mine, kind="revoked").detail == ""
    mine.refresh_from_db()
    assert (mine.status, mine.decided_by, mine.decision_reason) == (
        S.REVOKED,
        moderator,
        "Wrong person.",
    )


def test_a_record_deleted_meanwhile_is_not_found(stranger):
    from django.http import Http404

    gone = factories.researcher()
    Researcher.objects.filter(pk=gone.pk).delete()
    with pytest.raises(Http404):
        claims.claim_submit(user=stranger, researcher=gone, email="hy@gmail.example")


def test_when_the_owner_column_and_the_claims_disagree_the_constraint_refuses(
    claim_for, stranger, owner, moderator, record
):
    """An owning claim the owner column does not show (data written outside the services):
    approving another claim is refused by the one-owning-claim constraint, and verifying a
    claim whose claimant does not own the record is refused too; nothing changes."""
    ghost = Claim.objects.create(
        researcher=record, user=owner, email="o@x.example", status=S.APPROVED
    )
    waiting = confirmed(claim_for, stranger, record)
    with pytest.raises(DomainError, match="already has an owner"):
        claims.claim_approve(claim=waiting, moderator=moderator)
    waiting.refresh_from_db()
    assert waiting.status == S.AWAITING_MODERATOR
    assert state(record)[0] is None
    with pytest.raises(DomainError, match="no longer owns"):
        claims.claim_verify(claim=ghost, moderator=moderator)
    ghost.refresh_from_db()
    assert ghost.status == S.APPROVED
    assert state(record)[0] is None


def test_the_link_carries_32_random_bytes(claim_for, stranger, record):
    """256 bits: a link cannot be guessed (43 URL-safe characters)."""
    _, token = claim_for(stranger, record, "hy@gmail.example")
    assert len(token) == 43
