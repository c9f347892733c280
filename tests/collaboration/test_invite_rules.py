"""Invite rules at their edges, where a small slip in the code would go unseen otherwise: the
cap's exact window, the topic's exact length, the unread badge's arithmetic, and the refusal
a sender gets when another pending invite commits in the middle of theirs."""

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from bzpeer import page_cache
from bzpeer.errors import DomainError
from collaboration import invites
from collaboration.models import Conversation, Invite
from tests import factories
from works.models import Researcher

from .conftest import confirm_email

pytestmark = pytest.mark.django_db


def another_record(make_user):
    return factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)


def test_the_daily_cap_still_counts_an_invite_sent_23_and_a_half_hours_ago(
    send, settings, make_user
):
    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 1}
    send()
    Invite.objects.update(created_at=timezone.now() - timedelta(hours=23, minutes=30))
    with pytest.raises(DomainError, match="sent 1 invitations in the last 24 hours"):
        send(researcher=another_record(make_user))
    assert Invite.objects.count() == 1


def test_a_200_character_topic_is_kept_whole_and_a_201_character_one_refused(send, owner):
    assert send(topic="t" * 200).topic == "t" * 200
    invites.invite_decline(invite=Invite.objects.get(), user=owner)
    with pytest.raises(DomainError, match="Keep the topic under 200 characters"):
        send(topic="t" * 201)
    assert Invite.objects.count() == 1


def test_a_chosen_topic_with_a_long_name_is_saved_as_its_first_200_characters(send, record):
    long_topic = factories.topic(display_name="Calibration " + "x" * 300)
    factories.work(authors=[record], topics=[long_topic])
    invite = send(topic=long_topic)
    invite.refresh_from_db()
    assert invite.topic == long_topic.display_name[:200]
    assert invite.topic_ref == long_topic


def test_the_badge_counts_an_invite_and_a_conversation_that_share_an_id_as_two(
    sender, owner, record, make_user
):
    """Invites and conversations are numbered apart, so one may carry the other's number; each
    is still one unread thing in the header."""
    with connection.cursor() as cursor:
        start = 10_000 + max(Invite.objects.count(), Conversation.objects.count())
        for model, value in ((Invite, start), (Conversation, start + 1)):
            table = model._meta.db_table
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, value])
    # The sender's invite is accepted: a conversation (id start + 2) new for the sender.
    accepted = invites.invite_send(sender=sender, researcher=record, topic="Merging", message="Hi")
    conversation = invites.invite_accept(invite=accepted, user=owner)
    # Someone else invites the sender: a new invite (id start + 2 as well).
    sender_record = factories.researcher(owner=sender, claim_status="claimed", verification_level=2)
    incoming = invites.invite_send(
        sender=confirm_email(make_user()),
        researcher=sender_record,
        topic="Quantization",
        message="Hi",
    )
    assert incoming.pk == conversation.pk
    assert invites.unread_count(sender) == 2
    invites.conversation_mark_read(conversation=conversation, user=sender)
    assert invites.unread_count(sender) == 1


@pytest.mark.django_db(transaction=True)
def test_a_pending_invite_committed_during_the_send_makes_it_a_clear_refusal(
    send, sender, owner, record, mailoutbox
):
    """The lock on the sender serialises the service's own sends; a pending invite written by
    another transaction that commits while this send waits on the unique index is the lost
    race the constraint catches: the sender is told why, and nothing else is written."""
    inserted, release = threading.Event(), threading.Event()

    def other_transaction():
        try:
            with transaction.atomic():
                Invite.objects.create(
                    sender=sender, recipient=owner, researcher=record, topic="x", message="y"
                )
                inserted.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def release_once_the_send_waits():
        try:
            deadline = time.monotonic() + 20
            with connection.cursor() as cursor:
                while time.monotonic() < deadline:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                    if cursor.fetchone()[0]:
                        break
                    time.sleep(0.05)
        finally:
            release.set()
            connections.close_all()

    other = threading.Thread(target=other_transaction)
    other.start()
    assert inserted.wait(timeout=30)
    watcher = threading.Thread(target=release_once_the_send_waits)
    watcher.start()
    try:
        with pytest.raises(DomainError, match="already have a pending invitation"):
            send()
    finally:
        release.set()
        other.join()
        watcher.join()
    assert Invite.objects.filter(status=Invite.Status.PENDING).count() == 1
    assert mailoutbox == []


def test_the_invite_form_offers_the_50_most_frequent_topics_and_50_works(make_user):
    person = factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)
    topics = [factories.topic(display_name=f"Topic {i:02d}") for i in range(51)]
    # Topic 50 is on one work only, every other topic on two: it is the one left out.
    factories.work(authors=[person], topics=topics)
    factories.work(authors=[person], topics=topics[:50])
    for _ in range(49):
        factories.work(authors=[person])
    offered = invites.recipient_topics(person)
    assert len(offered) == 50 and topics[50] not in offered
    assert len(invites.recipient_works(person)) == 50


def test_the_daily_cap_forgets_an_invite_sent_24_and_a_half_hours_ago(send, settings, make_user):
    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 1}
    send()
    Invite.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=30))
    assert send(researcher=another_record(make_user))


def test_a_visitor_has_no_badge_and_opens_no_invite(send):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    invite = send()
    assert invites.unread_count(AnonymousUser()) == 0
    with pytest.raises(Http404):
        invites.invite_get_for_user(AnonymousUser(), invite.pk)


def test_a_topic_counts_once_per_work_when_the_byline_names_the_person_twice(make_user):
    person = factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)
    alpha = factories.topic(display_name="Alpha")
    beta = factories.topic(display_name="Beta")
    factories.work(authors=[person, person], topics=[alpha])
    factories.work(authors=[person], topics=[beta])
    factories.work(authors=[person], topics=[beta])
    assert invites.recipient_topics(person)[:2] == [beta, alpha]


def test_a_second_invite_to_the_same_person_says_so_even_at_the_cap(send, settings):
    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 1}
    send()
    with pytest.raises(DomainError, match="already have a pending invitation"):
        send()


def test_a_visitor_cannot_invite_and_an_outsider_cannot_archive(send, owner, make_user):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        send(sender=AnonymousUser())
    conversation = invites.invite_accept(invite=send(), user=owner)
    with pytest.raises(PermissionDenied):
        invites.conversation_archive(conversation=conversation, user=make_user(), archived=True)
    conversation.refresh_from_db()
    assert not conversation.archived_by_sender and not conversation.archived_by_recipient


def test_archiving_leaves_the_conversation_object_as_stored(send, owner, sender):
    conversation = invites.invite_accept(invite=send(), user=owner)
    invites.conversation_archive(conversation=conversation, user=sender, archived=True)
    assert conversation.archived_by_sender is True
    conversation.refresh_from_db()
    assert conversation.archived_by_sender is True and not conversation.archived_by_recipient


def test_an_outsider_cannot_write_in_a_conversation(send, owner, make_user):
    from django.core.exceptions import PermissionDenied

    from collaboration.models import Message

    conversation = invites.invite_accept(invite=send(), user=owner)
    with pytest.raises(PermissionDenied):
        invites.conversation_message_send(
            conversation=conversation, author=make_user(), body="Let me in."
        )
    assert not Message.objects.exists()


def test_reading_a_thread_leaves_the_conversation_object_as_stored(send, owner, sender):
    conversation = invites.invite_accept(invite=send(), user=owner)
    assert conversation.sender_read_at is None
    invites.conversation_mark_read(conversation=conversation, user=sender)
    assert conversation.sender_read_at is not None
    assert invites.unread_count(sender) == 0


# --- Each refusal's status, and the unread badge after each change --------------------------


def refusal(call, **kwargs) -> tuple[int, str]:
    with pytest.raises(DomainError) as refused:
        call(**kwargs)
    return refused.value.status, refused.value.message


def test_each_refusal_of_an_invite_has_its_own_status(
    send, sender, owner, record, make_user, monkeypatch
):
    unconfirmed = make_user("unconfirmed@example.org")
    assert refusal(send, sender=unconfirmed)[0] == 403
    closed = another_record(make_user)
    Researcher.objects.filter(pk=closed.pk).update(open_to_collaborate=False)
    assert refusal(send, researcher=closed) == (
        409,
        "This researcher is not taking collaboration invitations right now.",
    )
    elsewhere = factories.work(authors=[factories.researcher()], title="Not theirs")
    assert refusal(send, work=elsewhere)[0] == 409
    assert refusal(send, topic=factories.topic(display_name="Not theirs either"))[0] == 409
    send()
    assert refusal(send) == (409, "You already have a pending invitation to this researcher.")
    # The pending invite committed after the check: the constraint refuses, with the same words.
    exists = QuerySet.exists
    monkeypatch.setattr(QuerySet, "exists", lambda qs: False if qs.model is Invite else exists(qs))
    assert refusal(send) == (409, "You already have a pending invitation to this researcher.")
    assert Invite.objects.count() == 1


def badge(user) -> int:
    """The header's unread count, as a page reads it: from the cache, filled on a miss."""
    return page_cache.person_state(SimpleNamespace(user=user))["unread"].inbox


def test_the_badge_follows_every_change_to_invites_and_threads(send, owner, sender, make_user):
    assert (badge(owner), badge(sender)) == (0, 0)
    invite = send()
    assert badge(owner) == 1  # a new invitation
    invites.invite_mark_read(invite=invite, user=owner)
    assert badge(owner) == 0
    conversation = invites.invite_accept(invite=invite, user=owner)
    assert (badge(owner), badge(sender)) == (0, 1)  # the thread is new for the sender
    invites.conversation_mark_read(conversation=conversation, user=sender)
    assert badge(sender) == 0
    invites.conversation_message_send(conversation=conversation, author=sender, body="Hello")
    assert (badge(owner), badge(sender)) == (1, 0)
    invites.conversation_message_send(conversation=conversation, author=owner, body="Hi")
    assert (badge(owner), badge(sender)) == (0, 1)


def test_the_badge_forgets_a_declined_or_blocked_invitation(send, owner, make_user):
    invite = send()
    assert badge(owner) == 1
    invites.invite_decline(invite=invite, user=owner)
    assert badge(owner) == 0
    second = confirm_email(make_user("second@example.org"))
    send(sender=second)
    assert badge(owner) == 1
    invites.block_create(blocker=owner, blocked=second)
    assert badge(owner) == 0
