"""allauth's pages in the site's look: the site's panel, forms and buttons, one <h1>, a title."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

pytestmark = pytest.mark.django_db

VISITOR_PAGES = {
    "account_login": [],
    "account_signup": [],
    "account_reset_password": [],
    "account_reset_password_done": [],
    "account_reset_password_from_key": ["1", "not-a-key"],
    "account_reset_password_from_key_done": [],
    "account_email_verification_sent": [],
    "account_confirm_email": ["not-a-key"],
    "account_inactive": [],
}
SIGNED_IN_PAGES = {
    "account_change_password": [],
    "account_email": [],
    "account_logout": [],
    "account_reauthenticate": [],
}


def problems(html: str) -> list[str]:
    found = []
    if len(re.findall(r"<h1[\s>]", html)) != 1:
        found.append("not exactly one <h1>")
    title = " ".join(re.search(r"<title>(.*?)</title>", html, re.S)[1].split())
    if not title or title.startswith("·"):
        found.append(f"title {title!r}")
    if '<main id="main" class="container auth-page">' not in html:
        found.append("not in the site's account panel")
    main = html[html.find("<main") : html.find("</main>")]
    # allauth's hidden "logout-from-stage" form holds hidden inputs only: nothing to style.
    if re.search(r"<form(?! class=\"stacked-form\")(?! id=\"logout-from-stage\")", main):
        found.append("a form not in the site's style")
    if re.search(r"<button(?![^>]*class=\"button)", main):
        found.append("a button not in the site's style")
    return found


def wrong_pages(client, pages) -> dict[str, list[str]]:
    wrong = {}
    for name, args in pages.items():
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        if found := problems(response.content.decode()):
            wrong[name] = found
    return wrong


def test_account_pages_for_visitors_are_in_the_sites_look(client):
    assert wrong_pages(client, VISITOR_PAGES) == {}


def test_account_pages_for_signed_in_people_are_in_the_sites_look(client, stranger):
    EmailAddress.objects.create(user=stranger, email=stranger.email, verified=True, primary=True)
    client.force_login(stranger)
    assert wrong_pages(client, SIGNED_IN_PAGES) == {}


def test_sign_in_errors_show_in_the_site_style(client, make_user):
    make_user("known@example.org")
    response = client.post(
        reverse("account_login"), {"login": "known@example.org", "password": "wrong"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in html
    assert re.search(r'<button\s+class="button"\s+type="submit">\s*Sign In', html)
