"""The explorer page and the profile's graph section."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

SECTION_TEXTS = [
    "Research graph",
    "See the researcher in context",
    "Open full explorer",
    "Inspect adjacent work, topics, institutions and collaborators without jumping out to a "
    "separate graph page.",
    "Building this graph slice",
    "BZPEER is loading the nearby papers, people, topics and institutions for this page.",
]


def test_explorer_page_renders_with_one_h1_filters_search_and_legend(client):
    ada = factories.researcher(display_name="Ada Lovelace")
    response = client.get(reverse("graph:explorer", args=[ada.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "<title>Research graph of Ada Lovelace" in html
    for node_type in ("researcher", "work", "topic", "institution"):
        assert f'value="{node_type}" checked data-graph-filter' in html
    assert 'id="graph-search"' in html
    assert 'aria-label="Legend"' in html
    assert f'data-slice-url="/api/researchers/{ada.pk}/graph-slice/"' in html
    assert 'data-neighbours-url="/api/graph/nodes/researcher:0/neighbours/"' in html
    assert "vendor/cytoscape/cytoscape.min.js" in html
    assert "//cdn" not in html


def test_explorer_of_an_unknown_researcher_is_a_404(client):
    assert client.get(reverse("graph:explorer", args=[987654321])).status_code == 404


def test_profile_section_shows_the_seed_texts_in_order_without_queries():
    ada = factories.researcher()
    with CaptureQueriesContext(connection) as ctx:
        html = render_to_string("graph/_profile_section.html", {"researcher": ada})
    assert ctx.captured_queries == []
    positions = [html.index(text) for text in SECTION_TEXTS]
    assert positions == sorted(positions)
    assert f'href="/researchers/{ada.pk}/graph/"' in html
    assert f'data-slice-url="/api/researchers/{ada.pk}/graph-slice/"' in html


def test_profile_page_includes_the_graph_section(client):
    ada = factories.researcher()
    html = client.get(reverse("profiles:detail", args=[ada.pk])).content.decode()
    assert "Open full explorer" in html
    assert "js/graph_profile.js" in html
