"""Invites and conversations through the REST API: the same rules as the pages."""

import pytest
from django.test import Client

from collaboration import invites
from collaboration.models import Conversation, Invite, Message
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def send_data(record, **extra):
    return {"researcher": record.pk, "topic": "Post-merge quantization", "message": "Hi!", **extra}


def test_send_list_accept_and_exchange_messages(
    sender, owner, record, topic, django_capture_on_commit_callbacks, mailoutbox
):
    sender_api, owner_api = signed_in(sender), signed_in(owner)
    factories.researcher(
        display_name="Sender Record", owner=sender, claim_status="claimed", verification_level=2
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post(sender_api, "/api/invites/", send_data(record, topic_id=topic.pk))
    assert response.status_code == 201, response.content
    sent = response.json()
    assert (sent["direction"], sent["status"], sent["topic"]) == (
        "sent",
        "pending",
        "Model merging",
    )
    assert [m.to for m in mailoutbox] == [[owner.email]]

    received = owner_api.get("/api/invites/?box=received").json()
    assert [i["id"] for i in received["results"]] == [sent["id"]]
    card = received["results"][0]
    assert card["direction"] == "received" and card["sender_name"] == "Sender Record"
    assert card["sender_records"][0]["verification_level"] == 2
    assert card["sender_records"][0]["trust_tier"]
    assert owner_api.get("/api/invites/?box=sent").json()["count"] == 0

    accepted = post(owner_api, f"/api/invites/{sent['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    conversation_id = accepted.json()["conversation"]
    messages_url = f"/api/conversations/{conversation_id}/messages/"

    reply = post(owner_api, messages_url, {"body": "Gladly."})
    assert reply.status_code == 201 and reply.json()["mine"] is True
    post(sender_api, messages_url, {"body": "Great!"})
    listed = sender_api.get(messages_url).json()
    assert [(m["body"], m["mine"]) for m in listed["results"]] == [
        ("Gladly.", False),
        ("Great!", True),
    ]
    assert listed["results"][0]["author_name"] == "Hongxia Yang"


def test_decline_and_answering_twice(sender, owner, record):
    invite = invites.invite_send(sender=sender, researcher=record, topic="t", message="m")
    owner_api = signed_in(owner)
    declined = post(owner_api, f"/api/invites/{invite.pk}/decline/")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    again = post(owner_api, f"/api/invites/{invite.pk}/accept/")
    assert again.status_code == 409 and "already declined" in again.json()["detail"]
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"message": ""}, "Write a message."),
        ({"message": "  \n "}, "Write a message."),
        ({"message": "x" * 2001}, "under 2000 characters"),
        ({"topic": ""}, "Give a topic"),
    ],
)
def test_bad_input_is_a_400_with_a_reason(sender, record, change, expected):
    response = post(signed_in(sender), "/api/invites/", send_data(record, **change))
    assert response.status_code == 400
    assert expected in str(response.json())
    assert not Invite.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"researcher": "abc", "message": "m"}, {"researcher": 1, "message": "m", "work": -1}],
)
def test_malformed_requests_are_400(sender, data):
    response = post(signed_in(sender), "/api/invites/", data)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert not Invite.objects.exists()


def test_unknown_researcher_topic_or_work_is_404(sender, record):
    api = signed_in(sender)
    assert post(api, "/api/invites/", send_data(record, researcher=10**9)).status_code == 404
    assert post(api, "/api/invites/", send_data(record, topic_id=10**9)).status_code == 404
    assert post(api, "/api/invites/", send_data(record, work=10**9)).status_code == 404
    assert not Invite.objects.exists()


def test_rules_refuse_unclaimed_closed_own_and_blocked(sender, owner, record):
    api = signed_in(sender)
    unclaimed = factories.researcher()
    mine = factories.researcher(owner=sender, claim_status="claimed", verification_level=2)
    # The record's state refuses them (409); a block refuses this sender (403).
    unclaimed_answer = post(api, "/api/invites/", send_data(unclaimed))
    assert unclaimed_answer.status_code == 409
    assert "not claimed yet" in unclaimed_answer.json()["detail"]
    own_answer = post(api, "/api/invites/", send_data(mine))
    assert own_answer.status_code == 409 and "your own record" in own_answer.json()["detail"]
    invites.block_create(blocker=owner, blocked=sender)
    blocked = post(api, "/api/invites/", send_data(record))
    assert blocked.status_code == 403 and "does not accept" in blocked.json()["detail"]
    assert not Invite.objects.exists()


def test_over_the_daily_cap_and_bursts_are_429(sender, record, settings, make_user):
    settings.BZPEER = {**settings.BZPEER, "INVITE_DAILY_CAP": 1, "INVITE_RATE_PER_MINUTE": 3}
    api = signed_in(sender)
    assert post(api, "/api/invites/", send_data(record)).status_code == 201
    other = factories.researcher(owner=make_user(), claim_status="claimed", verification_level=2)
    capped = post(api, "/api/invites/", send_data(other))
    assert capped.status_code == 429 and "the most allowed" in capped.json()["detail"]
    post(api, "/api/invites/", send_data(other))
    assert post(api, "/api/invites/", send_data(other)).status_code == 429
    assert Invite.objects.count() == 1


def test_outsiders_get_404_and_visitors_401(sender, owner, record, make_user, client):
    invite = invites.invite_send(sender=sender, researcher=record, topic="t", message="m")
    conversation = invites.invite_accept(invite=invite, user=owner)
    outsider = signed_in(make_user("outsider@example.org"))
    messages_url = f"/api/conversations/{conversation.pk}/messages/"
    assert outsider.get(f"/api/invites/{invite.pk}/").status_code == 404
    assert post(outsider, f"/api/invites/{invite.pk}/decline/").status_code == 404
    assert outsider.get(messages_url).status_code == 404
    assert post(outsider, messages_url, {"body": "hi"}).status_code == 404
    assert outsider.get("/api/invites/").json()["count"] == 0
    assert client.get("/api/invites/").status_code == 401
    assert client.get(messages_url).status_code == 401
    assert not Message.objects.exists()


def test_only_the_recipient_answers(sender, record):
    invite = invites.invite_send(sender=sender, researcher=record, topic="t", message="m")
    assert post(signed_in(sender), f"/api/invites/{invite.pk}/accept/").status_code == 403
    invite.refresh_from_db()
    assert invite.is_pending


def test_empty_message_in_a_conversation_is_a_400(sender, owner, record):
    invite = invites.invite_send(sender=sender, researcher=record, topic="t", message="m")
    conversation = invites.invite_accept(invite=invite, user=owner)
    response = post(
        signed_in(owner), f"/api/conversations/{conversation.pk}/messages/", {"body": " "}
    )
    assert response.status_code == 400 and response.json() == {"body": ["Write a message."]}
    assert not Message.objects.exists()


def test_list_endpoints_query_counts_are_constant(sender, owner, record, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import confirm_email

    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    owner_api = signed_in(owner)
    invite = invites.invite_send(sender=sender, researcher=record, topic="t", message="m")
    conversation = invites.invite_accept(invite=invite, user=owner)
    invites.conversation_message_send(conversation=conversation, author=sender, body="one")
    messages_url = f"/api/conversations/{conversation.pk}/messages/"
    owner_api.get("/api/invites/")  # the reader's user row is cached from then on
    small = (count(owner_api, "/api/invites/"), count(owner_api, messages_url))
    for n in range(6):
        other = confirm_email(make_user(f"other{n}@example.org"))
        factories.researcher(owner=other, claim_status="claimed", verification_level=2)
        invites.invite_send(sender=other, researcher=record, topic=f"t{n}", message="m")
        invites.conversation_message_send(conversation=conversation, author=owner, body=f"{n}")
    assert (count(owner_api, "/api/invites/"), count(owner_api, messages_url)) == small
