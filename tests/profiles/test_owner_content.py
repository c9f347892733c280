"""Owners say more: a bio, keywords, links and pinned works, shown as the owner's words."""

import json
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bzpeer.errors import DomainError
from profiles.claims import services as claims
from profiles.owner_content import services
from profiles.owner_content.models import (
    LINKS_MAX,
    PINS_MAX,
    OwnerContent,
    OwnerLink,
    PinnedWork,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(owner):
    person = factories.researcher(
        display_name="Wiebke Owner", owner=owner, claim_status="claimed", verification_level=2
    )
    for i in range(7):
        factories.work(
            authors=[person], title=f"Result {i}", publication_year=2010 + i, doi=f"10.1/r{i}"
        )
    factories.refresh(person)
    return person


def words(**fields):
    data = {
        "bio": "I study soils.\n\nAnd rivers.",
        "keywords": "hydrology, soil science; Hydrology",
        "links-TOTAL_FORMS": "5",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "5",
        "links-0-label": "Lab",
        "links-0-url": "https://soil-lab.example.org/",
        "links-1-label": "Mastodon",
        "links-1-url": "http://social.example/@wiebke",
    }
    data.update(fields)
    return data


def words_url(record):
    return reverse("owner_content:words", args=[record.pk])


def pins_url(record):
    return reverse("owner_content:pins", args=[record.pk])


def profile_html(record, client=None) -> str:
    return (client or Client()).get(record.get_absolute_url()).content.decode()


# --- Writing them -----------------------------------------------------------------------------


def test_the_owner_writes_a_bio_keywords_and_links_shown_as_their_words(
    owner_client, owner, record
):
    response = owner_client.post(words_url(record), words())
    assert response.status_code == 302
    content = OwnerContent.objects.get(researcher=record)
    assert content.bio == "I study soils.\n\nAnd rivers."
    assert content.keywords == ["hydrology", "soil science"]  # one "Hydrology", in their order
    assert [(link.label, link.url) for link in content.links.all()] == [
        ("Lab", "https://soil-lab.example.org/"),
        ("Mastodon", "http://social.example/@wiebke"),
    ]
    html = profile_html(record)
    section = html[html.index('id="own-words"') :]
    section = section[: section.index("</section>")]
    assert "In their own words" in section
    assert "I study soils." in section and "soil science" in section
    assert 'href="https://soil-lab.example.org/" rel="me nofollow ugc noopener">Lab</a>' in section


def test_the_words_sit_after_the_trust_snapshot_and_the_pins_top_the_works(
    owner_client, owner, record
):
    owner_client.post(words_url(record), words())
    works = list(
        record.authorships.order_by("work__publication_year").values_list("work", flat=True)
    )
    for work_id in (works[0], works[2]):  # the oldest two: last in the plain list
        services.owner_pin_add(user=owner, researcher=record, work_id=work_id)
    html = profile_html(record)
    assert (
        html.index("Trust snapshot")
        < html.index("In their own words")
        < html.index("How to connect with this researcher")
    )
    works_section = html[html.index('id="works"') :]
    assert works_section.index("Pinned by the researcher") < works_section.index("Result 0")
    assert works_section.index("Result 0") < works_section.index("Result 2")
    assert works_section.index("Result 2") < works_section.index("All published items")
    # Pinned works stay in the full list too.
    assert works_section.count(">Result 0</a>") == 2


def test_a_changed_bio_shows_at_once_on_the_cached_visitor_page(
    owner_client, owner, record, django_capture_on_commit_callbacks
):
    visitor = Client()
    assert "In their own words" not in profile_html(record, visitor)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(words_url(record), words(bio="First words."))
    assert "First words." in profile_html(record, visitor)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(words_url(record), words(bio="Second words."))
    html = profile_html(record, visitor)
    assert "Second words." in html and "First words." not in html
    with django_capture_on_commit_callbacks(execute=True):
        services.owner_pin_add(
            user=record.owner, researcher=record, work_id=record.authorships.first().work_id
        )
    assert "Pinned by the researcher" in profile_html(record, visitor)


def test_the_jsonld_names_the_owners_links_and_keywords(owner_client, owner, record):
    owner_client.post(words_url(record), words())
    html = profile_html(record)
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    person = data["@graph"][0]
    assert "https://soil-lab.example.org/" in person["sameAs"]
    assert person["knowsAbout"] == ["hydrology", "soil science"]


# --- Bad input: form errors, nothing written ---------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"links-0-url": "javascript:alert(1)"}, "is not a web address"),
        ({"links-0-url": "ftp://files.example.org/"}, "is not a web address"),
        ({"links-0-url": "//evil.example"}, "is not a web address"),
        ({"links-0-label": ""}, "Give a label"),
        ({"links-0-url": ""}, "Give the web address"),
        ({"links-0-label": "L" * 61}, "Ensure this value has at most 60 characters"),
        ({"bio": "b" * 1501}, "at most 1500 characters"),
        ({"keywords": ", ".join(f"k{i}" for i in range(11))}, "at most 10 keywords"),
        ({"keywords": "k" * 51}, "under 50 characters"),
        ({"links-TOTAL_FORMS": "6", "links-5-label": "Six", "links-5-url": "https://6.example"},
         "at most 5"),
        ({"links-TOTAL_FORMS": ""}, "ManagementForm data is missing"),
    ],
)  # fmt: skip
def test_bad_words_are_a_form_error_and_change_nothing(owner_client, owner, record, fields, error):
    response = owner_client.post(words_url(record), words(**fields))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not OwnerContent.objects.filter(researcher=record).exists()


def test_only_the_owner_may_write_them(
    record, stranger, stranger_client, moderator_client, visitor_client
):
    for client in (stranger_client, moderator_client):
        assert client.post(words_url(record), words()).status_code == 404
        assert client.post(pins_url(record), {"work": "Result 1"}).status_code == 404
    assert visitor_client.post(words_url(record), words()).status_code == 302  # to log in
    assert not OwnerContent.objects.exists()
    with pytest.raises(claims.PermissionDenied):
        services.owner_content_update(
            user=stranger, researcher=record, bio="Not mine", keywords=[], links=[]
        )


def test_the_edit_page_shows_the_three_forms_with_what_is_there(owner_client, owner, record):
    owner_client.post(words_url(record), words())
    html = owner_client.get(reverse("claims:edit", args=[record.pk])).content.decode()
    assert html.count("<h1") == 1
    assert "I study soils." in html and "hydrology, soil science" in html
    assert 'value="https://soil-lab.example.org/"' in html
    assert html.count('<fieldset class="link-row">') == LINKS_MAX
    assert '<datalist id="pin-suggestions">' in html
    # The headline form still works on the same page, and still counts for trust.
    response = owner_client.post(
        reverse("claims:edit", args=[record.pk]),
        {"headline": "Soils and rivers.", "open_to_collaborate": "on"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.headline == "Soils and rivers."
    assert record.trust_score > 0 and "Soils and rivers." in profile_html(record)


# --- Pins --------------------------------------------------------------------------------------


def test_pinning_by_title_or_doi_then_reordering_and_unpinning(owner_client, owner, record):
    assert owner_client.post(pins_url(record), {"work": "Result 3"}).status_code == 302
    assert (
        owner_client.post(pins_url(record), {"work": "https://doi.org/10.1/r5"}).status_code == 302
    )
    titles = lambda: list(  # noqa: E731
        PinnedWork.objects.filter(content_id=record.pk)
        .order_by("position")
        .values_list("work__title", flat=True)
    )
    assert titles() == ["Result 3", "Result 5"]
    second = PinnedWork.objects.get(content_id=record.pk, position=2).work_id
    owner_client.post(pins_url(record), {"action": "up", "work_id": second})
    assert titles() == ["Result 5", "Result 3"]
    owner_client.post(pins_url(record), {"action": "unpin", "work_id": second})
    assert titles() == ["Result 3"]


def test_a_work_not_on_the_record_cannot_be_pinned(owner_client, owner, record):
    elsewhere = factories.work(authors=[factories.researcher()], title="Someone else's")
    response = owner_client.post(pins_url(record), {"work": "Someone else's"})
    assert response.status_code == 400
    assert "No work on this record has that title or DOI." in response.content.decode()
    with pytest.raises(DomainError, match="only works that are on this record"):
        services.owner_pin_add(user=owner, researcher=record, work_id=elsewhere.pk)
    assert not PinnedWork.objects.exists()


def test_pins_are_limited_and_each_work_is_pinned_once(owner_client, owner, record):
    works = list(record.authorships.values_list("work_id", flat=True))
    for work_id in works[:PINS_MAX]:
        services.owner_pin_add(user=owner, researcher=record, work_id=work_id)
    response = owner_client.post(pins_url(record), {"work": "Result 6"})
    assert response.status_code == 400
    assert f"Pin at most {PINS_MAX} works" in response.content.decode()
    with pytest.raises(DomainError, match="already pinned"):
        services.owner_pin_add(user=owner, researcher=record, work_id=works[0])
    assert owner_client.post(pins_url(record), {"action": "up", "work_id": "x"}).status_code == 400
    assert (
        owner_client.post(pins_url(record), {"action": "burn", "work_id": works[0]}).status_code
        == 400
    )
    assert PinnedWork.objects.count() == PINS_MAX


def test_the_database_holds_the_rules(owner, record):
    content = OwnerContent.objects.create(researcher=record)
    work_id = record.authorships.first().work_id
    PinnedWork.objects.create(content=content, work_id=work_id, position=1)
    pin, link = PinnedWork.objects.create, OwnerLink.objects.create
    bad_rows = [
        lambda: OwnerContent.objects.create(researcher=record),
        lambda: pin(content=content, work_id=work_id, position=2),
        lambda: pin(content=content, work_id=work_id + 1, position=PINS_MAX + 1),
        lambda: link(content=content, position=1, label="x", url="javascript:x"),
        lambda: link(content=content, position=LINKS_MAX + 1, label="x", url="https://a.b"),
        lambda: link(content=content, position=1, label="", url="https://a.b"),
    ]
    for write in bad_rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            write()


# --- Owners come and go; the page's cost -----------------------------------------------------


def test_the_words_leave_with_the_owner(owner_client, owner, record, moderator, make_user):
    owner_client.post(words_url(record), words())
    claim = factories_owning_claim(record, owner)
    claims.claim_revoke(claim=claim, moderator=moderator, reason="Not theirs after all.")
    assert not OwnerContent.objects.filter(researcher=record).exists()
    assert "In their own words" not in profile_html(record)


def factories_owning_claim(record, owner):
    from profiles.claims.models import Claim

    return Claim.objects.create(
        researcher=record, user=owner, email=owner.email, status=Claim.Status.APPROVED
    )


def _queries(record) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert Client().get(record.get_absolute_url()).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_reads_the_words_in_a_constant_number_of_queries(owner, record):
    from django.core.cache import cache

    without = _queries(record)
    services.owner_content_update(
        user=owner,
        researcher=record,
        bio="Short.",
        keywords=["a"],
        links=[("Home", "https://a.example")],
    )
    services.owner_pins_set(
        user=owner,
        researcher=record,
        work_ids=list(record.authorships.values_list("work_id", flat=True))[:1],
    )
    cache.clear()
    few = _queries(record)
    services.owner_content_update(
        user=owner,
        researcher=record,
        bio="Longer.",
        keywords=[f"k{i}" for i in range(10)],
        links=[(f"L{i}", f"https://{i}.example") for i in range(LINKS_MAX)],
    )
    services.owner_pins_set(
        user=owner,
        researcher=record,
        work_ids=list(record.authorships.values_list("work_id", flat=True))[:PINS_MAX],
    )
    cache.clear()
    assert _queries(record) == few
    # The links and the pins: two queries, and none for a record without owner content.
    assert few == without + 2
