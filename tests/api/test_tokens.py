"""API tokens: created and revoked on /account/tokens/, shown once, stored only as a hash."""

import re

import pytest
from rest_framework.authtoken.models import Token

from profiles.accounts import tokens
from tests import factories

pytestmark = pytest.mark.django_db


def _create(client) -> str:
    html = client.post("/account/tokens/").content.decode()
    return re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)


def test_token_is_shown_once_and_only_its_hash_is_stored(owner_client, owner):
    secret = _create(owner_client)
    stored = Token.objects.get(user=owner)
    assert stored.key != secret and stored.key == tokens.token_hash(secret)
    assert secret not in owner_client.get("/account/tokens/").content.decode()


def test_a_script_follows_with_its_token(visitor_client, owner_client, owner):
    secret = _create(owner_client)
    person = factories.researcher()
    response = visitor_client.post(
        f"/api/researchers/{person.pk}/follow/", HTTP_AUTHORIZATION=f"Token {secret}"
    )
    assert response.status_code == 201
    assert person.follows.get().user == owner


def test_wrong_or_revoked_token_is_refused(visitor_client, owner_client, owner):
    secret = _create(owner_client)
    public_id = Token.objects.get(user=owner).key[:8]
    url = f"/api/researchers/{factories.researcher().pk}/follow/"
    assert visitor_client.get(url, HTTP_AUTHORIZATION="Token not-a-token").status_code == 401
    response = owner_client.post(f"/account/tokens/{public_id}/revoke/")
    assert response.status_code == 302
    assert visitor_client.get(url, HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401


def test_creating_a_new_token_replaces_the_old_one(owner_client, owner):
    first = _create(owner_client)
    second = _create(owner_client)
    assert first != second
    assert Token.objects.filter(user=owner).get().key == tokens.token_hash(second)


def test_another_users_session_cannot_revoke_my_token(owner_client, owner, stranger_client):
    _create(owner_client)
    public_id = Token.objects.get(user=owner).key[:8]
    assert stranger_client.post(f"/account/tokens/{public_id}/revoke/").status_code == 404
    assert Token.objects.filter(user=owner).exists()


def test_another_users_token_cannot_revoke_mine(owner_client, owner, stranger_client, client):
    _create(owner_client)
    public_id = Token.objects.get(user=owner).key[:8]
    stranger_secret = _create(stranger_client)
    # A token is for the API; the page takes a session, so a token alone gets the sign-in page.
    response = client.post(
        f"/account/tokens/{public_id}/revoke/", HTTP_AUTHORIZATION=f"Token {stranger_secret}"
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Token.objects.filter(user=owner).exists()


def test_visitor_is_sent_to_sign_in(visitor_client):
    response = visitor_client.get("/account/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert visitor_client.post("/account/tokens/").status_code == 302
    assert not Token.objects.exists()


def test_revoke_needs_post(owner_client, owner):
    _create(owner_client)
    public_id = Token.objects.get(user=owner).key[:8]
    assert owner_client.get(f"/account/tokens/{public_id}/revoke/").status_code == 405


def test_tokens_page_has_one_h1(owner_client):
    html = owner_client.get("/account/tokens/").content.decode()
    assert html.count("<h1") == 1
