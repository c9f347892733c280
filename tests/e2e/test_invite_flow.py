"""Follow, invite, accept, reply: two people in two browser sessions, with the unread count."""

import pytest
from django.core import mail

from collaboration.models import Conversation, Invite
from tests import factories
from tests.collaboration.conftest import confirm_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def people(make_user):
    recipient = confirm_email(make_user("hongxia@uni-example.edu", password=PASSWORD))
    record = factories.researcher(
        display_name="Hongxia Yang", owner=recipient, claim_status="claimed", verification_level=2
    )
    topic = factories.topic(display_name="Model merging")
    factories.work(authors=[record], topics=[topic], title="FeatCal: Feature Calibration")
    factories.refresh(record)
    sender = confirm_email(make_user("ada@example.org", password=PASSWORD))
    factories.researcher(
        display_name="Ada Lovelace", owner=sender, claim_status="claimed", verification_level=2
    )
    return {"recipient": recipient, "record": record, "sender": sender}


def log_in(page, site, email):
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Log out").wait_for()


def expect_unread(page, count: int):
    """The header's unread count, once the current page has loaded."""
    from playwright.sync_api import expect

    badge = page.locator("#unread-count")
    page.locator("#inbox-link").wait_for()
    if count:
        expect(badge).to_have_text(str(count))
    else:
        expect(badge).to_have_count(0)


def test_follow_invite_accept_reply_and_see_the_thread(site, new_page, people):
    from playwright.sync_api import expect

    record = people["record"]
    ada = new_page()
    log_in(ada, site, "ada@example.org")

    # Follow with one click (htmx), then open the invitation form from the profile.
    ada.goto(f"{site}{record.get_absolute_url()}")
    ada.get_by_role("button", name="Follow researcher").click()
    ada.get_by_role("button", name="Following").wait_for()
    expect(ada.locator("#followers-count")).to_have_text("1")
    ada.get_by_role("link", name="Send an invitation").click()
    ada.get_by_label("One of their topics").select_option(label="Model merging")
    ada.get_by_label("About one of their works (optional)").select_option(
        label="FeatCal: Feature Calibration"
    )
    ada.get_by_label("Message").fill("Shall we compare <b>calibration</b> results?")
    ada.get_by_role("button", name="Send the invitation").click()
    expect(ada.get_by_text("Your invitation to Hongxia Yang is sent.")).to_be_visible()
    invite = Invite.objects.get()
    assert mail.outbox[-1].to == ["hongxia@uni-example.edu"]

    # The recipient sees the count, reads who is asking, and accepts.
    hongxia = new_page()
    log_in(hongxia, site, "hongxia@uni-example.edu")
    expect_unread(hongxia, 1)
    hongxia.locator("#inbox-link").click()
    card = hongxia.locator(f'[data-invite="{invite.pk}"]')
    expect(card.get_by_text("From Ada Lovelace")).to_be_visible()
    expect(card.get_by_text("Verification L2")).to_be_visible()
    expect(card.get_by_text("Shall we compare <b>calibration</b> results?")).to_be_visible()
    card.get_by_role("button", name="Accept").click()
    hongxia.wait_for_url(f"**/conversations/{Conversation.objects.get().pk}/")
    expect_unread(hongxia, 0)

    hongxia.get_by_label("Your reply").fill("Yes, gladly. Next week?")
    hongxia.get_by_role("button", name="Send").click()
    expect(hongxia.locator(".thread").get_by_text("Yes, gladly. Next week?")).to_be_visible()

    # The sender sees the new activity in the header, opens the thread and answers.
    ada.goto(f"{site}/")
    expect_unread(ada, 1)
    ada.locator("#inbox-link").click()
    ada.locator("#conversations").get_by_role("link", name="Model merging").click()
    expect(ada.locator(".thread").get_by_text("Yes, gladly. Next week?")).to_be_visible()
    expect_unread(ada, 0)
    ada.get_by_label("Your reply").fill("Tuesday works.")
    ada.get_by_role("button", name="Send").click()
    expect(ada.locator(".thread").get_by_text("Tuesday works.")).to_be_visible()

    hongxia.goto(f"{site}/")
    expect_unread(hongxia, 1)
    hongxia.locator("#inbox-link").click()
    hongxia.locator("#conversations").get_by_role("link", name="Model merging").click()
    expect(hongxia.locator(".thread .message-body")).to_have_text(
        [
            "Shall we compare <b>calibration</b> results?",
            "Yes, gladly. Next week?",
            "Tuesday works.",
        ]
    )
