"""Every real OpenAlex record imports and comes back from the OpenAlex-compatible API as it went
in; newer copies win, older ones never overwrite; bylines stay as published.

The source records are read here with plain ``json``, not with the importer's parser, so that
the comparison does not trust the code under test.
"""

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.conftest import REAL_DATA
from works import openalex
from works.importer import openalex_import
from works.models import Authorship, OpenAlexRecord, Work
from works.openalex_api import ids
from works.openalex_api.serializers import DERIVED_FIELDS

pytestmark = pytest.mark.django_db

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
PRO = REAL_DATA / "rkrug+openalexPro" / "tests"
# openalexPro's group_by responses hold counts per type, not entities (SOURCES.md).
NOT_ENTITIES = {"007-pro_pipeline_group_by"}
# The API's collection of each entity letter: W works, A authors, C concepts...
COLLECTIONS = {letters[0]: name for name, letters in ids.LETTERS.items()}
# The links BZPEER points at itself; relevance_score belongs to the query that fetched a record.
OVERLAID = {name for name in DERIVED_FIELDS if not name.startswith("*")}


def entity_files() -> list[Path]:
    """Every file of the real OpenAlex data that holds entities (plain and gzip copies alike)."""
    files = [
        path
        for root in (GO, PRO)
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and path.name != "manifest"
        and not path.name.endswith((".csv", ".csv.gz"))
        and not NOT_ENTITIES & set(path.parts)
    ]
    assert len(files) == 22 + 12  # SOURCES.md: go-openalex 22, openalexPro 12
    return files


def source_records(path: Path) -> list[dict]:
    """The records of a file, read with json alone: a document, an API page or JSON Lines."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if isinstance(value, dict) and "results" in value:
        return value["results"]
    return value if isinstance(value, list) else [value]


def newest_copies(records: list[dict]) -> dict[str, dict]:
    """The copy of each id an import keeps: the newest ``updated_date``, the later on a tie."""
    kept: dict[str, dict] = {}
    for record in records:
        key = record["id"].rsplit("/", 1)[-1]
        if key not in kept or (record.get("updated_date") or "") >= (
            kept[key].get("updated_date") or ""
        ):
            kept[key] = record
    return kept


def short_name(path: Path) -> str:
    return str(path.relative_to(REAL_DATA))


def test_every_real_entity_file_imports_with_zero_rejected_records():
    errors = []
    result = openalex_import(paths=entity_files(), on_error=errors.append)

    assert errors == []
    assert result.rejected == 0
    assert result.warning_count == 0  # real data is read without a single unreadable field
    # Each entity of the real data is stored with its own document (it holds topics only
    # inside works, not as records of their own).
    assert set(result.counts) == set(COLLECTIONS.values()) - {"topics"}
    assert OpenAlexRecord.objects.count() == sum(result.counts.values())


@pytest.mark.parametrize("path", entity_files(), ids=short_name)
def test_every_real_record_round_trips_through_the_openalex_api(client, unthrottled, path):
    result = openalex_import(paths=[path])
    assert result.rejected == 0

    expected = newest_copies(source_records(path))
    for key, record in expected.items():
        response = client.get(f"/openalex/{COLLECTIONS[key[0]]}/{key}")
        assert response.status_code == 200, key
        served = response.json()
        # Field for field: the same names, the same values, only the derived fields differ.
        assert set(served) - OVERLAID == set(record) - OVERLAID, key
        for name, value in record.items():
            if name not in OVERLAID:
                assert served[name] == value, f"{key}.{name}"
        assert "relevance_score" not in served  # it belongs to a search, not an entity
        for name in OVERLAID & set(served):
            assert served[name].startswith(f"{settings.SITE_URL}/openalex/"), f"{key}.{name}"


def test_search_results_carry_bzpeer_s_own_relevance_score(client):
    openalex_import(paths=[PRO / "testthat" / "_snaps" / "005-pro_fetch_search" / "json"])
    body = client.get("/openalex/works?search=biodiversity+finance&per-page=5").json()
    assert body["results"]
    assert all(isinstance(r["relevance_score"], float) for r in body["results"])
    assert all(r["relevance_score"] > 0 for r in body["results"])


# --- Newer wins ---------------------------------------------------------------------------

OLDER = GO / "works" / "W2741809807"  # updated 2023
NEWER = PRO / "fixtures" / "keypaper_json" / "results_page_1.json"  # the same work, 2025


def stored_document(openalex_id: str) -> dict:
    return OpenAlexRecord.objects.get(openalex_id=openalex_id).record


def newer_copy() -> dict:
    return newest_copies(source_records(NEWER))["W2741809807"]


def test_a_newer_copy_replaces_the_record():
    openalex_import(paths=[OLDER])
    assert stored_document("W2741809807") == source_records(OLDER)[0]

    result = openalex_import(paths=[NEWER])

    assert result.counts["works"] == 2
    assert stored_document("W2741809807") == newer_copy()
    work = Work.objects.get(openalex_id="W2741809807")
    assert work.cited_by_count == newer_copy()["cited_by_count"]
    assert work.updated_date.isoformat().startswith(newer_copy()["updated_date"][:10])


def test_an_older_copy_never_overwrites_a_newer_one():
    openalex_import(paths=[NEWER])
    before = list(Work.objects.filter(openalex_id="W2741809807").values())
    byline = list(Authorship.objects.filter(work__openalex_id="W2741809807").values())

    result = openalex_import(paths=[OLDER])

    assert result.counts["works"] == 0 and result.unchanged["works"] == 1
    assert stored_document("W2741809807") == newer_copy()
    assert list(Work.objects.filter(openalex_id="W2741809807").values()) == before
    assert list(Authorship.objects.filter(work__openalex_id="W2741809807").values()) == byline


def test_the_same_id_twice_in_one_file_is_one_work_and_said_as_a_duplicate(tmp_path):
    record = source_records(OLDER)[0]
    path = tmp_path / "twice.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n")
    out = io.StringIO()

    call_command("import_openalex", str(path), stdout=out, stderr=io.StringIO())

    assert Work.objects.count() == 1
    assert "Imported 1 works" in out.getvalue()
    assert "Duplicates: 1 works" in out.getvalue()


# --- Bylines as published -----------------------------------------------------------------


def test_bylines_keep_every_entry_in_its_place_with_what_the_record_says():
    page = PRO / "testthat" / "_snaps" / "005-pro_fetch_search" / "json"
    openalex_import(paths=[page])
    records = newest_copies(source_records(page))
    entries = 0
    for key, record in records.items():
        stored = list(
            Authorship.objects.filter(work__openalex_id=key)
            .select_related("researcher")
            .prefetch_related("institution_links__institution")
            .order_by("order")
        )
        assert [a.order for a in stored] == list(range(len(record["authorships"]))), key
        for entry, published in zip(stored, record["authorships"], strict=True):
            author_id = (published.get("author") or {}).get("id")
            linked = author_id and not author_id.endswith(openalex.NULL_AUTHOR)
            if linked:
                assert entry.researcher.openalex_id == author_id.rsplit("/", 1)[-1]
            else:
                assert entry.researcher is None  # an unlinked byline, shown by its name
                entries += 1
            # Typed columns hold the text trimmed; the stored record keeps it as it came.
            assert entry.raw_author_name == published["raw_author_name"].strip()
            assert entry.position == published["author_position"]
            assert entry.is_corresponding == published["is_corresponding"]
            assert entry.raw_affiliation_strings == [
                text.strip() for text in published["raw_affiliation_strings"]
            ]
            assert entry.countries == published["countries"]
            assert [
                f"https://openalex.org/{link.institution.openalex_id}"
                for link in sorted(entry.institution_links.all(), key=lambda link: link.order)
            ] == [i["id"] for i in published["institutions"]]
    assert entries == 536 - 511  # SOURCES.md: 536 entries, 511 with an author id


def test_an_unlinked_byline_is_shown_by_its_raw_name(client):
    page = PRO / "testthat" / "_snaps" / "005-pro_fetch_search" / "json"
    openalex_import(paths=[page])
    entry = Authorship.objects.filter(researcher__isnull=True).select_related("work").first()
    html = client.get(entry.work.get_absolute_url()).content.decode().replace("&#x27;", "'")
    # Its name as printed, and no link: there is no record to link to.
    assert re.search(rf"<li>\s*{re.escape(entry.raw_author_name)}\s*</li>", html)


def test_lists_of_imported_entities_make_the_same_queries_whatever_their_size(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    openalex_import(paths=[PRO / "testthat" / "_snaps" / "005-pro_fetch_search" / "json"])
    counts = []
    for per_page in (2, 50):
        for collection in ("works", "authors", "institutions", "sources", "concepts"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/openalex/{collection}?per-page={per_page}").status_code == 200
            counts.append((collection, len(queries.captured_queries)))
    assert counts[:5] == counts[5:]
