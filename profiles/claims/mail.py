"""The mails of claiming: the confirmation link and the decisions, sent once the change commits."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from bzpeer.mail import mail_on_commit

from .models import Claim


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
    # A mail that cannot be sent leaves the claim saved: the claimant asks for the link again.
    mail_on_commit(subject, body, claim.email)


def claimant_notify_on_commit(claim: Claim, subject: str, message: str) -> None:
    context = {"claim": claim, "message": message, "claim_url": site_url(claim.get_absolute_url())}
    body = render_to_string("profiles/claims/email/decision.txt", context)
    mail_on_commit(f"{subject} (BZPEER)", body, claim.user.email)
