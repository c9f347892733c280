"""Sign in with ORCID through allauth's real flow, against a local server that answers as ORCID.

Then claim a record: ORCID's iD being the record's own makes it Verified (L3) at once, with the
history saying so; another iD leaves the claim to a moderator.
"""

import re
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import Client
from django.urls import reverse

from profiles.models import Claim, ClaimEvent, User
from tests import factories
from tests.orcid_server import CLIENT_ID, CLIENT_SECRET, OrcidPerson, orcid_server

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"
OTHER_ORCID = "0000-0001-5109-3700"


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def authorize(url: str) -> str:
    """What the browser does at ORCID: open the authorize URL, return where ORCID sends it."""
    opener = build_opener(_NoRedirects)
    try:
        opener.open(url, timeout=10)
    except Exception as redirect:  # urllib raises HTTPError for the unfollowed 302
        assert redirect.code == 302, redirect
        return redirect.headers["Location"]
    raise AssertionError("ORCID did not redirect back")


@pytest.fixture
def orcid_site(settings):
    """Switch ORCID sign-in on, pointed at a local server; yield a function that starts one."""

    def start(person):
        context = orcid_server(person)
        base = context.__enter__()
        settings.ORCID_BASE_URL = settings.ORCID_API_URL = base
        settings.SOCIALACCOUNT_PROVIDERS = {
            "orcid": {
                **settings.SOCIALACCOUNT_PROVIDERS["orcid"],
                "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET}],
            }
        }
        started.append(context)
        return base

    started = []
    yield start
    for context in started:
        context.__exit__(None, None, None)


def sign_in_with_orcid(client: Client, base: str) -> None:
    """The login page's ORCID button, ORCID's consent, the callback, and allauth's sign-up."""
    assert "ORCID" in client.get(reverse("account_login")).content.decode()
    response = client.post(reverse("orcid_login"))
    assert response.status_code == 302 and response["Location"].startswith(
        f"{base}/oauth/authorize?"
    )
    back = urlsplit(authorize(response["Location"]))
    assert back.path == reverse("orcid_callback")
    response = client.get(f"{back.path}?{back.query}")
    # ORCID keeps most addresses private, so allauth asks for one; the name comes from ORCID.
    assert response.status_code == 302 and response["Location"] == reverse("socialaccount_signup")
    form = client.get(response["Location"]).content.decode()
    assert 'value="Hongxia"' in form and 'value="Yang"' in form
    response = client.post(
        reverse("socialaccount_signup"),
        {"email": "hongxia@mail.example", "first_name": "Hongxia", "last_name": "Yang"},
    )
    assert response.status_code == 302, response.content.decode()
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body)
    client.post(confirm.group(1))
    assert "_auth_user_id" in client.session


def claim(client: Client, researcher, orcid: str, django_capture_on_commit_callbacks) -> Claim:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("claims:create", args=[researcher.pk]),
            {"email": "hongxia@mail.example", "orcid": orcid},
        )
    token = re.search(r"/claims/confirm/([A-Za-z0-9_-]+)/", mail.outbox[-1].body).group(1)
    client.post(reverse("claims:confirm", args=[token]))
    return Claim.objects.get(researcher=researcher)


def test_signing_in_with_the_records_orcid_and_claiming_gives_l3(
    client, orcid_site, django_capture_on_commit_callbacks
):
    person = OrcidPerson(orcid=ORCID, given="Hongxia", family="Yang")
    base = orcid_site(person)
    record = factories.researcher(display_name="H. Yang", orcid=ORCID)

    sign_in_with_orcid(client, base)
    user = User.objects.get(email="hongxia@mail.example")
    assert SocialAccount.objects.get(user=user, provider="orcid").uid == ORCID
    assert (user.first_name, user.last_name) == ("Hongxia", "Yang")
    assert person.requests == [
        ("GET", "/oauth/authorize"),
        ("POST", "/oauth/token"),
        ("GET", f"/v3.0/{ORCID}/record"),
    ]

    found = claim(client, record, ORCID, django_capture_on_commit_callbacks)
    assert found.status == Claim.Status.VERIFIED and found.user == user
    record.refresh_from_db()
    assert (record.owner, record.claim_status, record.verification_level) == (user, "verified", 3)
    html = client.get(record.get_absolute_url()).content.decode()
    assert "Claim approved automatically: signed in with the record&#x27;s ORCID iD." in html
    assert "Identity verified automatically." in html


def test_signing_in_with_another_orcid_id_leaves_the_claim_to_a_moderator(
    client, orcid_site, django_capture_on_commit_callbacks
):
    base = orcid_site(OrcidPerson(orcid=OTHER_ORCID, given="Hongxia", family="Yang"))
    record = factories.researcher(display_name="Hongxia Yang", orcid=ORCID)

    sign_in_with_orcid(client, base)
    # Typing the record's iD into the claim form proves nothing; ORCID said who signed in.
    found = claim(client, record, ORCID, django_capture_on_commit_callbacks)
    assert found.status == Claim.Status.AWAITING_MODERATOR
    record.refresh_from_db()
    assert (record.owner, record.verification_level) == (None, 1)
    assert not ClaimEvent.objects.filter(kind="approved").exists()


def test_a_code_from_elsewhere_signs_nobody_in(client, orcid_site):
    base = orcid_site(OrcidPerson(orcid=ORCID, given="Hongxia", family="Yang"))
    response = client.post(reverse("orcid_login"))
    state = dict(p.split("=") for p in urlsplit(response["Location"]).query.split("&"))["state"]
    response = client.get(f"{reverse('orcid_callback')}?code=forged&state={state}")
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    assert response.status_code in (200, 401), base


def test_orcid_pages_are_404_until_a_client_is_configured(client):
    assert client.get(reverse("orcid_login")).status_code == 404
    assert client.post(reverse("orcid_login")).status_code == 404
    assert client.get(reverse("orcid_callback") + "?code=x&state=y").status_code == 404
    assert "ORCID" not in client.get(reverse("account_login")).content.decode()
