"""The profile headline on the page, in link previews and the API: facts or the owner's words."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from works.models import Authorship

pytestmark = pytest.mark.django_db

INVENTED = "contributes to research discovery and scholarly infrastructure"


def at(work, researcher, institution):
    Authorship.objects.get(work=work, researcher=researcher).institutions.add(institution)


@pytest.fixture
def ecologist():
    """Five works: four on pollination, two on soil; at Example University since 2019."""
    person = factories.researcher(display_name="Eda Ecologist")
    place = factories.institution(display_name="Example University")
    factories.affiliate(person, place)
    pollination = factories.topic(display_name="Pollination")
    soil = factories.topic(display_name="Soil biology")
    years = [2016, 2019, 2021, 2023, 2024]
    topics = [[pollination], [pollination, soil], [pollination], [pollination, soil], []]
    for year, on in zip(years, topics, strict=True):
        work = factories.work(authors=[person], topics=on, publication_year=year)
        if year >= 2019:
            at(work, person, place)
    factories.refresh(person)
    return person


def headline_of(html):
    match = re.search(r'<p class="profile__headline">(.*?)</p>', html, re.S)
    return match[1] if match else None


def test_an_unclaimed_record_shows_a_line_built_from_its_facts(client, ecologist):
    html = client.get(ecologist.get_absolute_url()).content.decode()
    expected = "Works mostly on Pollination and Soil biology; at Example University since 2019."
    assert headline_of(html) == expected
    assert f'<meta property="og:description" content="{expected} 5 works' in html
    assert INVENTED not in html


def test_the_person_jsonld_describes_them_with_the_same_line(client, ecologist):
    html = client.get(ecologist.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    person = data["@graph"][0]
    assert person["description"] == headline_of(html)


def test_a_record_with_too_little_data_shows_no_headline(client):
    person = factories.researcher(display_name="Nora Newcomer")
    factories.work(authors=[person], topics=[factories.topic()])
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert headline_of(html) is None
    assert INVENTED not in html
    assert '<meta property="og:description" content="1 work · Trust' in html
    data = json.loads(re.search(r'type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert "description" not in data["@graph"][0]


def test_the_owners_headline_wins(client, ecologist, owner):
    ecologist.owner = owner
    ecologist.claim_status = "claimed"
    ecologist.headline = "I count bees & worms."
    ecologist.save()
    html = client.get(ecologist.get_absolute_url()).content.decode()
    assert headline_of(html) == "I count bees &amp; worms."


def test_a_headline_left_without_an_owner_is_not_shown_as_theirs(client, ecologist):
    ecologist.headline = "Text nobody on the record wrote"
    ecologist.save()
    html = client.get(ecologist.get_absolute_url()).content.decode()
    assert "Text nobody" not in html
    assert headline_of(html).startswith("Works mostly on Pollination")


def test_imported_names_in_the_headline_are_escaped(client):
    person = factories.researcher()
    place = factories.institution(display_name="<script>alert(1)</script> Institute")
    factories.affiliate(person, place)
    factories.refresh(person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert headline_of(html) == "At &lt;script&gt;alert(1)&lt;/script&gt; Institute."


def test_the_api_gives_the_same_headline(client, ecologist):
    data = client.get(reverse("profiles-api:researcher-detail", args=[ecologist.pk])).json()
    assert data["headline"].startswith("Works mostly on Pollination and Soil biology; at Example")
    bare = factories.researcher()
    url = reverse("profiles-api:researcher-detail", args=[bare.pk])
    assert client.get(url).json()["headline"] == ""


def test_the_headline_costs_a_fixed_number_of_queries(client, ecologist):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(ecologist.get_absolute_url()).status_code == 200
    # researcher, institutions, headline topics and first years, history, duplicates; the
    # works list (5), co-authors (3) and topic shares (1): profiles.sections
    assert len(ctx.captured_queries) == 14
