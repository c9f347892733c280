"""The weekly digest: opt-in, one mail per week whatever retries, plain text and HTML."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from collaboration import services, tasks
from collaboration.models import DigestPreference
from collaboration.services import follow_create
from tests import factories
from works.models import Work

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)


def added_at(work, when):
    Work.objects.filter(pk=work.pk).update(created_at=when)


@pytest.fixture
def followed(stranger):
    person = factories.researcher(display_name="Followed Person")
    follow_create(user=stranger, researcher=person)
    return person


@pytest.fixture
def subscribed(stranger):
    return services.digest_preference_set(user=stranger, weekly=True)


def test_period_ends_at_the_start_of_the_week():
    wednesday = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    assert services.digest_period_end(wednesday) == MONDAY
    assert services.digest_period_end(MONDAY + timedelta(hours=7)) == MONDAY


def test_digest_lists_last_weeks_new_works_once(stranger, followed, subscribed, mailoutbox):
    new = factories.work(authors=[followed], title="A new <result>")
    added_at(new, MONDAY - timedelta(days=2))
    old = factories.work(authors=[followed], title="An older result")
    added_at(old, MONDAY - timedelta(days=9))
    unfollowed = factories.work(authors=[factories.researcher()], title="Someone else's")
    added_at(unfollowed, MONDAY - timedelta(days=1))

    assert services.digest_send(user_id=stranger.pk, period_end=MONDAY) is True
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [stranger.email]
    assert "Followed Person" in mail.body and "A new <result>" in mail.body
    assert "An older result" not in mail.body and "Someone else's" not in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert "A new &lt;result&gt;" in html and "<result>" not in html

    # A retried or repeated run for the same week sends nothing.
    assert services.digest_send(user_id=stranger.pk, period_end=MONDAY) is False
    assert len(mailoutbox) == 1


def test_next_week_picks_up_where_the_last_one_ended(stranger, followed, subscribed, mailoutbox):
    factories.work(authors=[followed], title="Week one")
    Work.objects.update(created_at=MONDAY - timedelta(days=1))
    services.digest_send(user_id=stranger.pk, period_end=MONDAY)
    week_two = factories.work(authors=[followed], title="Week two")
    added_at(week_two, MONDAY + timedelta(days=3))
    services.digest_send(user_id=stranger.pk, period_end=MONDAY + timedelta(days=7))
    assert len(mailoutbox) == 2
    assert "Week two" in mailoutbox[1].body and "Week one" not in mailoutbox[1].body


def test_a_quiet_week_sends_nothing_but_counts_as_done(stranger, followed, subscribed, mailoutbox):
    assert services.digest_send(user_id=stranger.pk, period_end=MONDAY) is False
    assert mailoutbox == []
    subscribed.refresh_from_db()
    assert subscribed.sent_until == MONDAY


def test_no_digest_without_opting_in(stranger, followed, mailoutbox):
    added_at(factories.work(authors=[followed]), MONDAY - timedelta(days=1))
    assert services.digest_send(user_id=stranger.pk, period_end=MONDAY) is False
    services.digest_preference_set(user=stranger, weekly=True)
    services.digest_preference_set(user=stranger, weekly=False)
    assert services.digest_send(user_id=stranger.pk, period_end=MONDAY) is False
    assert mailoutbox == []


def test_a_failing_mail_server_leaves_the_week_to_retry(
    stranger, followed, subscribed, mailoutbox, monkeypatch
):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    added_at(factories.work(authors=[followed]), MONDAY - timedelta(days=1))

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.digest_send(user_id=stranger.pk, period_end=MONDAY)
    subscribed.refresh_from_db()
    assert subscribed.sent_until is None
    monkeypatch.undo()
    assert services.digest_send(user_id=stranger.pk, period_end=MONDAY) is True
    assert len(mailoutbox) == 1


def test_beat_task_queues_each_due_subscriber_once(
    stranger, followed, subscribed, make_user, mailoutbox, monkeypatch
):
    other = make_user()
    services.digest_preference_set(user=other, weekly=True)
    services.digest_preference_set(user=make_user(), weekly=False)
    monkeypatch.setattr(tasks.timezone, "now", lambda: MONDAY + timedelta(hours=7))
    added_at(factories.work(authors=[followed]), MONDAY - timedelta(days=1))

    # Tasks run in-process in tests: queueing them sends the mails.
    assert tasks.digests_send_weekly() == 2
    assert [m.to for m in mailoutbox] == [[stranger.email]]  # `other` follows nobody
    assert tasks.digests_send_weekly() == 0
    assert len(mailoutbox) == 1


def test_the_beat_schedule_runs_the_task_weekly():
    from celery.schedules import crontab

    from bzpeer.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == tasks.digests_send_weekly.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] == crontab(minute=0, hour=7, day_of_week="mon")


def test_following_page_toggles_the_digest(stranger, stranger_client):
    following = reverse("collaboration:following")
    assert "checked" not in stranger_client.get(following).content.decode()
    response = stranger_client.post(reverse("collaboration:digest"), {"weekly_digest": "on"})
    assert response["Location"] == following
    assert DigestPreference.objects.get(user=stranger).weekly_digest
    assert "checked" in stranger_client.get(following).content.decode()
    stranger_client.post(reverse("collaboration:digest"), {})
    assert not DigestPreference.objects.get(user=stranger).weekly_digest


def test_digest_toggle_needs_a_signed_in_post(client, stranger):
    url = reverse("collaboration:digest")
    assert "login" in client.post(url, {"weekly_digest": "on"})["Location"]
    client.force_login(stranger)
    assert client.get(url).status_code == 405
    assert not DigestPreference.objects.exists()
