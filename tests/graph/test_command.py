"""manage.py build_graph_slices [--stale | --all | ID ...]"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from graph.models import GraphSlice
from graph.services import graph_slice_build, graph_slice_ensure
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("build_graph_slices", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def statuses():
    return dict(GraphSlice.objects.values_list("researcher_id", "status"))


def test_build_given_ids_creates_and_builds_their_slices():
    ada, bob, cy = factories.researcher(), factories.researcher(), factories.researcher()
    output = run(str(ada.pk), str(bob.pk))
    assert "Built 2 graph slices; 0 were being built elsewhere." in output
    assert statuses() == {ada.pk: "ready", bob.pk: "ready"}
    assert not GraphSlice.objects.filter(researcher=cy).exists()


def test_build_all_builds_every_researcher():
    people = [factories.researcher() for _ in range(3)]
    run("--all")
    assert statuses() == {person.pk: "ready" for person in people}


def test_build_stale_rebuilds_only_what_needs_it():
    fresh, stale, failed = (factories.researcher() for _ in range(3))
    for person in (fresh, stale, failed):
        graph_slice_build(slice_id=graph_slice_ensure(researcher_id=person.pk).pk)
    GraphSlice.objects.filter(researcher=stale).update(stale=True)
    GraphSlice.objects.filter(researcher=failed).update(status="failed")
    before = dict(GraphSlice.objects.values_list("researcher_id", "built_at"))

    output = run("--stale")

    assert "Built 2 graph slices; 0 were being built elsewhere." in output
    after = dict(GraphSlice.objects.values_list("researcher_id", "built_at"))
    assert after[fresh.pk] == before[fresh.pk]
    assert after[stale.pk] > before[stale.pk]
    assert statuses() == {fresh.pk: "ready", stale.pk: "ready", failed.pk: "ready"}
    assert not GraphSlice.objects.filter(stale=True).exists()


def test_a_slice_a_worker_is_building_is_left_alone():
    ada = factories.researcher()
    graph_slice = graph_slice_ensure(researcher_id=ada.pk)
    GraphSlice.objects.filter(pk=graph_slice.pk).update(
        status="building", started_at=timezone.now()
    )
    assert "Built 0 graph slices; 1 was being built elsewhere." in run(str(ada.pk))
    assert statuses() == {ada.pk: "building"}


def test_unknown_id_is_an_error():
    with pytest.raises(CommandError, match="No researcher with id 987654321"):
        run("987654321")


def test_one_choice_is_required():
    with pytest.raises(CommandError):
        run()


def test_bench_results_replace_their_own_table_and_keep_the_rest(tmp_path):
    from bzpeer.demo.management.commands.bench_graph import _replace_section

    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\n## Profile pages\n\nfast\n\n## Graph slices\n\nold\n\n## Imports\n\nslow\n"
    )
    _replace_section(doc, ["### 1,000,000 works", "", "| big, first run |"])
    _replace_section(doc, ["### 100,000 works", "", "| small |"])
    _replace_section(doc, ["### 1,000,000 works", "", "| big, second run |"])

    text = doc.read_text()
    assert text.count("## Graph slices") == 1
    assert "## Profile pages\n\nfast" in text and "## Imports\n\nslow" in text
    assert "big, first run" not in text
    assert "old" not in text
    assert text.index("| small |") < text.index("| big, second run |")
    assert text.index("## Profile pages") < text.index("## Graph slices") < text.index("## Imports")
