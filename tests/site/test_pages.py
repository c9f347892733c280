"""Whole-site guards: every HTML page has one <h1>, a meaningful title and a description."""

import re

import pytest

from collaboration import services as collaboration_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(stranger):
    place = factories.institution(display_name="Guard Institute", country_code="DE")
    topic = factories.topic(display_name="Guarded Topic")
    person = factories.researcher(display_name="Gwen Guard")
    factories.affiliate(person, place)
    work = factories.work(authors=[person], topics=[topic], title="A guarded result")
    factories.refresh(person)
    collaboration_services.follow_create(user=stranger, researcher=person)
    return {"person": person, "work": work, "topic": topic, "institution": place}


def public_paths(world):
    person = world["person"]
    return [
        "/",
        "/researchers/",
        "/researchers/?q=gwen",
        person.get_absolute_url(),
        f"/researchers/{person.pk}/graph/",
        world["work"].get_absolute_url(),
        f"/works/{world['work'].pk}/authors/",
        world["topic"].get_absolute_url(),
        world["institution"].get_absolute_url(),
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


SIGNED_IN_PATHS = ["/following/", "/invites/", "/notifications/", "/me/profiles/",
                   "/account/tokens/"]  # fmt: skip


def check_page(html: str, path: str) -> list[str]:
    problems = []
    if len(re.findall(r"<h1[\s>]", html)) != 1:
        problems.append("not exactly one <h1>")
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    name = " ".join(title[1].split()) if title else ""
    if not name or name in {"BZPEER", "· BZPEER"} or name.startswith("·"):
        problems.append(f"title {name!r} says nothing")
    description = re.search(r'<meta name="description" content="([^"]*)"', html)
    if not description or len(description[1].strip()) < 20:
        problems.append("no meaningful description")
    return [f"{path}: {p}" for p in problems]


def test_public_pages_have_one_h1_a_title_and_a_description(client, world):
    problems = []
    for path in public_paths(world):
        response = client.get(path)
        assert response.status_code == 200, path
        problems += check_page(response.content.decode(), path)
    assert problems == []


def test_signed_in_pages_have_one_h1_a_title_and_a_description(client, world, stranger):
    client.force_login(stranger)
    problems = []
    for path in public_paths(world) + SIGNED_IN_PATHS:
        response = client.get(path)
        if response.status_code == 302 and path.startswith("/accounts/"):
            continue  # allauth sends signed-in people away from login and sign-up
        assert response.status_code == 200, path
        problems += check_page(response.content.decode(), path)
    assert problems == []


def test_error_pages_are_styled_and_answer_with_their_status(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert check_page(html, "404") == []
    assert "bzpeer.css" in html


def test_no_template_or_script_writes_a_count_as_item_s():
    # "103 published item(s)": counts are written as words, singular or plural.
    from tests.conftest import REPO_ROOT

    found = []
    for folder in ("templates", "profiles", "works", "graph", "collaboration", "static/js"):
        for path in (REPO_ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".txt", ".js"} and "(s)" in path.read_text("utf-8"):
                found.append(str(path.relative_to(REPO_ROOT)))
    assert found == []


def test_counts_of_one_are_singular(client):
    person = factories.researcher(display_name="Solo Singular")
    factories.work(authors=[person], topics=[factories.topic()], title="The only result")
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "1 published item</h2>" in html
    assert '<span class="stats__label">work</span>' in html
    assert '<span class="stats__label">topic</span>' in html
    assert "1 works" not in html and "1 topics" not in html
    search = client.get("/researchers/?q=solo").content.decode()
    assert "1 work ·" in search and "1 researcher" in search


def test_every_page_links_the_sites_own_favicon(client):
    import xml.etree.ElementTree as ET

    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    html = client.get("/").content.decode()
    href = static("img/favicon.svg")
    assert f'<link rel="icon" href="{href}" type="image/svg+xml">' in html
    assert ET.parse(finders.find("img/favicon.svg")).getroot().tag.endswith("svg")
    response = client.get(href)
    assert response.status_code == 200
    assert b"<svg" in b"".join(
        response.streaming_content if response.streaming else [response.content]
    )
