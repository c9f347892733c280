"""Writes to an account's own details."""

from django.db import transaction

from bzpeer.safety import strip_bidi

from .models import User

NAME_MAX = 150  # AbstractUser's first_name and last_name


class AccountError(Exception):
    """An account change that cannot happen; the message is written for the person."""


def clean_names(first_name: str, last_name: str) -> tuple[str, str]:
    """The given and family names with spaces collapsed and no bidirectional controls."""
    first_name = " ".join(strip_bidi(first_name or "").split())
    last_name = " ".join(strip_bidi(last_name or "").split())
    if len(first_name) > NAME_MAX or len(last_name) > NAME_MAX:
        raise AccountError(f"Keep each name to {NAME_MAX} characters at most.")
    if first_name and not last_name:
        raise AccountError("Give your family name too: a given name alone matches no record.")
    return first_name, last_name


@transaction.atomic
def user_name_update(*, user: User, first_name: str, last_name: str) -> User:
    """Set the account's given and family names, as on the person's publications.

    Claims compare them with the record's names (works.names.person_matches), and invite
    recipients see them when the sender owns no record.
    """
    user.first_name, user.last_name = clean_names(first_name, last_name)
    user.save(update_fields=["first_name", "last_name"])
    return user
