"""The recipient's inbox, answering invites, conversations, privacy and the unread count."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzpeer import page_cache
from collaboration import invites
from collaboration.models import Block, Conversation, Invite, Message
from tests import factories

from .conftest import confirm_email

pytestmark = pytest.mark.django_db

INBOX = reverse("collaboration:inbox")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer_url(invite, action):
    return reverse("collaboration:invite_answer", args=[invite.pk, action])


def unread_in_header(client) -> int:
    html = client.get(reverse("profiles:home")).content.decode()
    marker = 'id="unread-count">'
    if marker not in html:
        return 0
    start = html.index(marker) + len(marker)
    return int(html[start : html.index("<", start)])


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def fresh_query_count(client, url, user) -> int:
    """query_count as after a change to the reader's own state (counts, follows, claims)."""
    page_cache.forget_person([user.pk])
    return query_count(client, url)


def another_sender(make_user, record, n):
    user = confirm_email(make_user(f"sender{n}@example.org"))
    factories.researcher(
        display_name=f"Sender Record {n}",
        owner=user,
        claim_status="claimed",
        verification_level=2,
        trust_score=30 + n,
    )
    return invites.invite_send(sender=user, researcher=record, topic=f"Topic {n}", message="Hi")


# --- Inbox and answering ------------------------------------------------------------------


def test_inbox_shows_the_invite_with_the_senders_record_and_trust(send, sender, owner):
    factories.researcher(
        display_name="Stranger's Own Record",
        owner=sender,
        claim_status="claimed",
        verification_level=2,
        trust_score=62,
    )
    invite = send()
    html = signed_in(owner).get(INBOX).content.decode()
    assert html.count("<h1") == 1
    assert "Post-merge quantization" in html
    assert "From Stranger&#x27;s Own Record" in html
    assert "Verification L2 · Trust 62 - Trusted" in html
    assert answer_url(invite, "accept") in html and answer_url(invite, "decline") in html
    assert "stranger@example.org" not in html


def test_invite_from_someone_without_a_record_says_so(send, owner):
    send()
    html = signed_in(owner).get(INBOX).content.decode()
    assert "From A BZPEER member" in html
    assert "has not claimed a researcher record" in html


def test_sender_sees_the_invite_as_sent(send, sender):
    send()
    html = signed_in(sender).get(INBOX).content.decode()
    sent = html[html.index('id="sent"') :]
    assert "Post-merge quantization" in sent and "Pending" in sent


def test_accepting_opens_a_conversation(send, owner):
    invite = send()
    response = signed_in(owner).post(answer_url(invite, "accept"))
    conversation = Conversation.objects.get()
    assert response["Location"] == conversation.get_absolute_url()
    invite.refresh_from_db()
    assert invite.status == Invite.Status.ACCEPTED and invite.decided_at


def test_declining_opens_nothing(send, owner):
    invite = send()
    response = signed_in(owner).post(answer_url(invite, "decline"))
    assert response["Location"] == INBOX
    invite.refresh_from_db()
    assert invite.status == Invite.Status.DECLINED
    assert not Conversation.objects.exists()


def test_an_answered_invite_cannot_be_answered_again(send, owner):
    invite = send()
    client = signed_in(owner)
    client.post(answer_url(invite, "decline"))
    response = client.post(answer_url(invite, "accept"), follow=True)
    assert "already declined" in response.content.decode()
    assert not Conversation.objects.exists()


def test_only_the_recipient_answers(send, sender, moderator):
    invite = send()
    assert signed_in(sender).post(answer_url(invite, "accept")).status_code == 403
    # Staff are not in the invite: it does not exist for them (see test_reports.py).
    assert signed_in(moderator).post(answer_url(invite, "accept")).status_code == 404
    invite.refresh_from_db()
    assert invite.is_pending


def test_recipient_blocks_the_sender_from_the_invite(send, owner, sender):
    invite = send()
    client = signed_in(owner)
    response = client.post(reverse("collaboration:invite_block", args=[invite.pk]))
    assert response["Location"] == INBOX
    assert Block.objects.filter(blocker=owner, blocked=sender).exists()
    invite.refresh_from_db()
    assert invite.status == Invite.Status.DECLINED
    # ...and can undo it from the inbox.
    block = Block.objects.get()
    assert (
        reverse("collaboration:block_delete", args=[block.pk]) in client.get(INBOX).content.decode()
    )
    client.post(reverse("collaboration:block_delete", args=[block.pk]))
    assert not Block.objects.exists()


def test_sender_cannot_block_through_their_own_invite(send, sender):
    invite = send()
    signed_in(sender).post(reverse("collaboration:invite_block", args=[invite.pk]))
    assert not Block.objects.exists()


def test_someone_elses_block_cannot_be_removed(owner, sender, make_user):
    invites.block_create(blocker=owner, blocked=sender)
    block = Block.objects.get()
    response = signed_in(make_user()).post(reverse("collaboration:block_delete", args=[block.pk]))
    assert response.status_code == 404
    assert Block.objects.exists()


# --- Conversations ------------------------------------------------------------------------


@pytest.fixture
def conversation(send, owner):
    return invites.invite_accept(invite=send(), user=owner)


def test_both_sides_exchange_messages(conversation, owner, sender):
    url = conversation.get_absolute_url()
    signed_in(owner).post(url, {"body": "Happy to talk. When?"})
    signed_in(sender).post(url, {"body": "Next Tuesday?"})
    html = signed_in(owner).get(url).content.decode()
    assert html.count("<h1") == 1
    assert html.index("Would you like to compare") < html.index("Happy to talk")
    assert html.index("Happy to talk") < html.index("Next Tuesday?")
    assert [m.author for m in Message.objects.order_by("id")] == [owner, sender]


def test_empty_or_oversized_reply_is_refused(conversation, owner):
    client = signed_in(owner)
    for body, text in [("  ", "Write a message."), ("x" * 2001, "under 2000 characters")]:
        response = client.post(conversation.get_absolute_url(), {"body": body})
        assert response.status_code == 400
        assert text in response.content.decode()
    assert not Message.objects.exists()


def test_a_blocked_party_cannot_write(conversation, owner, sender):
    invites.block_create(blocker=owner, blocked=sender)
    response = signed_in(sender).post(conversation.get_absolute_url(), {"body": "Still there?"})
    assert "does not accept messages from you" in response.content.decode()
    assert not Message.objects.exists()


def test_archiving_is_per_side_and_a_new_message_brings_it_back(conversation, owner, sender):
    archive = reverse("collaboration:conversation_archive", args=[conversation.pk])
    owner_client, sender_client = signed_in(owner), signed_in(sender)
    owner_client.post(archive, {"action": "archive"})
    conversation.refresh_from_db()
    assert conversation.archived_by_recipient and not conversation.archived_by_sender
    topic_link = f'data-conversation="{conversation.pk}"'
    assert topic_link not in owner_client.get(INBOX).content.decode()
    assert topic_link in owner_client.get(INBOX + "?archived=1").content.decode()
    assert topic_link in sender_client.get(INBOX).content.decode()

    sender_client.post(conversation.get_absolute_url(), {"body": "Any news?"})
    conversation.refresh_from_db()
    assert not conversation.archived_by_recipient
    assert topic_link in owner_client.get(INBOX).content.decode()

    sender_client.post(archive, {"action": "archive"})
    sender_client.post(archive, {"action": "restore"})
    conversation.refresh_from_db()
    assert not conversation.archived_by_sender


# --- HTML in messages and topics ----------------------------------------------------------


def test_html_in_topics_and_messages_is_shown_as_text(send, owner, sender):
    script = "<script>alert('x')</script>"
    invite = send(topic=f"Topic {script}", message=f"Hello {script}<b>bold</b>")
    conversation = invites.invite_accept(invite=invite, user=owner)
    signed_in(sender).post(conversation.get_absolute_url(), {"body": f"Reply {script}"})
    client = signed_in(owner)
    for url in [INBOX, invite.get_absolute_url(), conversation.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert script not in html and "<b>bold</b>" not in html, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, url


# --- Privacy ------------------------------------------------------------------------------


def test_outsider_cannot_read_invite_or_conversation(conversation, make_user):
    outsider = signed_in(confirm_email(make_user("outsider@example.org")))
    invite = conversation.invite
    for url in [invite.get_absolute_url(), conversation.get_absolute_url()]:
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(answer_url(invite, "decline")).status_code == 404
    assert outsider.post(conversation.get_absolute_url(), {"body": "hi"}).status_code == 404
    archive = reverse("collaboration:conversation_archive", args=[conversation.pk])
    assert outsider.post(archive).status_code == 404
    blocked = reverse("collaboration:invite_block", args=[invite.pk])
    assert outsider.post(blocked).status_code == 404
    assert not Message.objects.exists() and not Block.objects.exists()


def test_outsider_inbox_shows_nothing_of_others(conversation, make_user):
    html = signed_in(make_user()).get(INBOX).content.decode()
    assert "Post-merge quantization" not in html


def test_visitor_is_sent_to_log_in(conversation, client):
    for url in [INBOX, conversation.invite.get_absolute_url(), conversation.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_both_parties_can_read(conversation, owner, sender):
    for user in [owner, sender]:
        client = signed_in(user)
        assert client.get(conversation.invite.get_absolute_url()).status_code == 200
        assert client.get(conversation.get_absolute_url()).status_code == 200


def test_unknown_ids_are_404(owner):
    client = signed_in(owner)
    assert client.get(reverse("collaboration:invite", args=[999999])).status_code == 404
    assert client.get(reverse("collaboration:conversation", args=[999999])).status_code == 404


# --- The unread count ---------------------------------------------------------------------


def test_unread_count_follows_invites_and_replies(send, owner, sender):
    owner_client, sender_client = signed_in(owner), signed_in(sender)
    assert unread_in_header(owner_client) == 0
    invite = send()
    assert unread_in_header(owner_client) == 1
    owner_client.get(invite.get_absolute_url())  # reading it
    assert unread_in_header(owner_client) == 0

    owner_client.post(answer_url(invite, "accept"))
    # The accepted invite is news for the sender; the recipient has just seen it.
    assert (unread_in_header(owner_client), unread_in_header(sender_client)) == (0, 1)
    conversation = Conversation.objects.get()
    sender_client.get(conversation.get_absolute_url())
    assert unread_in_header(sender_client) == 0

    sender_client.post(conversation.get_absolute_url(), {"body": "Thanks!"})
    assert (unread_in_header(owner_client), unread_in_header(sender_client)) == (1, 0)
    owner_client.get(conversation.get_absolute_url())
    assert unread_in_header(owner_client) == 0


def test_an_archived_thread_does_not_count_as_unread(conversation, owner, sender):
    signed_in(owner).post(conversation.get_absolute_url(), {"body": "Hello"})
    sender_client = signed_in(sender)
    assert unread_in_header(sender_client) == 1
    invites.conversation_archive(conversation=conversation, user=sender, archived=True)
    assert unread_in_header(sender_client) == 0


def test_unread_count_costs_one_query_however_many_invites(send, owner, make_user, record):
    client = signed_in(owner)
    home = reverse("profiles:home")
    send()
    client.get(home)  # the page everyone sees is cached; the counts are the reader's own
    page_cache.forget_person([owner.pk], "unread")
    few = query_count(client, home)
    for n in range(5):
        invite = another_sender(make_user, record, n)
        conversation = invites.invite_accept(invite=invite, user=owner)
        invites.conversation_message_send(conversation=conversation, author=invite.sender, body="x")
    assert query_count(client, home) == few
    assert unread_in_header(client) == 6


def test_unread_count_is_one_query(conversation, owner, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert invites.unread_count(owner) == 0


def test_visitors_pay_no_query_for_the_count(client, record):
    home = reverse("profiles:home")
    client.get(home)  # the shared page, cached
    assert "unread-count" not in client.get(home).content.decode()
    assert query_count(client, home) == 0


# --- Query counts -------------------------------------------------------------------------


def test_inbox_query_count_is_constant(send, owner, make_user, record):
    client = signed_in(owner)
    # One of everything the page lists: a pending invite, a conversation, a block.
    send()
    invites.invite_accept(invite=another_sender(make_user, record, 50), user=owner)
    invites.block_create(blocker=owner, blocked=make_user())
    client.get(INBOX)  # the reader's user row is cached from their first request on
    small = fresh_query_count(client, INBOX, owner)
    for n in range(8):
        invite = another_sender(make_user, record, n)
        if n % 2:
            invites.invite_accept(invite=invite, user=owner)
    invites.block_create(blocker=owner, blocked=make_user())
    assert fresh_query_count(client, INBOX, owner) == small


def test_conversation_page_query_count_is_constant(conversation, owner, sender):
    client = signed_in(owner)
    url = conversation.get_absolute_url()
    invites.conversation_message_send(conversation=conversation, author=sender, body="one")
    client.get(url)  # the reader's user row is cached from their first request on
    small = fresh_query_count(client, url, owner)
    for n in range(20):
        author = owner if n % 2 else sender
        invites.conversation_message_send(conversation=conversation, author=author, body=f"{n}")
    assert fresh_query_count(client, url, owner) == small
