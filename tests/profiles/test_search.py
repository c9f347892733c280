"""Name search on real names from OpenAlex data, imported through the importer."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.conftest import REAL_DATA
from works import names
from works.models import Researcher, ResearcherName, ResearcherTopic
from works.services import researcher_counters_refresh

OPENALEX_PRO = REAL_DATA / "rkrug+openalexPro/tests/testthat/_snaps/005-pro_fetch_search/jsonl"
JASON_PRIEM = (
    REAL_DATA / "max-planck-innovation-competition+go-openalex/sample/openalex/authors/A5023888391"
)
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="trigram similarity needs PostgreSQL"
)


@pytest.fixture(scope="module")
def real_names(django_db_setup, django_db_blocker):
    """The openalexPro sample's 462 authors, imported once for the module."""
    with django_db_blocker.unblock():
        call_command("import_openalex", str(OPENALEX_PRO), str(JASON_PRIEM), stdout=io.StringIO())
        yield
        from works.models import (
            Concept,
            Funder,
            Institution,
            OpenAlexRecord,
            Publisher,
            Source,
            Topic,
            Work,
        )

        for model in (
            Work,
            Researcher,
            Topic,
            Concept,
            Institution,
            Source,
            Publisher,
            Funder,
            OpenAlexRecord,
        ):
            model.objects.all().delete()


def names_found(query, limit=10):
    return [r.display_name for r in Researcher.objects.search(query)[:limit]]


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["José Gobbi", "Jose Gobbi", "jose gobbi", "Gobbi Jose", "Gobbi, José", "J. Gobbi", "J Gobbi"],
)
def test_real_name_is_found_however_it_is_written(real_names, query):
    assert names_found(query)[0] == "José Gobbi"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jurgen Metzner", "Jürgen Metzner"),
        ("Hannes Bottcher", "Hannes Böttcher"),
        ("Gudrun Gisladottir", "Guðrún Gísladóttir"),
        ("Alfonso Aguirre-Munoz", "Alfonso Aguirre‐Muñoz"),  # the record has U+2010, not "-"
        ("Jon Paul Rodriguez", "Jon Paul Rodrı́guez"),  # dotless i plus a combining accent
    ],
)
def test_accents_and_odd_characters_do_not_matter(real_names, query, expected):
    assert expected in names_found(query)


def test_names_stored_family_first_are_shown_given_name_first(real_names, tmp_path):
    # The sample writes this author "Mäler, Karl-Göran" (without an author id, so we give one).
    record = {"id": "https://openalex.org/A5999000001", "display_name": "Mäler, Karl-Göran"}
    path = tmp_path / "author.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    call_command("import_openalex", str(path), stdout=io.StringIO())
    assert Researcher.objects.get(openalex_id="A5999000001").display_name == "Karl-Göran Mäler"
    assert not Researcher.objects.filter(display_name__contains=",").exists()
    assert names_found("Maler, Karl-Goran")[0] == "Karl-Göran Mäler"


@postgres_only
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jose Gobi", "José Gobbi"),
        ("Jurgen Metzler", "Jürgen Metzner"),
        ("Jason Preim", "Jason Priem"),
    ],
)
def test_typos_still_find_the_person(real_names, query, expected):
    assert expected in names_found(query, limit=5)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Juergen Metzner", "Jürgen Metzner"),
        ("Hannes Boettcher", "Hannes Böttcher"),
        ("Boettcher", "Hannes Böttcher"),
        ("Jürgen Metnzer", "Jürgen Metzner"),  # swapped letters
        ("Jurgen Metzer", "Jürgen Metzner"),  # a letter missing
        ("Hannes Bottchher", "Hannes Böttcher"),  # a letter too many
    ],
)
def test_german_spellings_and_typos_find_real_names(real_names, query, expected):
    assert expected in names_found(query, limit=5)


@pytest.mark.parametrize(
    "query", ["Waetzold", "Wätzold", "Wätzodl", "Wtzold", "Frank Waetzold", "Wätzodl, Frank"]
)
def test_transliterated_swapped_and_missing_letters_find_the_record(real_names, query):
    # Frank Wätzold is in the real sample, written with the umlaut.
    assert names_found(query)[0] == "Frank Wätzold"


def test_a_record_spelled_out_is_found_by_the_umlaut(real_names):
    factories.researcher(display_name="Otto Mueller")
    factories.researcher(display_name="Eva Straße")
    assert names_found("Otto Müller")[0] == "Otto Mueller"
    assert names_found("Müller")[0] == "Otto Mueller"
    assert names_found("Strasse")[0] == "Eva Straße"


def test_a_typo_match_ranks_after_an_exact_one(real_names):
    factories.researcher(display_name="Anna Wätzold")
    factories.researcher(display_name="Anna Wätzoldt")
    assert names_found("Wätzoldt")[:2] == ["Anna Wätzoldt"]  # found as written: no typo pass
    assert names_found("Wätzodlt")[0] == "Anna Wätzoldt"


def test_alternative_names_are_searched(real_names):
    person = Researcher.objects.get(display_name="José Gobbi")
    person.display_name_alternatives = ["J. A. Gobbi Ferreira"]
    person.save()
    researcher_counters_refresh(researcher_ids=[person.pk])
    assert names_found("Gobbi Ferreira")[0] == "José Gobbi"


def test_an_exact_match_ranks_before_similar_names_then_trust(real_names):
    twin = factories.researcher(display_name="Jose Gobbino")
    Researcher.objects.filter(pk=twin.pk).update(trust_score=99)
    assert names_found("José Gobbi")[0] == "José Gobbi"


def test_family_name_alone_finds_the_person(real_names):
    assert "Jürgen Metzner" in names_found("Metzner")


def test_search_ignores_merged_and_handles_junk(real_names):
    assert names_found("") != []
    assert names_found("   ,.;  ") == []
    assert names_found("%_%") == []
    assert names_found("x" * 5000) == []


def test_directory_and_home_answer_with_the_search(client, real_names):
    html = client.get(reverse("profiles:directory"), {"q": "Gobbi, José"}).content.decode()
    assert "José Gobbi" in html


def test_directory_query_count_is_bounded_whatever_the_query(client, real_names):
    def count(query):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("profiles:directory"), {"q": query}).status_code == 200
        return len(ctx.captured_queries)

    # Exact keys, then prefixes, then trigrams: at most three candidate lookups, whatever the
    # data holds, plus the count, the page and the filter counts.
    queries = ("José Gobbi", "a", "gobb", "Jose Gobi", "zzzz", "Jürgen Metnzer", "Juergen")
    counts = {query: count(query) for query in queries}
    assert max(counts.values()) <= 9, counts


def test_autocomplete_suggests_from_the_first_letters_in_any_order(client, real_names):
    html = client.get(reverse("profiles:autocomplete"), {"q": "gobb"}).content.decode()
    assert "José Gobbi" in html
    html = client.get(reverse("profiles:autocomplete"), {"q": "Metzner, J"}).content.decode()
    assert "Jürgen Metzner" in html
    assert client.get(reverse("profiles:autocomplete"), {"q": "j"}).content.strip() == b""


@postgres_only
def test_autocomplete_and_key_lookups_use_an_index(real_names):
    # The query exactly as the ORM writes it: an index on another expression would not serve it.
    starts = ResearcherName.objects.filter(key__startswith="gobb").values_list("researcher_id")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = starts.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "researchername_key_text_prefix_idx" in plan


@postgres_only
def test_the_typo_pass_reads_indexes_only(real_names):
    """Keys one edit away are an IN lookup on the key index; no table is scanned."""
    typos = ResearcherName.objects.filter(key__in=names.typo_keys("Jürgen Metnzer")).values_list(
        "researcher_id"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = typos.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan and "researchername" in plan


def test_search_index_matches_what_the_services_build(real_names):
    person = Researcher.objects.get(display_name="Jürgen Metzner")
    keys = set(ResearcherName.objects.filter(researcher=person).values_list("key", flat=True))
    assert {"jurgen metzner", "metzner jurgen", "j metzner", "metzner"} <= keys
    assert ResearcherTopic.objects.filter(researcher=person).count() == person.topics_count


def test_api_search_uses_real_name_search(client, real_names):
    response = client.get("/api/researchers/", {"q": "Gobbi, José"})
    assert response.status_code == 200
    assert response.json()["results"][0]["display_name"] == "José Gobbi"


def test_an_openalex_id_or_orcid_finds_its_record(real_names):
    priem = Researcher.objects.get(openalex_id="A5023888391")
    assert names_found("A5023888391")[0] == priem.display_name
    assert names_found("a5023888391")[0] == priem.display_name
    if priem.orcid:
        assert names_found(priem.orcid)[0] == priem.display_name
