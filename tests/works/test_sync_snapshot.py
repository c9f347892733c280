"""manage.py sync_openalex --snapshot: only the partitions after the last sync, and the
merged_ids of the same dates; derived data and graph slices follow only what changed."""

import datetime as dt
import gzip
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from graph.models import GraphSlice
from tests.conftest import REAL_DATA
from works import signals
from works.models import MergedAuthorId, Researcher, SyncState, Work
from works.sync import snapshot

pytestmark = pytest.mark.django_db

OLD_PART = (
    REAL_DATA
    / "max-planck-innovation-competition+go-openalex"
    / "sample/openalex/works/updated_date=2021-11-03/part_000"
)
RECORDS = [json.loads(line) for line in OLD_PART.read_text().splitlines() if line.strip()]
CHANGED = RECORDS[0]["id"].rsplit("/", 1)[1]  # W1612067013, by A2162240685 and A2630951464


def part(folder, records):
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "part_000.gz", "wt") as out:
        out.writelines(json.dumps(record) + "\n" for record in records)


def sync(root, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_openalex", "--snapshot", str(root), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def first_snapshot(tmp_path):
    root = tmp_path / "2024-01" / "openalex"
    part(root / "works" / "updated_date=2024-01-01", RECORDS[:30])
    return root


@pytest.fixture
def newer_snapshot(tmp_path):
    """A month later: 10 new works and a newer copy of one, a merge, an old merge file, and
    the old partition unreadable (it must not be read again)."""
    root = tmp_path / "2024-02" / "openalex"
    old = root / "works" / "updated_date=2024-01-01"
    old.mkdir(parents=True)
    (old / "part_000.gz").write_bytes(b"\x1f\x8bnot read: before the sync point")
    changed = dict(RECORDS[0], title="A newer title", display_name="A newer title")
    changed["updated_date"] = "2024-02-01T10:00:00.000000"
    part(root / "works" / "updated_date=2024-02-01", [changed, *RECORDS[30:40]])
    merged = root / "merged_ids" / "authors"
    merged.mkdir(parents=True)
    (merged / "2024-01-20.csv").write_text(
        "merge_date,id,merge_into_id\n2024-01-20,A2630951464,A2162240685\n"
    )
    (merged / "2023-12-01.csv").write_text(
        "merge_date,id,merge_into_id\n2023-12-01,A2250517268,A2068701579\n"
    )
    return root


def test_first_sync_reads_every_partition_and_records_the_point(first_snapshot):
    out, _ = sync(first_snapshot)

    assert Work.objects.count() == 30
    assert "Read 1 new partition(s)" in out
    state = SyncState.objects.get(source="snapshot")
    assert state.synced_until == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_newer_snapshot_reads_only_what_came_after(first_snapshot, newer_snapshot):
    sync(first_snapshot)
    changed_authors = set(
        Researcher.objects.filter(authorships__work__openalex_id=CHANGED).values_list(
            "pk", flat=True
        )
    )
    untouched = Researcher.objects.filter(authorships__work__openalex_id=RECORDS[5]["id"][21:])
    untouched = untouched.exclude(pk__in=changed_authors).first()
    slices = {
        pk: GraphSlice.objects.create(researcher_id=pk, status="ready", payload={})
        for pk in [*changed_authors, untouched.pk]
    }

    out, err = sync(newer_snapshot)

    assert err == ""
    assert "Read 1 new partition(s) and 1 merged-ids file(s): imported 11 works" in out
    assert Work.objects.count() == 40
    assert Work.objects.get(openalex_id=CHANGED).title == "A newer title"
    assert MergedAuthorId.objects.filter(openalex_id="A2630951464").exists()
    assert not MergedAuthorId.objects.filter(openalex_id="A2250517268").exists()  # older file
    assert SyncState.objects.get().synced_until == dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    stale = {pk for pk, s in slices.items() if GraphSlice.objects.get(pk=s.pk).stale}
    assert stale and stale <= changed_authors
    assert untouched.pk not in stale


def test_nothing_new_reads_nothing(first_snapshot):
    sync(first_snapshot)

    out, _ = sync(first_snapshot)

    assert "Read 0 new partition(s)" in out and "imported nothing" in out


def test_bad_record_keeps_the_sync_point(first_snapshot, tmp_path):
    sync(first_snapshot)
    root = tmp_path / "2024-03" / "openalex"
    later = root / "works" / "updated_date=2024-03-01"
    later.mkdir(parents=True)
    (later / "part_000").write_text(json.dumps(RECORDS[45]) + "\n{broken\n")

    with pytest.raises(CommandError, match="sync point stays"):
        sync(root)

    assert Work.objects.filter(openalex_id=RECORDS[45]["id"][21:]).exists()
    assert SyncState.objects.get().synced_until == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_missing_folder_is_one_line_error(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        sync(tmp_path / "nowhere")


def test_sync_that_died_before_its_refresh_refreshes_next_time(
    first_snapshot, newer_snapshot, monkeypatch
):
    sync(first_snapshot)
    changed_authors = set(
        Researcher.objects.filter(authorships__work__openalex_id=CHANGED).values_list(
            "pk", flat=True
        )
    )
    refreshed = []

    def receiver(sender, *, researcher_ids, **kwargs):
        refreshed.append(set(researcher_ids))

    def dies(state):
        raise RuntimeError("the machine went away")

    with monkeypatch.context() as patch:
        patch.setattr(snapshot, "touched_refresh", dies)
        with pytest.raises(RuntimeError):
            sync(newer_snapshot)
    assert Work.objects.get(openalex_id=CHANGED).title == "A newer title"  # written, not refreshed
    signals.researchers_changed.connect(receiver, weak=False, dispatch_uid="test-refreshed")
    try:
        out, _ = sync(newer_snapshot)  # its records now read as unchanged
    finally:
        signals.researchers_changed.disconnect(dispatch_uid="test-refreshed")

    assert "imported nothing" in out
    assert refreshed and changed_authors <= set().union(*refreshed)
