"""Writes for following researchers."""

from django.db import IntegrityError, models, transaction

from profiles.models import Researcher
from profiles.services import researcher_trust_refresh

from .models import Follow


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
    _followers_changed(researcher, +1)
    return True


@transaction.atomic
def follow_delete(*, user, researcher: Researcher) -> bool:
    """Stop following; unfollowing someone you do not follow changes nothing."""
    deleted, _ = Follow.objects.filter(user=user, researcher=researcher).delete()
    if deleted:
        _followers_changed(researcher, -1)
    return bool(deleted)
