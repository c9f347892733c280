"""API tokens for scripts: one per account, shown once, stored only as a hash.

DRF's authtoken table holds the token; its key column holds the SHA-256 of the secret (cut to
the column's 40 characters, still 160 bits), so a leaked database does not leak working tokens.
"""

import hashlib
import secrets

from django.db import transaction
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

# Shown in the page so the owner can tell tokens apart; never enough to use one.
PUBLIC_ID_LENGTH = 8


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:40]


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <secret>`: look the secret up by its hash."""

    def authenticate_credentials(self, key):
        return super().authenticate_credentials(token_hash(key))


@transaction.atomic
def token_create(*, user) -> str:
    """Replace the account's token with a new one; return the secret, which is not stored."""
    Token.objects.filter(user=user).delete()
    secret = secrets.token_urlsafe(32)
    Token.objects.create(user=user, key=token_hash(secret))
    return secret


def token_revoke(*, user, public_id: str) -> bool:
    """Revoke the account's token with this public id; another account's token is not found."""
    if len(public_id) != PUBLIC_ID_LENGTH:
        return False
    deleted, _ = Token.objects.filter(user=user, key__startswith=public_id).delete()
    return bool(deleted)
