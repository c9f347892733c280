"""Sign up with the record's name, confirm, claim with an institutional address, and see the
record Claimed at L2."""

import re

import pytest
from django.core import mail

from profiles import trust
from profiles.services import trust_breakdown, trust_inputs
from tests import factories
from works.models import Researcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def record():
    """Like the seed page's record, but its last known institution is the University of Example."""
    person = factories.researcher(display_name="Hongxia Yang")
    factories.affiliate(
        person,
        factories.institution(
            display_name="University of Example", homepage_domain="uni-example.edu"
        ),
    )
    for _ in range(2):
        co_author = factories.researcher()
        factories.work(authors=[person, co_author])
        factories.work(authors=[person, co_author])
    for _ in range(6):
        factories.work(authors=[person])
    factories.refresh(person)
    return person


def last_link(pattern: str) -> str:
    assert mail.outbox, "no mail was sent"
    return re.search(rf"https?://\S*{pattern}\S*/", mail.outbox[-1].body).group(0)


def test_sign_up_confirm_claim_and_see_the_record_claimed(site, page, record):
    before = trust_breakdown(record)
    assert (before.total, record.claim_status) == (record.trust_score, "unclaimed")

    page.goto(f"{site}{record.get_absolute_url()}")
    assert page.get_by_text(f"Trust {before.total} - {before.tier}").is_visible()
    assert page.get_by_text("Unclaimed author").is_visible()
    assert page.get_by_role("link", name="Log in to claim").is_visible()

    # Sign up from the header, then confirm the address from the mail.
    page.get_by_role("link", name="Sign up").click()
    page.fill("input[name=email]", "hongxia@mail.example")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    # The name is what tells the real person from a colleague with an address there too.
    page.get_by_label("Given names").fill("Hongxia")
    page.get_by_label("Family name").fill("Yang")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert mail.outbox[-1].to == ["hongxia@mail.example"]

    page.goto(last_link("/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Log out").is_visible()

    # Claim the record with an institutional address.
    page.goto(f"{site}{record.get_absolute_url()}")
    page.get_by_role("link", name="Claim this record").click()
    page.get_by_label("Email address to confirm").fill("h.yang@cs.uni-example.edu")
    page.get_by_label("Note for the moderators (optional)").fill("This is my record.")
    page.get_by_role("button", name="Send the confirmation link").click()
    assert page.get_by_text("We sent a confirmation link to h.yang@cs.uni-example.edu").is_visible()
    assert mail.outbox[-1].to == ["h.yang@cs.uni-example.edu"]

    # The link from the mail, then the automatic approval.
    page.goto(last_link("/claims/confirm/"))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"**{record.get_absolute_url()}")

    record.refresh_from_db()
    after = trust_breakdown(Researcher.objects.for_profile_page().get(pk=record.pk))
    assert (record.claim_status, record.verification_level) == ("claimed", 2)
    assert after.total == record.trust_score == before.total + 20
    assert after.total == trust.score(trust_inputs(record, has_affiliation=True)).total

    assert page.get_by_text("the record is now yours").is_visible()
    snapshot = page.locator(".profile__trust")
    assert snapshot.get_by_text("Claimed", exact=True).is_visible()
    assert snapshot.get_by_text("Verification L2", exact=True).is_visible()
    assert snapshot.get_by_text(f"Trust {after.total} - {after.tier}").is_visible()
    assert page.get_by_text("This is your profile.").is_visible()

    # The score explains itself part by part.
    page.get_by_text("Why this score?").click()
    identity = snapshot.locator('tr[data-part="identity"]')
    assert identity.get_by_text("25 / 40").is_visible()
    assert snapshot.get_by_text("trust rubric version 2").is_visible()

    # The public history names roles, never the address.
    history = page.locator(".claim-history")
    assert history.get_by_text("Claim submitted by the claimant.").is_visible()
    assert history.get_by_text(
        "Claim approved automatically: the address belongs to University of Example "
        "and the account's name matches."
    ).is_visible()
    assert "h.yang@" not in page.content()
