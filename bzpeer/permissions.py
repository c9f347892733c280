"""Who may do what, site-wide: the roles every app checks."""

from django.core.exceptions import PermissionDenied


def is_moderator(user) -> bool:
    """Staff moderate: claims, disputes, suggestions on unclaimed records, reported conversations.

    A conversation is private to its two people; staff see one only through a report on it.
    """
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")
