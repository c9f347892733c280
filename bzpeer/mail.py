"""Outgoing mail: sent once the change commits, and never able to undo it."""

import logging

from django.core.mail import EmailMessage
from django.db import transaction

logger = logging.getLogger(__name__)


def mail_on_commit(
    subject: str, body: str, recipient: str, *, headers: dict[str, str] | None = None
) -> None:
    """Send this mail once the current transaction commits (at once outside one).

    `headers` are extra mail headers, such as List-Unsubscribe.
    """
    if recipient:
        transaction.on_commit(lambda: send(subject, body, recipient, headers=headers))


def send(subject: str, body: str, recipient: str, *, headers: dict[str, str] | None = None) -> None:
    # What the mail tells of is already saved; a mail server that is down must not turn that
    # into an error. Only the address's domain is logged.
    try:
        EmailMessage(subject, body, None, [recipient], headers=headers).send()
    except Exception:
        logger.exception("could not send mail to %s", recipient.rsplit("@", 1)[-1])
