"""Every page type under the Content-Security-Policy in Chromium: nothing it needs is refused."""

import pytest
from django.urls import reverse

from graph.services import graph_slice_build, graph_slice_ensure
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script; the CSP does not apply to Playwright's own scripts.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def world(stranger):
    place = factories.institution(
        display_name="Policy Institute", homepage_url="https://p.example/"
    )
    topic = factories.topic(display_name="Policy topics")
    ada = factories.researcher(display_name="Ada Policy", orcid="0000-0002-1825-0097")
    bob = factories.researcher(display_name="Bob Policy")
    factories.affiliate(ada, place)
    work = factories.work(authors=[ada, bob], topics=[topic], title="A policy paper")
    factories.work(authors=[ada, bob], title="Another policy paper")
    factories.refresh(ada, bob)
    graph_slice_build(slice_id=graph_slice_ensure(researcher_id=ada.pk).pk)
    return {"ada": ada, "work": work, "topic": topic, "institution": place}


def visit(page, url: str, *, ready: str | None = None) -> list[str]:
    """Load the page, wait for what its scripts draw, and return the CSP violations seen."""
    response = page.goto(url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    if ready:
        page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations")


def test_no_page_breaks_the_content_security_policy(site, new_page, world, stranger):
    ada = world["ada"]
    public = {
        "/": None,
        "/researchers/?q=ada": None,
        ada.get_absolute_url(): '[data-graph][data-graph-state="ready"]',
        reverse("graph:explorer", args=[ada.pk]): "[data-graph-canvas] canvas",
        world["work"].get_absolute_url(): None,
        world["topic"].get_absolute_url(): None,
        world["institution"].get_absolute_url(): None,
        "/accounts/login/": None,
        "/api/docs/": ".swagger-ui .opblock",
    }
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    # Chromium also reports each refusal on the console, with the page it happened on.
    console = []
    page.on(
        "console",
        lambda m: console.append(f"{page.url}: {m.text}") if "Security Policy" in m.text else None,
    )
    problems = {}
    for path, ready in public.items():
        if found := visit(page, site + path, ready=ready):
            problems[path] = found
    # The autocomplete (htmx) under the policy too.
    page.goto(site + "/researchers/")
    page.fill("#site-search-q", "Ada")
    page.wait_for_load_state("networkidle")
    if found := page.evaluate("window.__cspViolations"):
        problems["autocomplete"] = found
    assert problems == {}
    assert console == []
