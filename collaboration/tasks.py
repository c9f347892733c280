"""The weekly digest: the beat task fans out one small, idempotent task per subscriber."""

import smtplib
from datetime import datetime

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from . import services
from .models import DigestPreference


@shared_task
def digests_send_weekly() -> int:
    """Queue this week's digest for every subscriber who has not had it yet."""
    period_end = services.digest_period_end(timezone.now())
    due = (
        DigestPreference.objects.filter(weekly_digest=True)
        .filter(Q(sent_until__isnull=True) | Q(sent_until__lt=period_end))
        .values_list("user_id", flat=True)
        .order_by("user_id")
    )
    queued = 0
    for user_id in due.iterator(chunk_size=1000):
        digest_send.delay(user_id, period_end.isoformat())
        queued += 1
    return queued


# Only a mail server that is down or refusing for now is worth another try.
@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def digest_send(user_id: int, period_end: str) -> bool:
    return services.digest_send(user_id=user_id, period_end=datetime.fromisoformat(period_end))
