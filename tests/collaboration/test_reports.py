"""Private conversations stay private: staff see one only when one of its two people reports it.

The owner receives invites (the recipient); the sender is the stranger with a confirmed address;
the moderator is staff and in no conversation. Each persona is its own client.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.utils import DataError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzpeer.errors import DomainError
from collaboration import invites, reports
from collaboration.models import Block, Conversation, Invite, Message, Report

from .conftest import confirm_email

pytestmark = pytest.mark.django_db

QUEUE = reverse("collaboration:reports")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def conversation(send, owner, sender):
    """An accepted invite with a message from each side."""
    conversation = invites.invite_accept(invite=send(), user=owner)
    invites.conversation_message_send(
        conversation=conversation, author=owner, body="Happy to talk. Call me."
    )
    invites.conversation_message_send(
        conversation=conversation, author=sender, body="Send me your bank details first."
    )
    return conversation


def message_by(conversation, user) -> Message:
    return conversation.messages.get(author=user)


def report_url(message) -> str:
    return reverse("collaboration:message_report", args=[message.pk])


def invite_report_url(invite) -> str:
    return reverse("collaboration:invite_report", args=[invite.pk])


# --- Staff are not in anyone's conversation ----------------------------------------------


def test_staff_not_in_a_conversation_get_404_on_its_pages_and_api(conversation, moderator):
    staff = signed_in(moderator)
    invite = conversation.invite
    message = conversation.messages.first()
    messages_api = f"/api/conversations/{conversation.pk}/messages/"
    for url in [
        invite.get_absolute_url(),
        conversation.get_absolute_url(),
        f"/api/invites/{invite.pk}/",
        messages_api,
        invite_report_url(invite),
        report_url(message),
    ]:
        assert staff.get(url).status_code == 404, url
    assert staff.post(conversation.get_absolute_url(), {"body": "Hello"}).status_code == 404
    assert post_json(staff, messages_api, {"body": "Hello"}).status_code == 404
    assert post_json(staff, f"/api/invites/{invite.pk}/report/", {"reason": "x"}).status_code == 404
    assert staff.get("/api/invites/").json()["count"] == 0
    assert (
        "Post-merge quantization" not in staff.get(reverse("collaboration:inbox")).content.decode()
    )
    assert Message.objects.count() == 2 and not Report.objects.exists()


def test_staff_opening_an_invite_marks_nothing_read(send, moderator):
    invite = send()
    assert signed_in(moderator).get(invite.get_absolute_url()).status_code == 404
    invite.refresh_from_db()
    assert invite.read_at is None


# --- Reporting ------------------------------------------------------------------------------


def test_a_party_reports_a_message_and_the_moderator_sees_only_that_conversation(
    conversation, owner, sender, moderator, send, make_user, record
):
    # Another conversation of the same owner, not reported.
    other_sender = confirm_email(make_user("other@example.org"))
    other = invites.invite_accept(
        invite=send(sender=other_sender, message="A quiet, unrelated invitation."), user=owner
    )
    invites.conversation_message_send(
        conversation=other, author=owner, body="Our unrelated private plans."
    )

    owner_client = signed_in(owner)
    offending = message_by(conversation, sender)
    html = owner_client.get(conversation.get_absolute_url()).content.decode()
    assert report_url(offending) in html, "the other person's message has a Report link"
    assert report_url(message_by(conversation, owner)) not in html, "one's own has none"

    form = owner_client.get(report_url(offending))
    assert form.status_code == 200 and "Send me your bank details" in form.content.decode()
    response = owner_client.post(report_url(offending), {"reason": "Asks for money."})
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    report = Report.objects.get()
    assert (report.reporter, report.invite, report.message, report.status) == (
        owner,
        conversation.invite,
        offending,
        "open",
    )

    staff = signed_in(moderator)
    queue = staff.get(QUEUE).content.decode()
    assert "Asks for money." in queue
    assert "Send me your bank details" not in queue, "the queue lists reports, not bodies"
    page = staff.get(reverse("collaboration:report", args=[report.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    for text in ["Send me your bank details", "Happy to talk. Call me.", "compare our calibration"]:
        assert text in html, text
    assert "Our unrelated private plans" not in html and "quiet, unrelated" not in html
    # Still no way in through the parties' own pages, for this conversation or the other.
    assert staff.get(conversation.get_absolute_url()).status_code == 404
    assert staff.get(other.get_absolute_url()).status_code == 404


def test_the_recipient_reports_an_invitation(send, owner, moderator):
    invite = send()
    owner_client = signed_in(owner)
    assert invite_report_url(invite) in owner_client.get(invite.get_absolute_url()).content.decode()
    owner_client.post(invite_report_url(invite), {"reason": "Spam."})
    report = Report.objects.get()
    assert (report.invite, report.message) == (invite, None)
    page = signed_in(moderator).get(reverse("collaboration:report", args=[report.pk]))
    assert "Would you like to compare our calibration results?" in page.content.decode()


def test_reporting_through_the_api(conversation, owner, sender):
    owner_api = signed_in(owner)
    message = message_by(conversation, sender)
    response = post_json(owner_api, f"/api/messages/{message.pk}/report/", {"reason": "Scam."})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["item"], data["message"], data["invite"], data["status"]) == (
        "message",
        message.pk,
        conversation.invite_id,
        "open",
    )
    response = post_json(
        owner_api, f"/api/invites/{conversation.invite_id}/report/", {"reason": "Same person."}
    )
    assert response.status_code == 201 and response.json()["item"] == "invite"
    # Twice: a 400 that says why.
    again = post_json(owner_api, f"/api/messages/{message.pk}/report/", {"reason": "Scam!"})
    assert again.status_code == 409 and "already reported" in again.json()["detail"]
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Say what is wrong"),
        ("   \n ", "Say what is wrong"),
        ("x" * 1001, "1000 characters at most"),
    ],
)
def test_bad_reasons_are_refused_and_nothing_is_saved(conversation, owner, sender, reason, error):
    message = message_by(conversation, sender)
    response = signed_in(owner).post(report_url(message), {"reason": reason})
    assert response.status_code == 400
    assert error in response.content.decode()
    api = post_json(signed_in(owner), f"/api/messages/{message.pk}/report/", {"reason": reason})
    assert api.status_code == 400 and error in str(api.json())
    assert not Report.objects.exists()


def test_a_reason_of_exactly_1000_characters_is_accepted(conversation, owner, sender):
    message = message_by(conversation, sender)
    signed_in(owner).post(report_url(message), {"reason": "x" * 1000})
    assert len(Report.objects.get().reason) == 1000


def test_one_open_report_per_person_and_item(conversation, owner, sender, moderator):
    message = message_by(conversation, sender)
    client = signed_in(owner)
    client.post(report_url(message), {"reason": "First."})
    response = client.post(report_url(message), {"reason": "Second."})
    assert response.status_code == 400
    assert "already reported this" in response.content.decode()
    # The other item of the same conversation, and the other person, may still report.
    client.post(invite_report_url(conversation.invite), {"reason": "The invitation too."})
    signed_in(sender).post(report_url(message_by(conversation, owner)), {"reason": "Rude."})
    assert Report.objects.count() == 3
    # Once resolved, the same item can be reported again.
    reports.report_dismiss(report=Report.objects.get(message=message), moderator=moderator)
    client.post(report_url(message), {"reason": "It happened again."})
    assert Report.objects.filter(message=message).count() == 2


def test_the_database_keeps_one_open_report_per_person_and_item(conversation, owner, sender):
    message = message_by(conversation, sender)
    fields = {"reporter": owner, "invite": conversation.invite}
    Report.objects.create(**fields, message=message, reason="a")
    Report.objects.create(**fields, reason="b")
    for extra in [{"message": message}, {}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(**fields, **extra, reason="again")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(**fields, message=message, reason="", status="dismissed")
    with pytest.raises(DataError), transaction.atomic():
        Report.objects.create(**fields, message=message, reason="x" * 1001, status="dismissed")


def test_reporting_what_you_are_not_part_of_is_404(conversation, sender, make_user):
    outsider = signed_in(confirm_email(make_user("outsider@example.org")))
    message = message_by(conversation, sender)
    invite = conversation.invite
    assert outsider.get(report_url(message)).status_code == 404
    assert outsider.post(report_url(message), {"reason": "Nosy."}).status_code == 404
    assert outsider.post(invite_report_url(invite), {"reason": "Nosy."}).status_code == 404
    for url in [f"/api/messages/{message.pk}/report/", f"/api/invites/{invite.pk}/report/"]:
        assert post_json(outsider, url, {"reason": "Nosy."}).status_code == 404, url
    assert post_json(
        Client(), f"/api/invites/{invite.pk}/report/", {"reason": "x"}
    ).status_code in (
        401,
        403,
    )
    assert not Report.objects.exists()


def test_nobody_reports_their_own_words(conversation, owner, sender):
    own = message_by(conversation, owner)
    response = signed_in(owner).post(report_url(own), {"reason": "Oops."})
    assert response.status_code == 400
    assert "cannot report your own message" in response.content.decode()
    response = signed_in(sender).post(invite_report_url(conversation.invite), {"reason": "Mine."})
    assert "cannot report your own invitation" in response.content.decode()
    with pytest.raises(DomainError, match="cannot report your own invitation"):
        reports.report_submit(reporter=sender, reason="x", invite=conversation.invite)
    assert not Report.objects.exists()


# --- Moderating ------------------------------------------------------------------------------


def test_the_queue_is_for_moderators_only(conversation, owner, sender, client):
    signed_in(owner).post(report_url(message_by(conversation, sender)), {"reason": "Scam."})
    report = Report.objects.get()
    detail = reverse("collaboration:report", args=[report.pk])
    for action in ["dismiss", "block"]:
        url = reverse("collaboration:report_resolve", args=[report.pk, action])
        assert signed_in(owner).post(url).status_code == 403
        assert client.post(url).status_code == 302
    for url in [QUEUE, detail]:
        assert signed_in(owner).get(url).status_code == 403, url
        assert signed_in(sender).get(url).status_code == 403, url
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    report.refresh_from_db()
    assert report.is_open


def test_dismissing_closes_the_conversation_to_moderators_again(
    conversation, owner, sender, moderator
):
    signed_in(owner).post(report_url(message_by(conversation, sender)), {"reason": "Scam."})
    report = Report.objects.get()
    staff = signed_in(moderator)
    url = reverse("collaboration:report_resolve", args=[report.pk, "dismiss"])
    assert staff.get(url).status_code == 405
    response = staff.post(url)
    assert response["Location"] == QUEUE
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == ("dismissed", moderator)
    html = staff.get(reverse("collaboration:report", args=[report.pk])).content.decode()
    assert "Send me your bank details" not in html and "Happy to talk" not in html
    assert not Block.objects.exists()
    # Resolving twice says so.
    again = staff.post(url, follow=True)
    assert "already resolved" in again.content.decode()


def test_blocking_the_sender_stops_them_and_closes_the_thread_for_the_reporter(
    conversation, owner, sender, moderator
):
    signed_in(owner).post(report_url(message_by(conversation, sender)), {"reason": "Scam."})
    signed_in(owner).post(invite_report_url(conversation.invite), {"reason": "Also this."})
    first = Report.objects.order_by("id").first()
    signed_in(moderator).post(reverse("collaboration:report_resolve", args=[first.pk, "block"]))

    assert Block.objects.filter(blocker=owner, blocked=sender).exists()
    assert list(Report.objects.values_list("status", flat=True)) == ["blocked", "blocked"]
    conversation.refresh_from_db()
    assert conversation.archived_by_recipient and not conversation.archived_by_sender
    response = signed_in(sender).post(conversation.get_absolute_url(), {"body": "Hello?"})
    assert "does not accept messages from you" in response.content.decode()
    assert Message.objects.count() == 2


def test_blocking_after_an_invite_report_declines_the_pending_invite(
    send, owner, sender, moderator
):
    invite = send()
    reports.report_submit(reporter=owner, reason="Spam.", invite=invite)
    reports.report_block_sender(report=Report.objects.get(), moderator=moderator)
    invite.refresh_from_db()
    assert invite.status == Invite.Status.DECLINED
    assert Block.objects.filter(blocker=owner, blocked=sender).exists()
    assert not Conversation.objects.exists()


def test_the_queue_costs_the_same_queries_however_many_reports(send, owner, moderator, make_user):
    staff = signed_in(moderator)

    def queue_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(QUEUE).status_code == 200
        return len(ctx.captured_queries)

    def report_one():
        other = confirm_email(make_user())
        invite = send(sender=other)
        reports.report_submit(reporter=owner, reason="Spam.", invite=invite)

    queue_queries()  # the moderator's own state (counts, follows) is cached from here on
    report_one()
    one = queue_queries()
    for _ in range(4):
        report_one()
    assert queue_queries() == one


def test_a_reported_conversation_costs_the_same_queries_however_long(
    conversation, owner, sender, moderator
):
    report = reports.report_submit(
        reporter=owner, reason="Scam.", message=message_by(conversation, sender)
    )
    staff = signed_in(moderator)
    url = reverse("collaboration:report", args=[report.pk])

    def page_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(url).status_code == 200
        return len(ctx.captured_queries)

    page_queries()  # the moderator's own state (counts, follows) is cached from here on
    short = page_queries()
    for i in range(5):
        invites.conversation_message_send(conversation=conversation, author=owner, body=f"{i}")
    assert page_queries() == short
