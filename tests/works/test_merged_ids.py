"""OpenAlex's merged_ids files: read in place from ../shared/real-data, applied by
manage.py import_merged_ids, and honoured by the importer afterwards."""

import gzip
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from profiles.models import ClaimEvent
from tests.conftest import REAL_DATA
from works import openalex
from works.importer import openalex_import
from works.models import Authorship, MergedAuthorId, Researcher

pytestmark = pytest.mark.django_db

MERGED_IDS = (
    REAL_DATA
    / "max-planck-innovation-competition+go-openalex"
    / "sample"
    / "openalex"
    / "merged_ids"
)
AUTHORS = MERGED_IDS / "authors"
# The real rows (SOURCES.md: 1 row in 2022-08-03.csv.gz, 4 in 2023-04-13.csv and its .gz twin).
REAL_ROWS = {
    "A3007116629": ("A2090344885", date(2022, 8, 3)),
    "A3125154712": ("A4317838346", date(2023, 4, 13)),
    "A3124276209": ("A4317838346", date(2023, 4, 13)),
    "A3123468810": ("A4317838346", date(2023, 4, 13)),
    "A3122914057": ("A4317838346", date(2023, 4, 13)),
}


def run(*paths):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_merged_ids", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_works(tmp_path, *works):
    path = tmp_path / "works.jsonl"
    path.write_text("".join(json.dumps(w) + "\n" for w in works), encoding="utf-8")
    result = openalex_import(paths=[path])
    assert result.error_count == 0
    return result


def work(openalex_id, title, *author_ids):
    return {
        "id": f"https://openalex.org/{openalex_id}",
        "title": title,
        "publication_year": 2023,
        "authorships": [
            {"author": {"id": f"https://openalex.org/{a}", "display_name": "Sam Merged"}}
            for a in author_ids
        ],
    }


def stored():
    return {
        row.openalex_id: (row.merge_into_id, row.merge_date) for row in MergedAuthorId.objects.all()
    }


# --- Reading the real files ----------------------------------------------------------------


def test_the_real_files_parse_into_merged_ids():
    plain = list(openalex.read_merged_ids(AUTHORS / "2023-04-13.csv"))
    packed = list(openalex.read_merged_ids(AUTHORS / "2023-04-13.csv.gz"))
    older = list(openalex.read_merged_ids(AUTHORS / "2022-08-03.csv.gz"))

    assert [item.record for item in plain] == [item.record for item in packed]
    assert [item.line for item in plain] == [2, 3, 4, 5]
    assert plain[0].record == openalex.MergedId(
        openalex_id="A3125154712", merge_into_id="A4317838346", merge_date=date(2023, 4, 13)
    )
    assert [item.record for item in older] == [
        openalex.MergedId("A3007116629", "A2090344885", date(2022, 8, 3))
    ]


def test_a_folder_is_walked_and_a_gzip_twin_is_read_once():
    files, duplicates = openalex.find_merged_ids_files([MERGED_IDS])
    assert [f.name for f in files] == ["2022-08-03.csv.gz", "2023-04-13.csv"]
    assert duplicates == [(AUTHORS / "2023-04-13.csv.gz", AUTHORS / "2023-04-13.csv")]


def test_the_record_importer_still_skips_merged_ids_folders():
    assert openalex.find_input_files([MERGED_IDS]) == ([], [])


def test_bad_rows_are_reported_with_their_lines(tmp_path):
    path = tmp_path / "bad.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(
            "merge_date,id,merge_into_id\n"
            "2024-01-01,A1,A2\n"
            "2024-01-01,not-an-id,A2\n"
            "2024-01-01,A3,W4\n"
            "2024-01-01,A5,A5\n"
            "2024-01-01,A6\n"
        )
    items = list(openalex.read_merged_ids(path))
    assert items[0].record == openalex.MergedId("A1", "A2", date(2024, 1, 1))
    assert [(e.line, e.message) for e in items[1:]] == [
        (3, "id and merge_into_id must both be OpenAlex ids"),
        (4, "A3 and W4 are not the same kind of entity"),
        (5, "A5 is merged into itself"),
        (6, "expected 3 columns, got 2"),
    ]
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("date,old,new\n2024-01-01,A1,A2\n")
    assert [str(e) for e in openalex.read_merged_ids(wrong)] == [
        f"{wrong}:1: not a merged-ids file: the header must name merge_date, id, merge_into_id"
    ]


# --- The command ---------------------------------------------------------------------------


def test_the_command_records_the_real_merged_ids_once(tmp_path):
    out, _ = run(MERGED_IDS)
    assert stored() == REAL_ROWS
    assert "Skipped" in out and "2023-04-13.csv.gz" in out
    assert "5 merged author id(s) recorded, 0 already known" in out

    again, _ = run(AUTHORS / "2023-04-13.csv.gz", AUTHORS / "2022-08-03.csv.gz")
    assert "0 merged author id(s) recorded, 5 already known" in again
    assert stored() == REAL_ROWS


def test_the_importer_sends_a_merged_id_to_its_survivor(tmp_path):
    run(MERGED_IDS)
    import_works(tmp_path, work("W9000000001", "An old listing", "A3125154712", "A3124276209"))

    assert not Researcher.objects.filter(openalex_id__in=list(REAL_ROWS)).exists()
    survivor = Researcher.objects.get(openalex_id="A4317838346")
    # Two merged ids on one byline are one person: both entries stay on the byline, as
    # published, linked to the survivor, and count as one work.
    assert list(Authorship.objects.order_by("order").values_list("researcher_id", flat=True)) == [
        survivor.pk,
        survivor.pk,
    ]
    assert survivor.works_count == 1


def test_records_held_under_both_ids_are_merged_and_stay_merged_after_a_reimport(tmp_path):
    works = [
        work("W9000000001", "Under the old id", "A3125154712"),
        work("W9000000002", "Under the new id", "A4317838346"),
    ]
    import_works(tmp_path, *works)
    old = Researcher.objects.get(openalex_id="A3125154712")
    new = Researcher.objects.get(openalex_id="A4317838346")

    out, _ = run(MERGED_IDS)
    assert "1 record(s) merged" in out
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.merged_into_id == new.pk
    assert (old.works_count, new.works_count) == (0, 2)
    assert ClaimEvent.objects.get(researcher=new).sentence == (
        "Duplicate record merged in automatically: OpenAlex merged A3125154712 into A4317838346."
    )

    import_works(tmp_path, *works)  # the old snapshot again
    new.refresh_from_db()
    assert not Authorship.objects.filter(researcher=old).exists()
    assert new.works_count == 2


def test_a_record_held_only_under_the_old_id_takes_the_new_one(tmp_path):
    import_works(tmp_path, work("W9000000001", "Before the merge", "A3007116629"))
    person = Researcher.objects.get(openalex_id="A3007116629")
    out, _ = run(AUTHORS / "2022-08-03.csv.gz")
    person.refresh_from_db()
    assert person.openalex_id == "A2090344885"
    assert "1 renamed" in out
    import_works(tmp_path, work("W9000000002", "After the merge", "A2090344885", "A3007116629"))
    person.refresh_from_db()
    assert person.works_count == 2
    assert Researcher.objects.count() == 1


def test_records_owned_by_two_people_are_left_for_the_moderators(tmp_path, owner, stranger):
    import_works(
        tmp_path,
        work("W9000000001", "Old", "A3125154712"),
        work("W9000000002", "New", "A4317838346"),
    )
    for openalex_id, user in (("A3125154712", owner), ("A4317838346", stranger)):
        Researcher.objects.filter(openalex_id=openalex_id).update(
            owner=user, claim_status="claimed", verification_level=2
        )
    out, _ = run(AUTHORS / "2023-04-13.csv")
    assert "Left for the moderators: A3125154712 and A4317838346" in out
    assert not Researcher.objects.filter(merged_into__isnull=False).exists()
    # The id is still recorded, so new works listing the old id go to the survivor's record.
    assert stored()["A3125154712"][0] == "A4317838346"


def test_chains_are_kept_one_hop_and_cycles_are_refused(tmp_path):
    first = tmp_path / "2024-01-01.csv"
    first.write_text("merge_date,id,merge_into_id\n2024-01-01,A11,A12\n")
    second = tmp_path / "2024-02-01.csv"
    second.write_text("merge_date,id,merge_into_id\n2024-02-01,A12,A13\n2024-02-01,A13,A11\n")
    run(first)
    _, err = run(second)
    assert stored() == {
        "A11": ("A13", date(2024, 1, 1)),
        "A12": ("A13", date(2024, 2, 1)),
    }
    assert "Skipped A13 -> A11: A11 already merged into A13." in err


def test_unreadable_rows_fail_the_command_after_the_good_ones(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("merge_date,id,merge_into_id\n2024-01-01,A21,A22\n2024-01-01,bad,A22\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_merged_ids", str(path), stdout=out, stderr=err)
    assert f"{path}:3:" in err.getvalue()
    assert stored() == {"A21": ("A22", date(2024, 1, 1))}
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_merged_ids", str(tmp_path / "missing.csv"))


def test_non_author_merges_are_counted_and_skipped(tmp_path):
    path = tmp_path / "works.csv"
    path.write_text("merge_date,id,merge_into_id\n2024-01-01,W1,W2\n")
    out, _ = run(path)
    assert "Skipped 1 non-author merge(s)." in out
    assert not MergedAuthorId.objects.exists()
