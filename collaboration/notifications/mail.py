"""The email for a new message, and its one-click unsubscribe link.

The link carries the account id signed with the site's secret (django.core.signing), so it works
without signing in and cannot be made for someone else. The mail names it in a List-Unsubscribe
header with List-Unsubscribe-Post (RFC 8058): a mail program's own "unsubscribe" button turns
the email off in one click by POSTing to it. A browser opening the link sees a page with one
button, because mail scanners open (GET) every link in a mail and must not unsubscribe anyone.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from bzpeer.mail import mail_on_commit

from .models import NotificationPreference

UNSUBSCRIBE_SALT = "bzpeer.notifications.unsubscribe.message-email"


def unsubscribe_token(user) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def unsubscribe_url(user) -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])


def user_for_unsubscribe_token(token: str):
    """The account a link was made for, or None for a bad or tampered link."""
    if not token or len(token) > 200:
        return None
    try:
        user_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def message_email_on(user) -> bool:
    """Whether the person wants the email for new messages (on unless they turned it off)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference.message_email if preference else True


def message_email_on_commit(notification) -> None:
    """Mail the recipient of a new message once the message is saved, if they want the email."""
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active or not message_email_on(recipient):
        return
    context = {
        "notification": notification,
        "conversation_url": settings.SITE_URL + notification.url,
        "settings_url": settings.SITE_URL + reverse("notifications:list"),
        "unsubscribe_url": unsubscribe_url(recipient),
    }
    # A name is imported or typed data: a line break in it must not break the mail header.
    subject = " ".join(f"{notification.actor_name or 'Someone'} wrote to you (BZPEER)".split())
    mail_on_commit(
        subject,
        render_to_string("collaboration/email/message.txt", context),
        recipient.email,
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
