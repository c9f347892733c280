import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_work_page_links_its_authors_in_byline_order(client):
    first = factories.researcher(display_name="Ada Example")
    second = factories.researcher(display_name="Bea Example")
    work = factories.work(authors=[first, second], title="A shared result", doi="10.5555/x.1")
    html = client.get(work.get_absolute_url()).content.decode()
    assert html.count("<h1") == 1
    assert html.index(first.get_absolute_url()) < html.index(second.get_absolute_url())
    assert "https://doi.org/10.5555/x.1" in html


def test_work_page_query_count_does_not_grow_with_authors(client):
    small = factories.work(authors=[factories.researcher()])
    large = factories.work(authors=[factories.researcher() for _ in range(60)])
    counts = []
    for work in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(work.get_absolute_url()).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_topic_page_lists_researchers_and_works(client):
    topic = factories.topic(display_name="Graph Theory")
    person = factories.researcher(display_name="Topic Person")
    factories.work(authors=[person], topics=[topic], title="Paths and cycles")
    factories.refresh(person)  # as an import does: counters and researcher-topic links
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Graph Theory" in html and "Topic Person" in html and "Paths and cycles" in html


def test_institution_page_lists_researchers(client):
    place = factories.institution(display_name="Test Institute of Things")
    person = factories.researcher(display_name="Affiliated Person")
    person.institutions.add(place, through_defaults={"last_known": True, "in_record": True})
    html = client.get(place.get_absolute_url()).content.decode()
    assert "Test Institute of Things" in html and "Affiliated Person" in html


@pytest.mark.parametrize("name", ["works:detail", "works:topic", "works:institution"])
def test_unknown_ids_are_404(client, name):
    assert client.get(reverse(name, args=[123456789])).status_code == 404
