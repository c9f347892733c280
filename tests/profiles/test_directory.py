import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_directory_finds_by_part_of_a_name(client):
    factories.researcher(display_name="Hongxia Example")
    factories.researcher(display_name="Someone Else")
    html = client.get(reverse("profiles:directory"), {"q": "hongxia"}).content.decode()
    assert "Hongxia Example" in html
    assert "Someone Else" not in html
    assert "1 researcher matching" in html


def test_directory_ranks_by_trust(client):
    factories.researcher(display_name="Low Example", trust_score=5)
    factories.researcher(display_name="High Example", trust_score=50)
    html = client.get(reverse("profiles:directory"), {"q": "example"}).content.decode()
    assert html.index("High Example") < html.index("Low Example")


def test_directory_handles_odd_input(client):
    response = client.get(reverse("profiles:directory"), {"q": "%_'\"<x>" * 100, "page": "-3"})
    assert response.status_code == 200
    assert b"<x>" not in response.content


def test_home_page_has_search(client):
    html = client.get(reverse("profiles:home")).content.decode()
    assert html.count("<h1") == 1
    assert 'action="/researchers/"' in html
