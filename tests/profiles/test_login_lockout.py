"""Failed sign-ins lock out one account from one address, never everyone behind that address."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SHARED = "203.0.113.10"  # a university's NAT, say
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def people(make_user):
    alice = make_user("alice@uni.example", password="alice-right-password")
    bob = make_user("bob@uni.example", password="bob-right-password")
    for user in (alice, bob):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return alice, bob


def sign_in(email: str, password: str, address: str) -> bool:
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"login": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_wrong_passwords_for_one_account_do_not_lock_out_another_from_that_address(people):
    for attempt in range(30):
        assert not sign_in("alice@uni.example", f"guess-{attempt}", SHARED)
    assert sign_in("bob@uni.example", "bob-right-password", SHARED)
    # Alice is locked out from that address, even with her right password...
    assert not sign_in("alice@uni.example", "alice-right-password", SHARED)
    # ...but not from everywhere: a guesser cannot lock her out of her account.
    assert sign_in("alice@uni.example", "alice-right-password", ELSEWHERE)


def test_the_lockout_still_stops_guessing_one_account(people):
    for attempt in range(5):
        assert not sign_in("alice@uni.example", f"guess-{attempt}", SHARED)
    client = Client(REMOTE_ADDR=SHARED)
    response = client.post(
        LOGIN, {"login": "alice@uni.example", "password": "alice-right-password"}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
