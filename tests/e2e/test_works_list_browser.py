"""The works list in Chromium: sorted and filtered from the keyboard alone, and axe-core on the
profile's new sections and on the list, plain and filtered."""

import json
import os

import pytest

from tests import factories
from tests.e2e.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shelf():
    person = factories.researcher(display_name="Kim Keyboard")
    partner = factories.researcher(display_name="Lee Partner")
    place = factories.institution(display_name="Institute of Keys")
    factories.affiliate(person, place)
    ecology = factories.topic(display_name="Ecology")
    venue = factories.source(display_name="Journal of Keys")
    specs = [
        ("Zebra counts in the wild", 2012, 50, "article", True),
        ("Apple orchards observed", 2018, 5, "article", False),
        ("Middle of the road results", 2021, 20, "review", True),
        ("Preprint of middle of the road results", 2020, 1, "preprint", True),
    ]
    for title, year, cited, kind, oa in specs:
        factories.work(
            authors=[person, partner], title=title, publication_year=year, cited_by_count=cited,
            type=kind, is_oa=oa, topics=[ecology], source=venue, doi=f"10.5555/{year}",
            oa_url="https://example.org/open.pdf" if oa else "",
        )  # fmt: skip
    # A second version of the review: same title, a year earlier, as a preprint.
    factories.work(
        authors=[person], title="Middle of the road results", publication_year=2020,
        type="preprint", topics=[ecology],
    )  # fmt: skip
    factories.refresh(person, partner)
    return person


def listed_titles(page) -> list[str]:
    return page.locator(".work__title a").all_inner_texts()


def submit_from_keyboard(page) -> None:
    """Tab forward to the form's button, as a keyboard user would, and press Enter."""
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")


def test_sorting_and_filtering_the_works_list_from_the_keyboard(page, live_server, shelf):
    page.goto(f"{live_server.url}/researchers/{shelf.pk}/works/")
    assert listed_titles(page)[0] == "Middle of the road results"
    assert page.get_by_text("2 versions").count() == 1
    # Sort by most cited: focus the menu, pick with the arrow key, submit with Enter.
    page.locator("#works-sort").focus()
    page.keyboard.press("ArrowDown")
    submit_from_keyboard(page)
    page.wait_for_url("**sort=cited**")
    assert listed_titles(page) == [
        "Zebra counts in the wild",
        "Middle of the road results",
        "Apple orchards observed",
        "Preprint of middle of the road results",
    ]
    # Only open access, still most cited, through Tab and the keyboard.
    page.locator("#works-topic").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "works-oa"
    page.keyboard.press("ArrowDown")
    submit_from_keyboard(page)
    page.wait_for_url("**oa=yes**")
    assert listed_titles(page) == [
        "Zebra counts in the wild",
        "Middle of the road results",
        "Preprint of middle of the road results",
    ]
    # Search within titles: type into the box and press Enter.
    page.locator("#works-q").focus()
    page.keyboard.type("zebra")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=zebra**")
    assert listed_titles(page) == ["Zebra counts in the wild"]
    assert page.locator("#works-oa").input_value() == "yes"
    # The cite menu opens from the keyboard too.
    page.locator(".menu summary").first.focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="BibTeX").first.is_visible()


def test_the_profile_sections_and_the_works_list_pass_axe(browser, live_server, shelf):
    base = f"{live_server.url}/researchers/{shelf.pk}"
    paths = {
        "profile": f"{base}/",
        "works": f"{base}/works/",
        "filtered": f"{base}/works/?sort=title&type=article&oa=no&from=2015&q=apple",
        "empty": f"{base}/works/?q=nothing+at+all",
        "bad input": f"{base}/works/?sort=nonsense&from=soon&topic=x",
    }
    found = {name: violations(browser, url) for name, url in paths.items()}
    phone = {"width": 360, "height": 740}
    found["works on a phone"] = violations(browser, paths["works"], viewport=phone)
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_the_works_list_fits_a_phone(new_page, live_server, shelf):
    page = new_page({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/researchers/{shelf.pk}/works/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("BZPEER_E2E_SHOTS"):  # a look for whoever changes the page
        page.screenshot(path=os.environ["BZPEER_E2E_SHOTS"] + "/works-phone.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 1000})
        page.goto(f"{live_server.url}/researchers/{shelf.pk}/")
        page.screenshot(path=os.environ["BZPEER_E2E_SHOTS"] + "/profile.png", full_page=True)
