"""Who may do what, site-wide: the roles every app checks."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied


def is_moderator(user) -> bool:
    """Staff moderate: claims, disputes, suggestions on unclaimed records, reported conversations.

    A conversation is private to its two people; staff see one only through a report on it.
    """
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def moderators():
    """The accounts is_moderator says yes to, as a query (the same rule: active staff)."""
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")
