"""Acceptance: the pyalex client, pointed at a live BZPEER, reads what the database holds.

The data is OpenAlex's own: an API page of 200 works recorded by openalexPro, imported in place
from ../shared/real-data with manage.py import_openalex.
"""

import io
import re
from collections import Counter

import pyalex
import pyalex.api
import pytest
from django.core.management import call_command

from tests.conftest import REAL_DATA
from tests.pyalex_live import point_pyalex_at
from works.models import Researcher, Work

PAGE_OF_WORKS = (
    REAL_DATA
    / "rkrug+openalexPro"
    / "tests"
    / "testthat"
    / "_snaps"
    / "005-pro_fetch_search"
    / "json"
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def openalex(live_server, monkeypatch, unthrottled):
    call_command("import_openalex", str(PAGE_OF_WORKS), stdout=io.StringIO())
    point_pyalex_at(monkeypatch, live_server.url + "/openalex")
    return pyalex


def _busiest_author():
    return Researcher.objects.exclude(openalex_id=None).order_by("-works_count", "pk").first()


def _work_ids(researcher):
    return {
        f"https://openalex.org/{w}"
        for w in Work.objects.filter(authorships__researcher=researcher).values_list(
            "openalex_id", flat=True
        )
    }


def test_pyalex_fetches_an_author_and_filters_pages_searches_selects_and_groups(openalex):
    researcher = _busiest_author()
    assert researcher.works_count >= 2, "the real data gives some author several works"

    author = openalex.Authors()[researcher.openalex_id]
    assert author["id"] == f"https://openalex.org/{researcher.openalex_id}"
    assert author["display_name"] == researcher.display_name
    assert author["works_count"] == researcher.works_count

    # Filter that author's works, both spellings of the filter.
    expected = _work_ids(researcher)
    works = openalex.Works().filter(author={"id": researcher.openalex_id}).get(per_page=200)
    assert {w["id"] for w in works} == expected
    nested = openalex.Works().filter(authorships={"author": {"id": researcher.openalex_id}})
    assert {w["id"] for w in nested.get()} == expected
    assert nested.count() == len(expected)

    # Page through them one at a time with the cursor: every work once, then the end.
    pages = list(
        openalex.Works().filter(author={"id": researcher.openalex_id}).paginate(per_page=1)
    )
    seen = [w["id"] for page in pages for w in page]
    assert sorted(seen) == sorted(expected)
    assert pages[-1] == [] or len(seen) == len(expected)

    # Select fields.
    selected = (
        openalex.Works()
        .filter(author={"id": researcher.openalex_id})
        .select(["id", "publication_year"])
        .get()
    )
    assert all(set(w) == {"id", "publication_year"} for w in selected)

    # Group by year, compared with the years the database holds.
    groups = (
        openalex.Works()
        .filter(author={"id": researcher.openalex_id})
        .group_by("publication_year")
        .get()
    )
    years = Counter(
        str(y)
        for y in Work.objects.filter(authorships__researcher=researcher).values_list(
            "publication_year", flat=True
        )
        if y is not None
    )
    assert {g["key"]: g["count"] for g in groups} == dict(years)


def _has_stems(text: str, stems: list[str]) -> bool:
    return all(re.search(rf"\b{stem}", text.lower()) for stem in stems)


def test_pyalex_search_finds_every_form_of_the_words_and_only_works_holding_them(openalex):
    words, stems = ["protected", "areas"], ["protect", "area"]
    as_written = {
        f"https://openalex.org/{w.openalex_id}"
        for w in Work.objects.all()
        if all(word in f"{w.title} {w.abstract}".lower() for word in words)
    }
    assert len(as_written) > 5, "the real data has works on protected areas"
    found = []
    for page in openalex.Works().search(" ".join(words)).paginate(per_page=25):
        found += [w["id"] for w in page]
        assert all(w["relevance_score"] > 0 for w in page)
    assert len(found) == len(set(found))
    # Stemmed: every work with the words as written, and those with other forms of them too.
    assert as_written <= set(found)
    held = {f"https://openalex.org/{w.openalex_id}": w for w in Work.objects.all()}
    assert all(_has_stems(f"{held[i].title} {held[i].abstract}", stems) for i in found)
    # A search filter on titles only finds works with both words in the title.
    titles = openalex.Works().search_filter(title=" ".join(words)).get(per_page=200)
    assert titles
    assert all(_has_stems(held[w["id"]].title, stems) for w in titles)
    in_titles = {i for i, w in held.items() if all(word in w.title.lower() for word in words)}
    assert in_titles <= {w["id"] for w in titles}


def test_pyalex_logical_filters_and_lookups(openalex):
    work = Work.objects.exclude(doi="").exclude(publication_year=None).order_by("pk").first()
    by_doi = openalex.Works()[f"https://doi.org/{work.doi}"]
    assert by_doi["id"] == f"https://openalex.org/{work.openalex_id}"

    year = work.publication_year
    newer = openalex.Works().filter_gt(publication_year=year).count()
    assert newer == Work.objects.filter(publication_year__gt=year).count()
    not_that_year = openalex.Works().filter_not(publication_year=year).count()
    assert not_that_year == Work.objects.exclude(publication_year=year).count()
    either = openalex.Works().filter_or(publication_year=[year, year - 1]).count()
    assert either == Work.objects.filter(publication_year__in=[year, year - 1]).count()

    two = list(Work.objects.order_by("pk").values_list("openalex_id", flat=True)[:2])
    assert {w["id"].rsplit("/", 1)[-1] for w in openalex.Works()[two]} == set(two)

    with pytest.raises(pyalex.api.QueryError, match="no_such_field is not a valid field"):
        openalex.Works().filter(no_such_field=1).get()
