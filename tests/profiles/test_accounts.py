"""Accounts through django-allauth: the email address is the login and must be confirmed."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from profiles.models import User
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


def link_in(message, pattern: str) -> str:
    return re.search(rf"https?://[^/\s]+({pattern})", message.body).group(1)


def sign_up(client, email="new.person@uni-example.edu"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def log_in(client, email="new.person@uni-example.edu", password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_asks_for_email_and_password_only(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'name="email"' in html and 'name="password1"' in html
    assert 'name="username"' not in html
    assert html.count("<h1") == 1
    assert 'class="brand"' in html, "allauth pages use the site's base layout"


def test_signup_asks_for_the_persons_name_and_keeps_it(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'name="first_name"' in html and 'name="last_name"' in html
    client.post(
        reverse("account_signup"),
        {
            "email": "hongxia@uni-example.edu",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "  Hongxia ",
            "last_name": "Yang\u202e",
        },
    )
    user = User.objects.get(email="hongxia@uni-example.edu")
    assert (user.first_name, user.last_name) == ("Hongxia", "Yang")


def test_signup_refuses_a_given_name_without_a_family_name(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "h@example.org", "password1": PASSWORD, "password2": PASSWORD, "first_name": "H"},
    )
    assert response.status_code == 200
    assert "Give your family name too" in response.content.decode()
    assert not User.objects.exists()


def test_the_account_name_page_sets_and_checks_the_name(client, owner):
    url = reverse("account-name")
    assert client.get(url).status_code == 302  # a visitor is asked to log in
    client.force_login(owner)
    assert client.get(url).content.decode().count("<h1") == 1
    response = client.post(url, {"first_name": "Hongxia", "last_name": "Yang"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.get_full_name() == "Hongxia Yang"
    for bad, error in [
        ({"first_name": "Hongxia", "last_name": " "}, "Give your family name too"),
        ({"first_name": "", "last_name": "x" * 151}, "at most 150 characters"),
    ]:
        response = client.post(url, bad)
        assert response.status_code == 400
        assert error in response.content.decode()
    owner.refresh_from_db()
    assert owner.get_full_name() == "Hongxia Yang"


def test_signup_then_confirm_then_log_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.person@uni-example.edu")
    assert user.username, "the model's username is filled in for us"

    # Mandatory confirmation: no session until the address is confirmed.
    client.logout()
    log_in(client)
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # allauth does not resend within its 3-minute cooldown

    confirm = link_in(mail.outbox[-1], r"/accounts/confirm-email/[^/\s]+/")
    assert client.get(confirm).status_code == 200
    client.post(confirm)
    assert user.emailaddress_set.get().verified

    response = log_in(client)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_a_wrong_password_is_refused(client):
    sign_up(client)
    client.logout()
    response = log_in(client, password="not-the-password")
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert "_auth_user_id" not in client.session


def test_an_address_cannot_sign_up_twice(client):
    sign_up(client)
    client.logout()
    sign_up(client, email="New.Person@uni-example.edu")
    assert User.objects.filter(email__iexact="new.person@uni-example.edu").count() == 1


def test_logout_needs_a_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("account_logout")).status_code == 200
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_by_mail(client, owner):
    owner.emailaddress_set.create(email=owner.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": owner.email})
    reset = link_in(mail.outbox[-1], r"/accounts/password/reset/key/[^/\s]+/")
    form_page = client.get(reset, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset,
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_login_url_is_allauths(client):
    assert django_settings.LOGIN_URL == "account_login"
    response = client.get(reverse("claims:mine"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_header_shows_account_links(client, owner):
    html = client.get("/").content.decode()
    assert reverse("account_login") in html and reverse("account_signup") in html
    assert "Log out" not in html
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert reverse("account_logout") in html and "Your profiles" in html
    assert "Moderation" not in html


def test_moderators_see_the_queue_link(client, moderator):
    client.force_login(moderator)
    assert reverse("claims:moderation") in client.get("/").content.decode()


def test_orcid_sign_in_is_on_when_its_settings_are_present():
    # Settings decide INSTALLED_APPS at import time, so ask a fresh interpreter.
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.urls import reverse\n"
        "from allauth.socialaccount.providers import registry\n"
        "assert registry.get_class('orcid').id == 'orcid'\n"
        "print(reverse('orcid_login'))\n"
        "print(settings.SOCIALACCOUNT_PROVIDERS['orcid']['APPS'][0]['client_id'])\n"
        "print(settings.ORCID_API_URL)\n"
        "print(settings.CONTENT_SECURITY_POLICY['form-action'][-1])\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bzpeer.settings",
        "ORCID_CLIENT_ID": "APP-TESTCLIENT0001",
        "ORCID_CLIENT_SECRET": "not-a-real-secret",
        "ORCID_BASE_URL": "https://sandbox.orcid.org/",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "/accounts/orcid/login/",
        "APP-TESTCLIENT0001",
        "https://pub.sandbox.orcid.org",
        "https://sandbox.orcid.org",
    ]


def test_a_bad_orcid_address_is_refused_at_start_up():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bzpeer.settings", "ORCID_BASE_URL": "orcid.org"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ORCID_BASE_URL must be an http(s) address, got 'orcid.org'" in result.stderr
