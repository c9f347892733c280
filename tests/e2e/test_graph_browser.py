"""The graph in a real browser: drawn on the profile page, expanded in the explorer."""

import os
import time

import pytest
from django.urls import reverse

from bzpeer.celery import app as celery_app
from graph.models import GraphSlice
from graph.services import graph_slice_build, graph_slice_ensure
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_worker():
    """Queue builds on the real broker with no worker running: the test plays the worker."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = saved
    celery_app.control.purge()


@pytest.fixture
def network():
    """Ada's neighbourhood, and Bob's work with Carl that Ada's slice does not show."""
    ada = factories.researcher(display_name="Ada Lovelace")
    bob = factories.researcher(display_name="Bob Babbage")
    carl = factories.researcher(display_name="Carl Gauss")
    topic = factories.topic(display_name="Difference engines")
    factories.work(authors=[ada, bob], topics=[topic], title="Notes on the engine")
    factories.work(authors=[ada, bob], title="Tables of logarithms")
    side_work = factories.work(authors=[bob, carl], title="A work without Ada")
    factories.refresh(ada, bob, carl)
    return {"ada": ada, "bob": bob, "carl": carl, "side_work": side_work}


def node_count(page) -> int:
    return int(page.get_attribute("[data-graph]", "data-graph-node-count") or 0)


def wait_for_queued_slice(researcher) -> GraphSlice:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        graph_slice = GraphSlice.objects.filter(researcher=researcher).first()
        if graph_slice and graph_slice.queued_at:
            return graph_slice
        time.sleep(0.1)
    raise AssertionError("the page never asked for the slice")


def test_profile_shows_the_placeholder_then_draws_the_graph(live_server, page, network, no_worker):
    ada, bob = network["ada"], network["bob"]
    response = page.goto(live_server.url + reverse("profiles:detail", args=[ada.pk]))

    # The page arrives with the placeholder, which stays while the slice is queued.
    html = response.text()
    assert "Building this graph slice" in html
    assert "BZPEER is loading the nearby papers, people, topics and institutions" in html
    status = page.locator("[data-graph-status]")
    assert status.is_visible()
    assert "Building this graph slice" in status.inner_text()

    # The page polls while the build is queued; now play the worker.
    graph_slice = wait_for_queued_slice(ada)
    page.wait_for_selector('[data-graph-state="waiting"]')
    assert graph_slice_build(slice_id=graph_slice.pk) is not None

    page.wait_for_selector('[data-graph][data-graph-state="ready"]')
    assert node_count(page) >= 4  # Ada, Bob, two works, a topic
    assert page.locator("[data-graph-canvas] canvas").count() > 0
    assert not status.is_visible()
    # The text alternative lists the same nodes, each with a link to its page.
    page.get_by_text("The graph as a list").click()
    graph_list = page.locator("[data-graph-list]")
    assert graph_list.get_by_role("link", name="Bob Babbage").get_attribute("href") == (
        f"/researchers/{bob.pk}/"
    )
    page.screenshot(path=os.environ.get("GRAPH_SCREENSHOT", "/tmp/graph-profile.png"))


def test_explorer_expands_a_clicked_node_filters_and_searches(live_server, page, network):
    ada, bob, side_work = network["ada"], network["bob"], network["side_work"]
    graph_slice_build(slice_id=graph_slice_ensure(researcher_id=ada.pk).pk)

    page.goto(live_server.url + reverse("graph:explorer", args=[ada.pk]))
    page.wait_for_selector('[data-graph][data-graph-state="ready"]')
    before = node_count(page)
    assert page.get_by_role("link", name="A work without Ada").count() == 0

    # Click Bob's node on the canvas.
    canvas = page.locator("[data-graph-canvas]")
    box = canvas.bounding_box()
    position = page.evaluate(
        "id => document.querySelector('[data-graph-canvas]').cy.getElementById(id)"
        ".renderedPosition()",
        f"researcher:{bob.pk}",
    )
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])

    page.wait_for_function(
        "n => Number(document.querySelector('[data-graph]').dataset.graphNodeCount) > n", arg=before
    )
    assert page.get_by_role("link", name="A work without Ada").get_attribute("href") == (
        f"/works/{side_work.pk}/"
    )
    assert page.locator("[data-graph-selected]").inner_text().startswith("Bob Babbage")

    # Filter out works: their nodes disappear from the canvas and the list.
    page.get_by_label("Works").uncheck()
    hidden = page.evaluate(
        "() => document.querySelector('[data-graph-canvas]').cy.nodes('[type = \"work\"]')"
        ".every(node => node.style('display') === 'none')"
    )
    assert hidden
    assert not page.get_by_role("link", name="A work without Ada").is_visible()
    page.get_by_label("Works").check()

    # Search highlights the matching nodes.
    page.get_by_label("Search in the graph").fill("carl")
    assert page.locator("[data-graph-search-result]").inner_text() == "1 node matches “carl”."


def test_explorer_node_list_expands_a_node_from_the_keyboard(live_server, page, network):
    ada, carl = network["ada"], network["carl"]
    graph_slice_build(slice_id=graph_slice_ensure(researcher_id=ada.pk).pk)
    page.goto(live_server.url + reverse("graph:explorer", args=[ada.pk]))
    page.wait_for_selector('[data-graph][data-graph-state="ready"]')
    before = node_count(page)

    page.get_by_role("button", name="Expand the neighbourhood of Bob Babbage").focus()
    page.keyboard.press("Enter")

    page.wait_for_function(
        "n => Number(document.querySelector('[data-graph]').dataset.graphNodeCount) > n", arg=before
    )
    assert page.get_by_role("link", name="Carl Gauss").get_attribute("href") == (
        f"/researchers/{carl.pk}/"
    )
    pressed = page.get_by_role("button", name="Expand the neighbourhood of Bob Babbage")
    assert pressed.get_attribute("aria-pressed") == "true"
