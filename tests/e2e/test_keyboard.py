"""Keyboard use in Chromium: focus after the Follow swap, and the name search's combobox."""

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests import factories
from tests.e2e.test_accessibility import AXE, BLOCKING, session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    # Autocomplete ranks by trust, then works: more works, earlier in the list.
    found = []
    for name, works in (("Ada Lovelace", 3), ("Ada Byron", 2), ("Adam Smith", 1)):
        person = factories.researcher(display_name=name)
        for _ in range(works):
            factories.work(authors=[person])
        factories.refresh(person)
        found.append(person)
    return found


def active_element(page, *, settle_on: str = "") -> dict:
    if settle_on:
        # htmx puts focus back as the swap settles, a moment after the new button appears.
        # On a timeout the caller's assertion reports where focus went instead.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(
                "id => document.activeElement.id === id", arg=settle_on, timeout=3000
            )
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent.trim()})"
    )


def test_focus_stays_on_the_follow_button_after_enter(browser, live_server, people, stranger):
    context = browser.new_context()
    context.add_cookies([session_cookie(stranger, live_server)])
    page = context.new_page()
    page.goto(live_server.url + people[0].get_absolute_url())
    page.get_by_role("button", name="Follow researcher").focus()

    page.keyboard.press("Enter")
    page.get_by_role("button", name="Following").wait_for()
    focused = active_element(page, settle_on="follow-button")
    assert focused["id"] == "follow-button" and focused["text"].startswith("Following")
    assert page.locator("#followers-stat").inner_text().split() == ["1", "follower"]

    page.keyboard.press("Enter")  # and again: unfollow, focus still on the new button
    page.get_by_role("button", name="Follow researcher").wait_for()
    focused = active_element(page, settle_on="follow-button")
    assert focused["id"] == "follow-button" and focused["text"].startswith("Follow researcher")
    assert page.locator("#followers-stat").inner_text().split() == ["0", "followers"]
    context.close()


def test_arrow_keys_move_through_the_suggestions_and_enter_opens_one(page, live_server, people):
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Researcher name")
    box.fill("ada")
    options = page.get_by_role("option")
    options.nth(2).wait_for()
    assert options.all_inner_texts()[0].startswith("Ada Lovelace")
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-activedescendant") is None

    def selected():
        chosen = page.locator('[role="option"][aria-selected="true"]')
        assert chosen.count() == 1
        assert box.get_attribute("aria-activedescendant") == chosen.get_attribute("id")
        return chosen.inner_text().split(" ")[0:2]

    box.press("ArrowDown")
    assert selected() == ["Ada", "Lovelace"]
    box.press("ArrowDown")
    assert selected() == ["Ada", "Byron"]
    box.press("ArrowUp")
    assert selected() == ["Ada", "Lovelace"]
    box.press("ArrowUp")  # wraps to the last
    assert selected() == ["Adam", "Smith"]
    assert active_element(page)["id"] == "home-search-q"  # the focus never left the box

    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("option").count() == 0  # hidden from everyone
    box.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true"
    assert selected() == ["Ada", "Lovelace"]
    box.press("ArrowDown")

    with page.expect_navigation():
        box.press("Enter")
    assert page.url == live_server.url + people[1].get_absolute_url()
    assert page.get_by_role("heading", level=1).inner_text() == "Ada Byron"


def test_enter_without_a_chosen_suggestion_searches(page, live_server, people):
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Researcher name")
    box.fill("ada")
    page.get_by_role("option").first.wait_for()
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.startswith(live_server.url + "/researchers/?q=ada")


def test_the_open_combobox_passes_axe(browser, live_server, people):
    # axe is injected as an inline script, which the site's CSP would block.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Researcher name")
    box.fill("ada")
    page.get_by_role("option").first.wait_for()
    box.press("ArrowDown")
    assert "3 suggestions" in page.locator("[data-autocomplete-status]").inner_text()
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [(v["id"], v["nodes"][0]["target"]) for v in result["violations"]
             if v["impact"] in BLOCKING]  # fmt: skip
    assert found == []
    context.close()
