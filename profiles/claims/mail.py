"""The mails of claiming: the confirmation link and the decisions, sent once the change commits."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Claim

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirmation_on_commit(claim: Claim, token: str) -> None:
    context = {
        "researcher": claim.researcher,
        "confirm_url": site_url(reverse("claims:confirm", args=[token])),
        "expires_at": claim.token_expires_at,
    }
    subject = f"Confirm your claim on {claim.researcher} (BZPEER)"
    body = render_to_string("profiles/claims/email/confirm.txt", context)
    transaction.on_commit(lambda: send(subject, body, claim.email))


def claimant_notify_on_commit(claim: Claim, subject: str, message: str) -> None:
    context = {"claim": claim, "message": message, "claim_url": site_url(claim.get_absolute_url())}
    body = render_to_string("profiles/claims/email/decision.txt", context)
    recipient = claim.user.email
    if recipient:
        transaction.on_commit(lambda: send(f"{subject} (BZPEER)", body, recipient))


def send(subject: str, body: str, recipient: str) -> None:
    # The claim is already saved; a mail server that is down must not turn that into an error.
    # The claimant can ask for the link again from the claim's page.
    try:
        send_mail(subject, body, None, [recipient])
    except Exception:
        logger.exception("could not send claim mail to %s", recipient.rsplit("@", 1)[-1])
