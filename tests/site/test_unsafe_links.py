"""A link that came in as `javascript:` (a bad import stored it as it was) is never rendered as
one, on any page or in any answer; and bidi controls never reach a page or an answer."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from graph.services import graph_slice_build, graph_slice_ensure
from profiles.models import Claim
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = "javascript:alert(document.domain)//"
SPOOF = "\u202eecalevoL\u202c Ada \u2066x\u2069"


class Links(HTMLParser):
    """Every URL-valued attribute of a page."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "action", "formaction"} or (
                tag == "meta" and name == "content" and value and ":" in value[:12]
            ):
                self.urls.append((tag, name, value or ""))


def links_in(html: str) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(html)
    return parser.urls


def is_safe(url: str) -> bool:
    url = url.strip()
    if url.startswith(("http://", "https://", "#", "?")):
        return True
    # A path on this site; "//host" would be another site under the page's scheme.
    return url.startswith("/") and not url.startswith(("//", "/\\"))


@pytest.fixture
def world(moderator, stranger):
    hostile = factories.institution(display_name="Hostile Institute", homepage_url=HOSTILE)
    good = factories.institution(
        display_name="Good Institute", homepage_url="https://www.good.example/"
    )
    topic = factories.topic(display_name="Linked Topic")
    person = factories.researcher(display_name="Ada Linkwell", orcid="0000-0002-1825-0097")
    factories.affiliate(person, hostile, good)
    work = factories.work(
        authors=[person], topics=[topic], title=f"A title {SPOOF}", doi="10.5555/link"
    )
    work.authorships.get().institutions.add(hostile)
    spoofed = factories.researcher(display_name=f"Mallory {SPOOF}")
    factories.work(authors=[person, spoofed], title="Shared work")
    factories.refresh(person, spoofed)
    graph_slice_build(slice_id=graph_slice_ensure(researcher_id=person.pk).pk)
    # A claim whose URL was stored before the service checked it.
    Claim.objects.create(
        researcher=person,
        user=stranger,
        email="stranger@example.org",
        url=HOSTILE,
        status=Claim.Status.AWAITING_MODERATOR,
    )
    return {"person": person, "work": work, "topic": topic, "hostile": hostile, "good": good}


def pages(world):
    person, work = world["person"], world["work"]
    return [
        "/",
        reverse("works:institution", args=[world["hostile"].pk]),
        reverse("works:institution", args=[world["good"].pk]),
        person.get_absolute_url(),
        f"{person.get_absolute_url()}graph/",
        work.get_absolute_url(),
        world["topic"].get_absolute_url(),
        "/researchers/",
        f"/researchers/?institution={world['hostile'].pk}",
        "/researchers/?q=ada",
        reverse("claims:moderation"),
    ]


def answers(world):
    person, work, hostile = world["person"], world["work"], world["hostile"]
    return [
        reverse("works-api:institution-detail", args=[hostile.pk]),
        reverse("works-api:institution-list"),
        reverse("profiles-api:researcher-detail", args=[person.pk]),
        reverse("works-api:work-detail", args=[work.pk]),
        reverse("graph:api-slice", args=[person.pk]),
        f"/openalex/institutions/{hostile.openalex_id}",
        "/openalex/institutions",
        f"/openalex/works/{work.openalex_id}",
    ]


def test_no_page_or_answer_carries_the_javascript_link(client, world, moderator):
    client.force_login(moderator)
    seen = []
    for path in pages(world) + answers(world):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        if path != reverse("claims:moderation"):  # it shows the claimant's URL as text
            assert "javascript:" not in body.lower(), path
        if response["Content-Type"].startswith("text/html"):
            unsafe = [link for link in links_in(body) if not is_safe(link[2])]
            assert unsafe == [], path
            seen += [link[2] for link in links_in(body)]
    # The links that are fine are still there: the test would prove nothing without them.
    assert "https://www.good.example/" in seen
    assert "https://orcid.org/0000-0002-1825-0097" in seen
    assert "https://doi.org/10.5555/link" in seen
    assert f"https://openalex.org/{world['work'].openalex_id}" in seen


def test_the_unsafe_homepage_is_shown_as_no_link_and_the_good_one_as_a_link(client, world):
    hostile = client.get(reverse("works:institution", args=[world["hostile"].pk])).content
    good = client.get(reverse("works:institution", args=[world["good"].pk])).content.decode()
    assert b'<a href="javascript' not in hostile
    assert '<a href="https://www.good.example/" rel="noopener">' in good


def test_the_moderator_sees_an_unsafe_claim_url_as_text_only(client, world, moderator):
    client.force_login(moderator)
    html = client.get(reverse("claims:moderation")).content.decode()
    assert "(not a web link)" in html


def test_no_page_or_answer_carries_a_bidi_control(client, world, moderator):
    client.force_login(moderator)
    for path in pages(world) + answers(world):
        body = client.get(path).content.decode()
        assert not {"\u202e", "\u202c", "\u2066", "\u2069"} & set(body), path
        # Nor escaped, as JSON-LD and ASCII-only JSON would write them.
        assert "\\u202e" not in body.lower() and "\\u2066" not in body.lower(), path
    profile = client.get(world["person"].get_absolute_url()).content.decode()
    assert "ecalevoL Ada x" in profile  # the name is shown, without its controls


def test_a_visitors_cached_pages_carry_no_bidi_control(visitor_client, world):
    """A visitor's second view comes whole from the cache, kept as the middleware cleaned it."""
    served = []
    for path in pages(world):
        if visitor_client.get(path).status_code != 200:
            continue  # a page for the signed-in only
        body = visitor_client.get(path).content.decode()
        assert not {"\u202e", "\u202c", "\u2066", "\u2069"} & set(body), path
        served.append(path)
    assert world["person"].get_absolute_url() in served
    profile = visitor_client.get(world["person"].get_absolute_url()).content.decode()
    assert "ecalevoL Ada x" in profile
