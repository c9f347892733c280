"""Imported text never reaches a page unescaped: a hostile OpenAlex record, every page showing it.

The record comes in through the real importer, so any cleaning the parser does is part of the
path; then every page type that shows its text is fetched and searched for live markup.
"""

import json
import re

import pytest
from django.urls import reverse

from graph.services import graph_slice_build, graph_slice_ensure
from works.importer import openalex_import
from works.models import Institution, Researcher, Topic, Work

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
QUOTE = "' onmouseover='alert(2)"
CLOSE = "</script><script>alert(3)</script>"
PAYLOAD = f"{SCRIPT} {ATTRIBUTE} {QUOTE} {CLOSE}"
# What would be live if the text went out as it came in.
LIVE = ["<script>alert", "<img src=x", "onmouseover='alert", "onerror=alert(1)>"]


def hostile_work() -> dict:
    return {
        "id": "https://openalex.org/W4000000001",
        "doi": "https://doi.org/10.5555/xss",
        "title": f"Title {PAYLOAD}",
        "publication_year": 2024,
        "type": "article",
        "abstract_inverted_index": {word: [i] for i, word in enumerate(PAYLOAD.split())},
        "primary_location": {
            "source": {"id": "https://openalex.org/S4000000001", "display_name": f"Venue {PAYLOAD}"}
        },
        "topics": [
            {"id": "https://openalex.org/T40001", "display_name": f"Topic {PAYLOAD}", "score": 1}
        ],
        "authorships": [
            {
                "author_position": "first",
                "author": {
                    "id": "https://openalex.org/A4000000001",
                    "display_name": f"Mallory {PAYLOAD}",
                },
                "raw_author_name": f"Mallory {PAYLOAD}",
                "institutions": [
                    {
                        "id": "https://openalex.org/I4000000001",
                        "display_name": f"Institute {PAYLOAD}",
                        "homepage_url": "javascript:alert(4)",
                    }
                ],
            },
            {
                "author_position": "last",
                "author": {"id": "https://openalex.org/A4000000002", "display_name": "Bob Plain"},
                "institutions": [],
            },
        ],
    }


@pytest.fixture
def imported(tmp_path):
    path = tmp_path / "hostile.jsonl"
    author = {
        "id": "https://openalex.org/A4000000001",
        "display_name": f"Mallory {PAYLOAD}",
        "display_name_alternatives": [PAYLOAD],
        "last_known_institutions": [
            {"id": "https://openalex.org/I4000000001", "display_name": f"Institute {PAYLOAD}"}
        ],
    }
    path.write_text(json.dumps(hostile_work()) + "\n" + json.dumps(author) + "\n")
    errors = []
    openalex_import(paths=[path], on_error=errors.append)
    assert errors == []
    mallory = Researcher.objects.get(openalex_id="A4000000001")
    graph_slice_build(slice_id=graph_slice_ensure(researcher_id=mallory.pk).pk)
    return {
        "researcher": mallory,
        "work": Work.objects.get(openalex_id="W4000000001"),
        "topic": Topic.objects.get(openalex_id="T40001"),
        "institution": Institution.objects.get(openalex_id="I4000000001"),
    }


SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def assert_escaped(html: str, where: str):
    # Inside a <script> block (JSON-LD, json_script) quotes are harmless, but nothing may end
    # the block early; an injected "</script>" would cut it short and leave live markup after.
    for body in SCRIPT_BLOCK.findall(html):
        assert "<!--" not in body and "<script" not in body.lower(), f"{where}: script block"
    html = SCRIPT_BLOCK.sub("", html)
    for live in LIVE:
        assert live not in html, f"{where}: {live!r} reached the page unescaped"
    assert 'href="javascript:' not in html.lower(), f"{where}: a javascript: link"
    # The text is shown, escaped: the test would prove nothing if it were left out.
    assert "&lt;script&gt;alert(" in html, f"{where}: the imported text is not on the page"


def test_html_pages_escape_imported_text(client, stranger, imported):
    pages = {
        "profile": imported["researcher"].get_absolute_url(),
        "work": reverse("works:detail", args=[imported["work"].pk]),
        "topic": reverse("works:topic", args=[imported["topic"].pk]),
        "institution": reverse("works:institution", args=[imported["institution"].pk]),
        "directory": reverse("profiles:directory"),
        "directory search": reverse("profiles:directory") + "?q=Mallory",
        "explorer": reverse("graph:explorer", args=[imported["researcher"].pk]),
    }
    for signed_in in (False, True):
        if signed_in:
            client.force_login(stranger)
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, name
            assert_escaped(response.content.decode(), f"{name} (signed in: {signed_in})")


def test_json_keeps_the_text_as_data_and_is_never_sniffed_as_html(client, imported):
    researcher = imported["researcher"]
    urls = [
        reverse("profiles-api:researcher-detail", args=[researcher.pk]),
        reverse("works-api:work-detail", args=[imported["work"].pk]),
        reverse("graph:api-slice", args=[researcher.pk]),
        f"/openalex/works/{imported['work'].openalex_id}",
        f"/openalex/authors/{researcher.openalex_id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        # The payload comes back exactly, as data for a client to escape where it shows it.
        assert any(SCRIPT in text for text in strings_in(response.json())), url


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
