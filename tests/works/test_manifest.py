"""A snapshot's manifests: every part listed is there and whole, or the command says which not."""

import gzip
import json
import shutil

import pytest

from tests.conftest import REAL_DATA
from tests.works.test_import import run, run_failing
from works.models import Work
from works.openalex.manifest import check_manifests, read_manifest

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
OLD_PART = GO / "works" / "updated_date=2021-11-03" / "part_000"  # 50 works


def manifest(folder, parts):
    """Write a manifest listing these (part path, record count) under an entity folder."""
    entries = [
        {"url": f"s3://openalex/data/{folder.name}/{part}", "meta": {"record_count": count}}
        for part, count in parts
    ]
    (folder / "manifest").write_text(json.dumps({"entries": entries, "meta": {}}))


def gzip_lines(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as out:
        out.writelines(lines)


@pytest.fixture
def snapshot(tmp_path):
    """A works folder of two parts (30 and 20 works of the real 2021 part) and its manifest."""
    lines = OLD_PART.read_bytes().splitlines(keepends=True)
    works = tmp_path / "openalex" / "works"
    gzip_lines(works / "updated_date=2024-01-01" / "part_000.gz", lines[:30])
    gzip_lines(works / "updated_date=2024-01-02" / "part_000.gz", lines[30:])
    manifest(
        works,
        [("updated_date=2024-01-01/part_000.gz", 30), ("updated_date=2024-01-02/part_000.gz", 20)],
    )
    return tmp_path / "openalex"


def test_real_manifest_lists_parts_with_their_counts():
    entries = read_manifest(GO / "works" / "manifest")

    assert len(entries) == 465
    first = entries[0]
    assert first.part == "updated_date=2023-05-16/part_000.gz"
    assert first.record_count == 27
    assert first.found() == GO / "works" / "updated_date=2023-05-16" / "part_000.gz"


@pytest.mark.django_db
def test_whole_snapshot_imports_and_exits_zero(snapshot):
    out, _ = run(snapshot)

    assert Work.objects.count() == 50
    assert "Partial snapshot" not in out


@pytest.mark.django_db
def test_missing_part_is_named_and_nothing_is_imported(snapshot):
    shutil.rmtree(snapshot / "works" / "updated_date=2024-01-02")

    err, message = run_failing(snapshot)

    assert "part updated_date=2024-01-02/part_000.gz is missing" in err
    assert "1 of 2 part(s)" in message and "--partial" in message
    assert Work.objects.count() == 0


@pytest.mark.django_db
def test_partial_option_imports_what_is_there(snapshot):
    shutil.rmtree(snapshot / "works" / "updated_date=2024-01-02")

    out, _ = run(snapshot, partial=True)

    assert Work.objects.count() == 30
    assert "Partial snapshot: 1 of 2 part(s)" in out


@pytest.mark.django_db
def test_short_part_is_named_and_fails_even_when_partial(snapshot):
    part = snapshot / "works" / "updated_date=2024-01-02" / "part_000.gz"
    lines = OLD_PART.read_bytes().splitlines(keepends=True)
    gzip_lines(part, lines[30:45])  # 15 of the 20 listed

    err, message = run_failing(snapshot, partial=True)

    assert f"{part}: the manifest lists 20 record(s), 15 read" in err
    assert "1 part(s) hold fewer records" in message
    assert Work.objects.count() == 45  # what the parts hold is imported


@pytest.mark.django_db
def test_unzipped_part_counts_as_present(snapshot):
    part = snapshot / "works" / "updated_date=2024-01-02" / "part_000.gz"
    part.with_suffix("").write_bytes(gzip.decompress(part.read_bytes()))
    part.unlink()

    run(snapshot)

    assert Work.objects.count() == 50


def test_go_openalex_sample_is_partial():
    report = check_manifests([GO])

    assert len(report.entries) == 104 + 465
    assert len(report.missing) == 104 + 465 - 1  # only works' 2023-05-16 part is there
    assert report.short == []


@pytest.mark.django_db
def test_go_openalex_sample_without_partial_fails_by_name():
    err, message = run_failing(GO / "authors")

    assert "authors/manifest: part updated_date=2023-08-17/part_000.gz is missing" in err
    assert "104 of 104 part(s)" in message


@pytest.mark.django_db
def test_broken_manifest_is_reported(snapshot):
    (snapshot / "works" / "manifest").write_text("{not json")

    err, message = run_failing(snapshot)

    assert "the manifest is not JSON" in err
    assert Work.objects.count() == 0
