"""Which confirmed claims BZPEER approves without a moderator, and what the history says.

An institutional address alone is not enough (a colleague or a student has one too): the
account's name must also be the record's, or the account signed in with ORCID and ORCID's iD
is the record's own (Verified, L3). Everything else waits for a moderator.
"""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client
from django.urls import reverse

from profiles.claims import services as claims
from profiles.claims.queries import matching_institution
from profiles.models import Claim, ClaimEvent
from tests import factories

pytestmark = pytest.mark.django_db

S = Claim.Status
ORCID = "0000-0002-1825-0097"
OTHER_ORCID = "0000-0001-5109-3700"


@pytest.fixture
def institution():
    return factories.institution(
        display_name="University of Example", homepage_domain="uni-example.edu"
    )


@pytest.fixture
def record(institution):
    person = factories.researcher(
        display_name="Hongxia Yang", display_name_alternatives=["Hong-Xia Yang"], orcid=ORCID
    )
    factories.affiliate(person, institution)
    factories.refresh(person)
    return person


@pytest.fixture
def real_person(make_user):
    return make_user("hongxia@example.org", first_name="Hongxia", last_name="Yang")


@pytest.fixture
def colleague(make_user):
    """Works at the same university, has an address there, and another name."""
    return make_user("hannah@example.org", first_name="Hannah", last_name="Yang")


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Submit a claim and open its link: the claim as the confirmation left it."""

    def run(user, researcher, email):
        with django_capture_on_commit_callbacks(execute=True):
            claims.claim_submit(user=user, researcher=researcher, email=email)
        token = re.search(r"/claims/confirm/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)
        return claims.claim_confirm_email(token=token)

    return run


def history(researcher) -> list[str]:
    events = ClaimEvent.objects.filter(researcher=researcher).order_by("created_at", "id")
    return [event.sentence for event in events]


def level(researcher):
    researcher.refresh_from_db()
    return (researcher.owner_id, researcher.claim_status, researcher.verification_level)


# --- The address and the name ---------------------------------------------------------------


def test_the_address_and_the_name_together_approve_at_l2(confirm, real_person, record):
    claim = confirm(real_person, record, "hy@uni-example.edu")
    assert claim.status == S.APPROVED
    assert level(record) == (real_person.pk, "claimed", 2)
    assert history(record)[-1] == (
        "Claim approved automatically: the address belongs to University of Example "
        "and the account's name matches."
    )


def test_a_colleague_with_an_address_there_waits_for_a_moderator(
    confirm, colleague, record, institution, moderator
):
    claim = confirm(colleague, record, "hannah.yang@uni-example.edu")
    assert claim.status == S.AWAITING_MODERATOR
    assert claim.matched_institution == institution, "the moderator sees the address matched"
    assert level(record) == (None, "pending", 1)
    assert not any("approved" in line for line in history(record))

    client = Client()
    client.force_login(moderator)
    html = client.get(reverse("claims:moderation")).content.decode()
    assert "Hannah Yang" in html
    assert "the account's name is not the record's" in html

    claims.claim_approve(claim=claim, moderator=moderator)
    assert history(record)[-1] == "Claim approved by a moderator."


def test_an_account_without_a_name_waits_for_a_moderator(confirm, make_user, record):
    claim = confirm(make_user("someone@example.org"), record, "hy@uni-example.edu")
    assert claim.status == S.AWAITING_MODERATOR


def test_the_confirmation_page_says_why_a_claim_waits(
    colleague, record, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("claims:create", args=[record.pk]), {"email": "h@uni-example.edu"})
    token = re.search(r"/claims/confirm/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)
    response = client.post(reverse("claims:confirm", args=[token]), follow=True)
    assert "your account&#x27;s name is not the record&#x27;s name" in response.content.decode()


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("Hongxia", "Yang"),
        ("Yang", "Hongxia"),  # word order
        ("Hóngxiá", "YÁNG"),  # accents and case
        ("H.", "Yang"),  # an initial
        ("Hong Xia", "Yang"),  # only the record's alternative name is written so
    ],
)
def test_names_are_matched_as_for_search(confirm, make_user, record, given, family):
    user = make_user(first_name=given, last_name=family)
    assert confirm(user, record, "hy@uni-example.edu").status == S.APPROVED


def test_the_name_is_the_records_not_a_similar_one(confirm, make_user, record):
    for given, family in [("Hongxiao", "Yang"), ("Hongxia", "Wang"), ("", "Yang")]:
        user = make_user(first_name=given, last_name=family)
        assert confirm(user, record, "hy@uni-example.edu").status == S.AWAITING_MODERATOR


# --- The domain rule's edges ----------------------------------------------------------------


def test_capitalised_addresses_and_subdomains_match(confirm, real_person, record):
    claim = confirm(real_person, record, "a@Physics.Uni-Example.EDU")
    assert claim.status == S.APPROVED


def test_an_institution_without_a_homepage_never_approves(confirm, real_person):
    person = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(person, factories.institution(homepage_domain=""))
    for email in ["hy@gmail.com", "hy@uni-example.edu", "hy@localhost"]:
        assert matching_institution(researcher=person, email=email) is None, email
    assert matching_institution(researcher=person, email="") is None
    assert confirm(real_person, person, "hy@gmail.com").status == S.AWAITING_MODERATOR


@pytest.mark.parametrize(
    ("bad_domain", "email"),
    [("com", "hy@gmail.com"), ("com", "hy@uni.com"), ("com", "hy@com"), ("edu", "hy@uni.edu")],
)
def test_a_bare_top_level_domain_never_matches(confirm, real_person, bad_domain, email):
    """An institution whose imported homepage domain is a whole top-level domain must not
    approve every address under it: a bare top-level domain is never a candidate."""
    person = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(person, factories.institution(homepage_domain=bad_domain))
    assert matching_institution(researcher=person, email=email) is None
    if email.count(".") > 0:  # "hy@com" is no address to confirm; the lookup is still safe
        assert confirm(real_person, person, email).status == S.AWAITING_MODERATOR


def test_only_the_address_domain_and_its_parents_are_candidates(real_person):
    person = factories.researcher(display_name="Hongxia Yang")
    lab = factories.institution(homepage_domain="physics.uni-example.edu")
    factories.affiliate(person, lab)
    assert matching_institution(researcher=person, email="a@uni-example.edu") is None
    assert matching_institution(researcher=person, email="a@x.physics.uni-example.edu") == lab
    assert matching_institution(researcher=person, email="a@PHYSICS.uni-example.edu.") == lab


# --- ORCID ------------------------------------------------------------------------------------


def signed_in_with_orcid(user, orcid):
    SocialAccount.objects.create(user=user, provider="orcid", uid=orcid)
    return user


def test_signing_in_with_the_records_orcid_verifies_at_l3(confirm, make_user, record):
    # The account's name and address do not matter here: ORCID confirmed who this is.
    user = signed_in_with_orcid(make_user("anyone@example.org"), ORCID)
    claim = confirm(user, record, "anyone@gmail.example")
    assert claim.status == S.VERIFIED
    assert level(record) == (user.pk, "verified", 3)
    assert history(record)[-2:] == [
        "Claim approved automatically: signed in with the record's ORCID iD.",
        "Identity verified automatically.",
    ]


def test_another_orcid_id_waits_for_a_moderator(confirm, make_user, record):
    user = signed_in_with_orcid(make_user("anyone@example.org"), OTHER_ORCID)
    assert confirm(user, record, "anyone@gmail.example").status == S.AWAITING_MODERATOR
    assert level(record) == (None, "pending", 1)


def test_orcid_sign_in_verifies_nothing_on_a_record_without_an_orcid_id(confirm, make_user):
    person = factories.researcher(display_name="Hongxia Yang")
    user = signed_in_with_orcid(make_user("anyone@example.org"), ORCID)
    assert confirm(user, person, "anyone@gmail.example").status == S.AWAITING_MODERATOR


def test_an_orcid_from_another_provider_does_not_count(confirm, make_user, record):
    user = make_user("anyone@example.org")
    SocialAccount.objects.create(user=user, provider="github", uid=ORCID)
    assert confirm(user, record, "anyone@gmail.example").status == S.AWAITING_MODERATOR
