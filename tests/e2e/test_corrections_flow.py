"""In Chromium: the owner removes a wrong work from their record, the same OpenAlex data is
imported again, and the work stays off the record."""

import json

import pytest
from allauth.account.models import EmailAddress

from works.importer import openalex_import
from works.models import Researcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


def work(openalex_id, title):
    return {
        "id": f"https://openalex.org/{openalex_id}",
        "title": title,
        "publication_year": 2022,
        "authorships": [
            {"author": {"id": "https://openalex.org/A7000000001", "display_name": "Ada Example"}},
            {"author": {"id": "https://openalex.org/A7000000002", "display_name": "Bob Coauthor"}},
        ],
    }


@pytest.fixture
def snapshot(tmp_path):
    """Import a small OpenAlex file; return a function that imports it again."""
    path = tmp_path / "works.jsonl"
    records = [work("W7000000001", "My real finding"), work("W7000000002", "A namesake's paper")]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    def load():
        assert openalex_import(paths=[path]).error_count == 0

    load()
    return load


def test_owner_removes_a_work_and_it_stays_removed_after_a_reimport(
    live_server, page, snapshot, make_user
):
    owner = make_user("ada@uni.example", password=PASSWORD)
    # Sign-up confirmed the address earlier (tests/e2e/test_claim_flow.py drives that part).
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    ada = Researcher.objects.get(openalex_id="A7000000001")
    Researcher.objects.filter(pk=ada.pk).update(
        owner=owner, claim_status="claimed", verification_level=2
    )
    profile = f"{live_server.url}{ada.get_absolute_url()}"

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "ada@uni.example")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    assert page.get_by_role("link", name="Log out").is_visible()

    page.goto(profile)
    assert page.get_by_role("heading", name="2 published items", exact=True).is_visible()
    page.get_by_role("link", name="Correct your record").click()
    page.get_by_role("link", name="Remove A namesake's paper").click()
    page.get_by_label("Why is this work not yours?").fill("That is another Ada Example.")
    page.get_by_role("button", name="Remove from my record").click()
    assert page.get_by_text("stays off after imports").is_visible()
    assert page.locator("#removed-works").get_by_text("A namesake's paper").is_visible()

    snapshot()  # the same OpenAlex data again

    page.goto(profile)
    works = page.locator("#works")
    assert page.get_by_role("heading", name="1 published item", exact=True).is_visible()
    assert works.get_by_text("My real finding").is_visible()
    assert works.get_by_text("A namesake's paper").count() == 0
    history = page.locator(".claim-history")
    assert history.get_by_text("Work removed by the owner: A namesake's paper.").is_visible()
    assert "another Ada Example" not in page.content()  # the reason stays private

    # A visitor sees the same: the cached page was retired by the change.
    page.context.clear_cookies()
    page.goto(profile)
    assert page.locator("#works").get_by_text("A namesake's paper").count() == 0
