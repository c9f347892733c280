"""Every page type through axe-core in Chromium, for a visitor and for a signed-in person."""

import json
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from collaboration import invites, reports
from collaboration import services as collaboration_services
from collaboration.notifications import mail as notification_mail
from profiles.owner_content import services as owner_content
from tests import factories
from works.models import Researcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}


@pytest.fixture
def world():
    place = factories.institution(display_name="Test Institute of Access", country_code="NL")
    topic = factories.topic(display_name="Accessible Computing")
    person = factories.researcher(display_name="Ada Accessible", orcid="0000-0002-1825-0097")
    factories.affiliate(person, place)
    partner = factories.researcher(display_name="Bo Partner")
    venue = factories.source(display_name="Journal of Inclusive Design")
    works = [
        factories.work(
            authors=[person, partner],
            topics=[topic],
            source=venue,
            title=f"Readable result {i}",
            abstract="An abstract that says what was found.",
            publication_year=2020 + i,
        )
        for i in range(3)
    ]
    # The first work cites the second and is cited by the third; a big collaboration's byline
    # is cut after 20 names.
    works[0].referenced_works = [works[1].openalex_id]
    works[0].save()
    works[2].referenced_works = [works[0].openalex_id]
    works[2].save()
    members = [factories.researcher(display_name=f"Member {i}") for i in range(25)]
    big = factories.work(authors=[person, *members], title="A big collaboration")
    factories.refresh(person, partner)
    return {
        "person": person,
        "work": works[0],
        "big_work": big,
        "topic": topic,
        "institution": place,
    }


def page_paths(world):
    person = world["person"]
    return [
        "/",
        "/researchers/",
        "/researchers/?q=ada",
        person.get_absolute_url(),
        f"/researchers/{person.pk}/graph/",
        world["work"].get_absolute_url(),
        world["big_work"].get_absolute_url(),
        f"/works/{world['big_work'].pk}/authors/",
        world["topic"].get_absolute_url(),
        world["institution"].get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/confirm-email/not-a-key/",
        "/researchers/999999/",  # the styled 404 page
    ]


SIGNED_IN_PATHS = [
    "/following/",
    "/invites/",
    "/notifications/",
    "/me/profiles/",
    "/account/name/",
    "/accounts/password/change/",
    "/accounts/email/",
]


def violations(browser, url, cookies=(), viewport=None):
    # axe is injected as an inline script, which the site's CSP refuses (tests/e2e/test_csp.py
    # checks the policy itself); the checker's context bypasses it.
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900}, bypass_csp=True
    )
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [
        {"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def test_every_page_type_passes_axe_for_a_visitor(browser, live_server, world):
    found = {path: violations(browser, live_server.url + path) for path in page_paths(world)}
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_every_page_type_passes_axe_for_a_signed_in_person(browser, live_server, world, stranger):
    collaboration_services.follow_create(user=stranger, researcher=world["person"])
    cookie = session_cookie(stranger, live_server)
    paths = page_paths(world) + SIGNED_IN_PATHS
    found = {path: violations(browser, live_server.url + path, [cookie]) for path in paths}
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_owner_pages_and_notifications_pass_axe(browser, live_server, world, owner, stranger):
    """The owner's edit page, their words on the profile, notifications and unsubscribing."""
    person = world["person"]
    Researcher.objects.filter(pk=person.pk).update(owner=owner, claim_status="claimed")
    person.refresh_from_db()
    owner_content.owner_content_update(
        user=owner,
        researcher=person,
        bio="I make research readable.\n\nAnd accessible.",
        keywords=["accessibility", "reading"],
        links=[("Lab", "https://lab.example.org/"), ("Mastodon", "https://social.example/@ada")],
    )
    owner_content.owner_pins_set(user=owner, researcher=person, work_ids=[world["work"].pk])
    collaboration_services.follow_create(user=stranger, researcher=person)
    token = notification_mail.unsubscribe_token(owner)
    owner_cookie = session_cookie(owner, live_server)
    paths = [
        person.get_absolute_url(),
        f"/researchers/{person.pk}/edit/",
        "/notifications/",
    ]
    found = {path: violations(browser, live_server.url + path, [owner_cookie]) for path in paths}
    for path in (person.get_absolute_url(), f"/notifications/unsubscribe/{token}/",
                 "/notifications/unsubscribe/not-a-token/"):  # fmt: skip
        found[f"visitor {path}"] = violations(browser, live_server.url + path)
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_reporting_and_the_reports_queue_pass_axe(
    browser, live_server, world, owner, stranger, moderator
):
    person = world["person"]
    person.owner, person.claim_status = owner, "claimed"
    person.save()
    EmailAddress.objects.create(user=stranger, email=stranger.email, verified=True, primary=True)
    invite = invites.invite_send(
        sender=stranger, researcher=person, topic="Accessible tables", message="Shall we?"
    )
    conversation = invites.invite_accept(invite=invite, user=owner)
    message = invites.conversation_message_send(
        conversation=conversation, author=stranger, body="A message to report."
    )
    report = reports.report_submit(reporter=owner, reason="Rude.", message=message)
    pages = {
        owner: [
            reverse("collaboration:message_report", args=[message.pk]),
            reverse("collaboration:invite_report", args=[invite.pk]),
        ],
        moderator: [
            reverse("collaboration:reports"),
            reverse("collaboration:report", args=[report.pk]),
        ],
    }
    found = {}
    for user, paths in pages.items():
        cookie = session_cookie(user, live_server)
        for path in paths:
            found[path] = violations(browser, live_server.url + path, [cookie])
    assert {path: v for path, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_profile_reads_on_a_phone(browser, live_server, world):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + world["person"].get_absolute_url())
    # Nothing is wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    headings = page.locator("h1, h2").all_inner_texts()
    assert headings[0] == "Ada Accessible"
    order = ["Quick read", "Decide how to stay connected", "How to connect with this researcher"]
    assert [h for h in headings if h in order] == order
    assert (
        violations(
            browser,
            live_server.url + world["person"].get_absolute_url(),
            viewport={"width": 360, "height": 740},
        )
        == []
    )
    context.close()


def test_follow_button_works_from_the_keyboard(browser, live_server, world, stranger):
    context = browser.new_context()
    context.add_cookies([session_cookie(stranger, live_server)])
    page = context.new_page()
    page.goto(live_server.url + world["person"].get_absolute_url())
    button = page.get_by_role("button", name="Follow researcher")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Following").wait_for()
    assert page.locator("#followers-count").inner_text() == "1"
    context.close()


def test_the_checker_itself_catches_a_broken_page(browser):
    # Guards the harness: a page with an unnamed button and an image without alt must fail.
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html lang="en"><title>x</title><button></button><img src="x.png"></html>')
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    context.close()
    rules = {v["id"] for v in result["violations"] if v["impact"] in BLOCKING}
    assert {"button-name", "image-alt"} <= rules
