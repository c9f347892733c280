"""Writes for following researchers and their weekly digest. Invites are in invites.py."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from bzpeer import page_cache
from profiles.services import researcher_trust_refresh
from works.models import Authorship, Researcher

from .models import DigestPreference, Follow
from .notifications import services as notifications

# A digest lists at most this many new works, and never reaches back further than this
# (after a long pause or a re-subscription, only recent works are news).
DIGEST_MAX_ITEMS = 50
DIGEST_PERIOD = timedelta(days=7)
DIGEST_MAX_REACH = timedelta(days=28)


def _followers_changed(researcher: Researcher, delta: int) -> None:
    Researcher.objects.filter(pk=researcher.pk).update(
        followers_count=models.F("followers_count") + delta
    )
    # Followers feed the community part of the trust score.
    researcher_trust_refresh(researcher=researcher)


@transaction.atomic
def follow_create(*, user, researcher: Researcher) -> bool:
    """Follow the record; following twice is harmless. Return whether a follow was added."""
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, researcher=researcher)
    except IntegrityError:
        # The unique constraint caught a repeat (perhaps a concurrent double click).
        return False
    page_cache.forget_person([user.pk], "follows")
    _followers_changed(researcher, +1)
    notifications.notify_new_follower(user=user, researcher=researcher)
    return True


@transaction.atomic
def follow_delete(*, user, researcher: Researcher) -> bool:
    """Stop following; unfollowing someone you do not follow changes nothing."""
    deleted, _ = Follow.objects.filter(user=user, researcher=researcher).delete()
    if deleted:
        page_cache.forget_person([user.pk], "follows")
        _followers_changed(researcher, -1)
    return bool(deleted)


def on_researcher_merging(sender, *, source: Researcher, target: Researcher, **kwargs) -> None:
    """Receiver of works.signals.researcher_merging: the followers go with the record.

    One follow per person and record, so a person following both keeps one follow.
    """
    page_cache.forget_person(
        Follow.objects.filter(researcher=source).values_list("user_id", flat=True), "follows"
    )
    Follow.objects.filter(
        researcher=source,
        user_id__in=Follow.objects.filter(researcher=target).values("user_id"),
    ).delete()
    Follow.objects.filter(researcher=source).update(researcher=target)
    followers = Follow.objects.filter(researcher=target).count()
    Researcher.objects.filter(pk=source.pk).update(followers_count=0)
    Researcher.objects.filter(pk=target.pk).update(followers_count=followers)


def followed_ids(user) -> frozenset[int]:
    """The records the person follows: their per-person state (bzpeer.page_cache)."""
    return frozenset(Follow.objects.filter(user=user).values_list("researcher_id", flat=True))


def profile_page_context(request, researcher) -> dict:
    """The follow button's state on the profile page (profiles.page_context), and in the
    follow form stitched into the shared page: from the reader's per-person state."""
    following = (
        request.user.is_authenticated
        and researcher.pk in page_cache.person_state(request)["follows"]
    )
    return {"is_following": following}


def follow_part_context(request, context: dict) -> dict:
    return profile_page_context(request, context["researcher"])


@transaction.atomic
def digest_preference_set(*, user, weekly: bool) -> DigestPreference:
    """Opt in to or out of the weekly digest of new works from followed researchers."""
    preference, _ = DigestPreference.objects.select_for_update().get_or_create(user=user)
    preference.weekly_digest = weekly
    preference.save(update_fields=["weekly_digest", "updated_at"])
    return preference


def digest_period_end(now: datetime) -> datetime:
    """The start of the current week (Monday 00:00 UTC): a digest covers the week before it."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=midnight.weekday())


def digest_entries(*, user_id: int, since: datetime, until: datetime):
    """Works added in [since, until) by researchers the user follows, grouped by researcher."""
    return (
        Authorship.objects.filter(
            researcher__follows__user_id=user_id,
            work__created_at__gte=since,
            work__created_at__lt=until,
        )
        .select_related("researcher", "work", "work__source")
        .order_by("researcher__display_name", "researcher_id", "-work__created_at", "-work_id")
    )


def digest_send(*, user_id: int, period_end: datetime) -> bool:
    """Mail one person the digest for the week ending at period_end, at most once.

    The row is locked and its `sent_until` moved to period_end in the same transaction that
    sends the mail: a concurrent or retried run finds the week done and sends nothing, and a
    mail server error rolls the marker back so that the retry sends it. Returns whether a
    mail went out (a week without new works sends none but still counts as done).
    """
    with transaction.atomic():
        preference = (
            DigestPreference.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user_id, weekly_digest=True)
            .first()
        )
        if preference is None or (preference.sent_until and preference.sent_until >= period_end):
            return False
        since = preference.sent_until or period_end - DIGEST_PERIOD
        since = max(since, period_end - DIGEST_MAX_REACH)
        entries = list(
            digest_entries(user_id=user_id, since=since, until=period_end)[:DIGEST_MAX_ITEMS]
        )
        preference.sent_until = period_end
        preference.save(update_fields=["sent_until", "updated_at"])
        if not entries or not preference.user.email or not preference.user.is_active:
            return False
        context = {
            "entries": entries,
            "since": since,
            "until": period_end,
            "following_url": f"{settings.SITE_URL}{reverse('collaboration:following')}",
        }
        mail = EmailMultiAlternatives(
            subject="New works from researchers you follow (BZPEER)",
            body=render_to_string("collaboration/email/digest.txt", context),
            to=[preference.user.email],
        )
        mail.attach_alternative(
            render_to_string("collaboration/email/digest.html", context), "text/html"
        )
        mail.send()
    return True
