"""Notifications: each event tells the right person, and nobody else sees or marks it."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzpeer import page_cache
from collaboration import invites, services
from collaboration.notifications import mail
from collaboration.notifications import services as notifications
from collaboration.notifications.models import Notification
from profiles.claims import services as claims
from profiles.corrections import services as corrections
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sentences(user) -> list[str]:
    """The notifications a person's page shows, as plain sentences, newest first."""
    html = signed_in(user).get(LIST).content.decode()
    items = html.split('<li class="notification')[1:]
    return [" ".join(_text("<li" + item.split("</li>")[0]).split()) for item in items]


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def notes_in_header(client) -> int:
    html = client.get(reverse("profiles:home")).content.decode()
    marker = 'id="notifications-count">'
    if marker not in html:
        return 0
    start = html.index(marker) + len(marker)
    return int(html[start : html.index("<", start)])


@pytest.fixture
def follower_with_record(make_user):
    user = make_user("fan@example.org")
    factories.researcher(
        display_name="Fan Record", owner=user, claim_status="claimed", verification_level=2
    )
    return user


# --- Each event, to the right person ------------------------------------------------------------


def test_a_new_follower_is_told_to_the_owner(record, owner, stranger, follower_with_record):
    services.follow_create(user=stranger, researcher=record)
    services.follow_create(user=follower_with_record, researcher=record)
    fan, anonymous = sentences(owner)
    # Someone without a record of their own is not named; someone with one is, linked.
    assert anonymous.startswith("New follower ")
    assert "A BZPEER member started following your record Hongxia Yang." in anonymous
    assert "Fan Record started following your record Hongxia Yang." in fan
    fan_record = follower_with_record.owned_researchers.get()
    assert Notification.objects.filter(actor_record=fan_record, recipient=owner).exists()
    assert sentences(stranger) == []


def test_following_your_own_or_an_unclaimed_record_tells_nobody(record, owner, stranger):
    services.follow_create(user=owner, researcher=record)
    services.follow_create(user=stranger, researcher=factories.researcher())
    assert not Notification.objects.exists()


def test_following_again_while_unread_is_one_notification(record, owner, stranger):
    services.follow_create(user=stranger, researcher=record)
    services.follow_delete(user=stranger, researcher=record)
    services.follow_create(user=stranger, researcher=record)
    assert Notification.objects.filter(recipient=owner).count() == 1


def test_an_invite_says_who_sent_it_and_links_their_record(send, owner, sender):
    sender_record = factories.researcher(
        display_name="Sender's Own Record", owner=sender, claim_status="claimed"
    )
    invite = send()
    (sentence,) = sentences(owner)
    assert "Sender's Own Record invites you to collaborate on “Post-merge quantization”" in sentence
    html = signed_in(owner).get(LIST).content.decode()
    assert f'<a href="{sender_record.get_absolute_url()}">Sender&#x27;s Own Record</a>' in html
    note = Notification.objects.get(recipient=owner)
    assert note.url == invite.get_absolute_url()
    assert sentences(sender) == []
    # Reading the invite reads its notification.
    signed_in(owner).get(invite.get_absolute_url())
    note.refresh_from_db()
    assert note.read_at is not None


def test_the_invite_email_links_the_senders_record(
    send, owner, sender, mailoutbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invites.invite_decline(invite=send(), user=owner)
    assert "They have not claimed a researcher record on BZPEER." in mailoutbox[0].body
    mine = factories.researcher(display_name="Sender Record", owner=sender, claim_status="claimed")
    with django_capture_on_commit_callbacks(execute=True):
        send()
    assert f"Their record: {settings.SITE_URL}{mine.get_absolute_url()}" in mailoutbox[1].body


def test_messages_tell_the_other_party_and_fold_until_read(
    send, owner, sender, mailoutbox, django_capture_on_commit_callbacks
):
    conversation = invites.invite_accept(invite=send(), user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        for body in ("One", "Two", "Three"):
            invites.conversation_message_send(conversation=conversation, author=sender, body=body)
    (note,) = Notification.objects.filter(recipient=owner, kind="message")
    assert note.count == 3
    assert "(3 new messages)" in sentences(owner)[0]
    assert not Notification.objects.filter(recipient=sender, kind="message").exists()
    # One email for the first unread message, not one per message.
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [owner.email]
    assert "Post-merge quantization" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe == f"<{mail.unsubscribe_url(owner)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.unsubscribe_url(owner) in message.body
    # Opening the thread reads the notification; the next message is news again.
    signed_in(owner).get(conversation.get_absolute_url())
    note.refresh_from_db()
    assert note.read_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        invites.conversation_message_send(conversation=conversation, author=sender, body="Four")
    assert Notification.objects.filter(recipient=owner, kind="message").count() == 2
    assert len(mailoutbox) == 2


def test_the_owners_reply_names_the_invited_record(send, owner, sender):
    conversation = invites.invite_accept(invite=send(), user=owner)
    invites.conversation_message_send(conversation=conversation, author=owner, body="Hello")
    (sentence,) = sentences(sender)
    assert "Hongxia Yang wrote to you about “Post-merge quantization”." in sentence


def test_no_email_for_messages_once_turned_off(
    send, owner, sender, mailoutbox, django_capture_on_commit_callbacks
):
    conversation = invites.invite_accept(invite=send(), user=owner)
    response = signed_in(owner).post(reverse("notifications:settings"), {})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        invites.conversation_message_send(conversation=conversation, author=sender, body="Hi")
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=owner, kind="message").exists()
    signed_in(owner).post(reverse("notifications:settings"), {"message_email": "on"})
    assert mail.message_email_on(owner)


@pytest.fixture
def claimant(make_user):
    # Named as the records claimed automatically below: approval needs the person's name.
    return make_user("claimant@example.org", first_name="Dana", last_name="Record")


def _claim(claimant, researcher, email="claimant@gmail.example"):
    claim = claims.claim_submit(user=claimant, researcher=researcher, email=email)
    token = "t"
    claim.token_hash = claims.token_hash(token)
    claim.save()
    return claims.claim_confirm_email(token=token)


def test_claim_decisions_are_told_to_the_claimant(claimant, moderator, stranger):
    approved = _claim(claimant, factories.researcher(display_name="Approved Record"))
    claims.claim_approve(claim=approved, moderator=moderator)
    rejected = _claim(claimant, factories.researcher(display_name="Rejected Record"))
    claims.claim_reject(claim=rejected, moderator=moderator, reason="No evidence.")
    withdrawn = _claim(claimant, factories.researcher(display_name="Withdrawn Record"))
    claims.claim_withdraw(claim=withdrawn, user=claimant)  # their own act: nothing to tell
    rejected_note, approved_note = sentences(claimant)
    assert "Your claim on Rejected Record was not accepted." in rejected_note
    assert "Your claim on Approved Record was approved." in approved_note
    assert sentences(moderator) == [] and sentences(stranger) == []


def test_an_automatic_approval_and_a_verification_make_one_notification(claimant, moderator):
    institution = factories.institution(homepage_domain="uni-example.edu")
    record = factories.researcher(display_name="Dana Record")
    factories.affiliate(record, institution)
    claim = _claim(claimant, record, email="me@uni-example.edu")
    assert claim.is_owning
    claims.claim_verify(claim=claim, moderator=moderator)
    (note,) = Notification.objects.filter(recipient=claimant)
    assert note.detail == "verified" and note.count == 2
    note.delete()
    other = factories.researcher(display_name="D. Record")
    factories.affiliate(other, institution)
    _claim(claimant, other, email="me@uni-example.edu")
    assert Notification.objects.get(recipient=claimant).detail == "approved automatically"


def test_a_suggestion_goes_to_the_owner_or_to_the_moderators(
    record, owner, stranger, moderator, make_user
):
    other_moderator = make_user("second-mod@example.org", is_staff=True)
    corrections.suggestion_submit(
        user=stranger, researcher=record, kind="other", message="The name is misspelt."
    )
    (sentence,) = sentences(owner)
    assert "Someone suggested a correction of Hongxia Yang" in sentence
    assert sentences(moderator) == []
    unclaimed = factories.researcher(display_name="Nobody's Record")
    corrections.suggestion_submit(
        user=stranger, researcher=unclaimed, kind="other", message="A duplicate of another."
    )
    told = set(
        Notification.objects.filter(researcher=unclaimed).values_list("recipient", flat=True)
    )
    assert told == {moderator.pk, other_moderator.pk}
    assert sentences(stranger) == []


# --- The page, and the wrong person ------------------------------------------------------------


def test_someone_elses_notification_is_a_404_to_open_or_mark(send, owner, stranger, moderator):
    send()
    note = Notification.objects.get(recipient=owner)
    for person in (stranger, moderator):
        client = signed_in(person)
        assert client.get(note.get_absolute_url()).status_code == 404
        assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
        client.post(reverse("notifications:read_all"))
    note.refresh_from_db()
    assert note.read_at is None
    assert Client().post(reverse("notifications:read", args=[note.pk])).status_code == 302
    assert Client().get(LIST).status_code == 302


def test_mark_read_open_and_mark_all_read(send, owner, stranger, record):
    invite = send()
    services.follow_create(user=stranger, researcher=record)
    client = signed_in(owner)
    assert notes_in_header(client) == 2
    follow_note = Notification.objects.get(kind="follower")
    assert client.post(reverse("notifications:read", args=[follow_note.pk])).status_code == 302
    assert notes_in_header(client) == 1
    invite_note = Notification.objects.get(kind="invite")
    response = client.get(invite_note.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == invite.get_absolute_url()
    assert notes_in_header(client) == 0
    services.follow_delete(user=stranger, researcher=record)
    services.follow_create(user=stranger, researcher=record)
    assert notes_in_header(client) == 1
    client.post(reverse("notifications:read_all"))
    assert notes_in_header(client) == 0
    assert Notification.objects.filter(recipient=owner).count() == 3


def test_the_header_counts_cost_one_query(send, owner, django_assert_num_queries):
    send()
    with django_assert_num_queries(1):
        counts = notifications.header_counts(owner)
    assert counts == notifications.HeaderCounts(inbox=1, notifications=1)


def _queries_of(client, url=LIST) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_notifications_page_costs_the_same_however_many(owner, make_user, record):
    client = signed_in(owner)

    def _page_queries(client, url=LIST):
        # As after any change to them: the reader's cached counts are read afresh.
        page_cache.forget_person([owner.pk])
        return _queries_of(client, url)

    client.get(LIST)  # the reader's user row is cached from their first request on
    empty = _page_queries(client)
    fan = make_user("first-fan@example.org")
    services.follow_create(user=fan, researcher=record)
    one = _page_queries(client)
    for n in range(40):
        fan = make_user(f"fan{n}@example.org")
        factories.researcher(display_name=f"Fan {n}", owner=fan, claim_status="claimed")
        services.follow_create(user=fan, researcher=record)
    assert _page_queries(client) == one == _page_queries(client, LIST + "?page=2")
    # the reader's state (header counts, follows, open claims), email setting, page count,
    # the page (none when empty); the session and the user row come from the cache
    assert one == 6 and empty == 5
    html = client.get(LIST).content.decode()
    assert html.count('<li class="notification') == 25 and "Page 1 of 2" in html
    assert html.count("<h1") == 1


# --- One-click unsubscribe ------------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_signing_in(owner):
    url = reverse("notifications:unsubscribe", args=[mail.unsubscribe_token(owner)])
    page = Client().get(url)
    assert page.status_code == 200
    assert "Stop emails about new messages?" in page.content.decode()
    assert mail.message_email_on(owner)  # a GET (a mail scanner) changes nothing
    done = Client(enforce_csrf_checks=True).post(url)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert not mail.message_email_on(owner)


def test_a_mail_programs_one_click_post_unsubscribes(owner):
    url = reverse("notifications:unsubscribe", args=[mail.unsubscribe_token(owner)])
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not mail.message_email_on(owner)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token, pk: token[:-2] + ("xx" if not token.endswith("xx") else "yy"),
        lambda token, pk: f"{pk + 1}:{token.split(':', 1)[1]}",  # another account's id
        lambda token, pk: "x",
    ],
)
def test_a_bad_unsubscribe_link_is_a_clear_400(owner, stranger, mangle):
    token = mangle(mail.unsubscribe_token(owner), owner.pk)
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert mail.message_email_on(owner) and mail.message_email_on(stranger)


def test_the_navigation_links_the_feed_the_inbox_and_the_notifications(owner):
    html = signed_in(owner).get(reverse("profiles:home")).content.decode()
    nav = html[html.index('aria-label="Main"') : html.index("</nav>")]
    for name in ("collaboration:following", "collaboration:inbox", "notifications:list"):
        assert f'href="{reverse(name)}"' in nav
