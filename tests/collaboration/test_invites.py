"""The invite rules, one by one: each refusal has a clear message and stores nothing."""

import pytest
from django.urls import reverse

from bzpeer.errors import DomainError
from collaboration import invites
from collaboration.models import Block, Invite
from profiles.claims.services import researcher_profile_update
from tests import factories

from .conftest import confirm_email

pytestmark = pytest.mark.django_db


def invite_url(researcher):
    return reverse("collaboration:invite_create", args=[researcher.pk])


def form_data(**overrides):
    data = {"topic_choice": "", "topic_text": "Post-merge quantization", "message": "Hello!"}
    data.update(overrides)
    return data


# --- The service --------------------------------------------------------------------------


def test_sender_invites_the_owner_of_a_claimed_open_record(send, sender, owner, record):
    invite = send()
    assert (invite.sender, invite.recipient, invite.researcher) == (sender, owner, record)
    assert invite.status == Invite.Status.PENDING
    assert invite.topic == "Post-merge quantization"
    assert invite.read_at is None


def test_topic_can_be_one_of_the_recipients_topics_and_a_work_theirs(send, record, topic):
    work = record.authorships.get(work__title__startswith="FeatCal").work
    invite = send(topic=topic, work=work)
    assert (invite.topic, invite.topic_ref, invite.work) == ("Model merging", topic, work)


@pytest.mark.parametrize(
    ("message", "expected"),
    [("", "Write a message."), ("   \n ", "Write a message."), ("x" * 2001, "under 2000")],
)
def test_empty_or_oversized_message_is_refused(send, message, expected):
    with pytest.raises(DomainError, match=expected):
        send(message=message)
    assert not Invite.objects.exists()


def test_message_limit_comes_from_settings(send, settings):
    settings.BZPEER = {**settings.BZPEER, "INVITE_MESSAGE_MAX": 10}
    with pytest.raises(DomainError, match="under 10 characters"):
        send(message="eleven char")
    assert send(message="ten chars!").message == "ten chars!"


def test_empty_topic_and_someone_elses_topic_or_work_are_refused(send):
    with pytest.raises(DomainError, match="Give a topic"):
        send(topic="  ")
    with pytest.raises(DomainError, match="one of this researcher's topics"):
        send(topic=factories.topic())
    with pytest.raises(DomainError, match="one of this researcher's own works"):
        send(work=factories.work(authors=[factories.researcher()]))
    assert not Invite.objects.exists()


def test_unconfirmed_sender_is_refused(make_user, record):
    unconfirmed = make_user("new@example.org")
    with pytest.raises(DomainError, match="Confirm your email address"):
        invites.invite_send(sender=unconfirmed, researcher=record, topic="t", message="m")
    assert not Invite.objects.exists()


def test_no_invite_to_an_unclaimed_record(send):
    unclaimed = factories.researcher()
    with pytest.raises(DomainError, match="not claimed yet"):
        send(researcher=unclaimed)
    assert not Invite.objects.exists()


def test_no_invite_to_a_closed_record(send, record):
    record.open_to_collaborate = False
    record.save()
    with pytest.raises(DomainError, match="not taking collaboration invitations"):
        send()
    assert not Invite.objects.exists()


def test_no_invite_to_yourself(send, sender):
    mine = factories.researcher(owner=sender, claim_status="claimed", verification_level=2)
    with pytest.raises(DomainError, match="your own record"):
        send(researcher=mine)
    assert not Invite.objects.exists()


def test_blocked_sender_cannot_invite_again(send, owner, sender):
    first = send()
    invites.block_create(blocker=owner, blocked=sender)
    first.refresh_from_db()
    assert first.status == Invite.Status.DECLINED, "blocking declines what is pending"
    with pytest.raises(DomainError, match="does not accept invitations from you"):
        send()
    assert Invite.objects.count() == 1
    invites.block_delete(blocker=owner, blocked=sender)
    assert send().is_pending


def test_blocking_twice_is_harmless_and_yourself_is_refused(owner, sender):
    invites.block_create(blocker=owner, blocked=sender)
    invites.block_create(blocker=owner, blocked=sender)
    assert Block.objects.count() == 1
    with pytest.raises(DomainError):
        invites.block_create(blocker=owner, blocked=owner)


def test_one_pending_invite_per_sender_and_recipient(send, owner):
    send()
    other_record = factories.researcher(owner=owner, claim_status="claimed", verification_level=2)
    with pytest.raises(DomainError, match="already have a pending invitation"):
        send(researcher=other_record)
    assert Invite.objects.count() == 1


def test_a_new_invite_is_allowed_once_the_last_one_is_answered(send, owner):
    invites.invite_decline(invite=send(), user=owner)
    assert send().is_pending


def test_daily_cap_counts_every_invite_sent_in_24_hours(send, settings, make_user):
    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 2}
    records = []
    for _ in range(3):
        person = factories.researcher(
            owner=make_user(), claim_status="claimed", verification_level=2
        )
        records.append(person)
    send(researcher=records[0])
    declined = send(researcher=records[1])
    invites.invite_decline(invite=declined, user=records[1].owner)
    with pytest.raises(DomainError, match="sent 2 invitations in the last 24 hours"):
        send(researcher=records[2])
    assert Invite.objects.count() == 2


def test_daily_cap_forgets_invites_older_than_24_hours(send, settings, make_user):
    from datetime import timedelta

    from django.utils import timezone

    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 1}
    send()
    Invite.objects.update(created_at=timezone.now() - timedelta(hours=25))
    other = factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)
    assert send(researcher=other).is_pending


def test_the_database_allows_one_pending_invite_per_pair(send, sender, owner, record):
    from django.db import IntegrityError, transaction

    send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invite.objects.create(
            sender=sender, recipient=owner, researcher=record, topic="t", message="m"
        )


def test_the_recipient_is_mailed_after_commit(
    send, owner, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite = send()
    assert mailoutbox == [], "nothing is mailed before the transaction commits"
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [owner.email]
    assert "invites you to collaborate" in mail.subject
    assert invite.get_absolute_url() in mail.body
    assert "Would you like to compare" in mail.body
    assert "stranger@example.org" not in mail.body, "the sender's address stays private"


def test_a_refused_invite_mails_nobody(send, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        send(message="")
    assert mailoutbox == []


# --- The form -----------------------------------------------------------------------------


def test_invite_form_sends_and_redirects_to_the_invite(sender, client, record, topic, mailoutbox):
    client.force_login(sender)
    page = client.get(invite_url(record))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1 and "Model merging" in html and "FeatCal" in html
    with_work = record.authorships.get(work__title__startswith="FeatCal").work_id
    response = client.post(
        invite_url(record),
        form_data(topic_choice=str(topic.pk), work=str(with_work)),
    )
    invite = Invite.objects.get()
    assert response.status_code == 302 and response["Location"] == invite.get_absolute_url()
    assert (invite.topic_ref, invite.work_id) == (topic, with_work)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"message": ""}, "Write a message."),
        ({"message": "x" * 2001}, "Keep the message under 2000 characters"),
        ({"topic_text": ""}, "Give a topic"),
    ],
)
def test_invite_form_bad_input_says_why_and_stores_nothing(
    sender, client, record, change, expected
):
    client.force_login(sender)
    response = client.post(invite_url(record), form_data(**change))
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Invite.objects.exists()


def test_invite_form_refuses_unclaimed_closed_and_own_records(sender, client, make_user):
    client.force_login(sender)
    unclaimed = factories.researcher()
    mine = factories.researcher(owner=sender, claim_status="claimed", verification_level=2)
    closed = factories.researcher(
        owner=make_user(),
        claim_status="claimed",
        verification_level=2,
        open_to_collaborate=False,
    )
    for person, text in [
        (unclaimed, "not claimed yet"),
        (mine, "your own record"),
        (closed, "not taking collaboration invitations"),
    ]:
        shown = client.get(invite_url(person)).content.decode()
        assert "Send the invitation" not in shown
        response = client.post(invite_url(person), form_data())
        assert response.status_code == 400
        assert text in response.content.decode()
    assert (
        "Claim this author entity first to unlock direct invitations."
        in client.get(invite_url(unclaimed)).content.decode()
    )
    assert not Invite.objects.exists()


def test_invite_form_over_the_cap_says_so(sender, client, settings, make_user, record):
    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 1}
    client.force_login(sender)
    client.post(invite_url(record), form_data())
    other = factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)
    response = client.post(invite_url(other), form_data())
    assert response.status_code == 400
    assert "the most allowed" in response.content.decode()
    assert Invite.objects.count() == 1


def test_invite_form_to_a_blocked_recipient_says_so(sender, owner, client, record):
    invites.block_create(blocker=owner, blocked=sender)
    client.force_login(sender)
    response = client.post(invite_url(record), form_data())
    assert "does not accept invitations from you" in response.content.decode()
    assert not Invite.objects.exists()


def test_invite_endpoint_is_rate_limited_per_account(sender, client, settings, make_user):
    settings.BZPEER = {**settings.BZPEER, "INVITE_RATE_PER_MINUTE": 2}
    client.force_login(sender)
    unclaimed = factories.researcher()
    for _ in range(2):
        assert client.post(invite_url(unclaimed), form_data()).status_code == 400
    other = factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)
    response = client.post(invite_url(other), form_data())
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not Invite.objects.exists()


def test_unconfirmed_sender_sees_why_on_the_form(stranger, client, record):
    client.force_login(stranger)
    html = client.get(invite_url(record)).content.decode()
    assert "Confirm your email address before sending invitations" in html
    response = client.post(invite_url(record), form_data())
    assert response.status_code == 400
    assert not Invite.objects.exists()
    confirm_email(stranger)
    assert client.post(invite_url(record), form_data()).status_code == 302


def test_visitor_is_sent_to_log_in(client, record):
    response = client.post(invite_url(record), form_data())
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Invite.objects.exists()


def test_invite_form_needs_a_csrf_token(sender, record):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(sender)
    assert client.post(invite_url(record), form_data()).status_code == 403
    assert not Invite.objects.exists()


# --- The profile's Direct collaboration section -------------------------------------------


def section(html: str) -> str:
    start = html.index('class="panel profile__collaboration"')
    return html[start : html.index("</section>", start)]


def test_profile_section_links_signed_in_people_to_the_invite_form(sender, client, record):
    client.force_login(sender)
    html = section(client.get(record.get_absolute_url()).content.decode())
    assert invite_url(record) in html and "Send an invitation" in html


def test_profile_section_asks_visitors_to_log_in(client, record):
    html = section(client.get(record.get_absolute_url()).content.decode())
    assert "Log in to send an invitation" in html


def test_profile_section_keeps_the_seed_text_for_unclaimed_records(sender, client):
    client.force_login(sender)
    html = section(client.get(factories.researcher().get_absolute_url()).content.decode())
    assert "Claim this author entity first to unlock direct invitations." in html
    assert "Send an invitation" not in html


def test_profile_section_for_closed_and_own_records(
    owner, client, record, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    html = section(client.get(record.get_absolute_url()).content.decode())
    assert "This is your record" in html and "Send an invitation" not in html
    with django_capture_on_commit_callbacks(execute=True):
        researcher_profile_update(
            researcher=record, user=owner, headline=record.headline, open_to_collaborate=False
        )
    client.logout()
    html = section(client.get(record.get_absolute_url()).content.decode())
    assert "not taking collaboration invitations" in html
