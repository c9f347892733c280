"""Reading neighbourhoods from PostgreSQL and building slices through the service."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from graph.models import GraphSlice
from graph.services import graph_slice_build, graph_slice_ensure, graph_slices_mark_stale
from tests import factories
from works.services import researchers_changed

pytestmark = pytest.mark.django_db


def build(researcher) -> GraphSlice:
    graph_slice = graph_slice_ensure(researcher_id=researcher.pk)
    built = graph_slice_build(slice_id=graph_slice.pk)
    assert built is not None
    return built


def node_ids(graph_slice, node_type=None):
    return {
        node["id"]
        for node in graph_slice.payload["nodes"]
        if node_type is None or node["type"] == node_type
    }


def test_slice_of_a_small_network_links_every_kind_of_node():
    ada = factories.researcher(display_name="Ada")
    bob = factories.researcher(display_name="Bob")
    college = factories.institution(display_name="Bob's College")
    factories.affiliate(bob, college)
    computing = factories.topic(display_name="Computing")
    paper = factories.work(authors=[ada, bob], topics=[computing], title="Engines")
    factories.refresh(ada, bob)

    graph_slice = build(ada)

    assert graph_slice.status == GraphSlice.Status.READY
    assert graph_slice.built_at is not None
    assert graph_slice.build_ms is not None
    assert len(graph_slice.fingerprint) == 64
    nodes = {node["id"]: node for node in graph_slice.payload["nodes"]}
    assert set(nodes) == {
        f"researcher:{ada.pk}",
        f"researcher:{bob.pk}",
        f"work:{paper.pk}",
        f"topic:{computing.pk}",
        f"institution:{college.pk}",
    }
    assert nodes[f"researcher:{bob.pk}"]["link"] == f"/researchers/{bob.pk}/"
    assert nodes[f"work:{paper.pk}"]["link"] == f"/works/{paper.pk}/"
    assert nodes[f"topic:{computing.pk}"]["link"] == f"/topics/{computing.pk}/"
    assert nodes[f"institution:{college.pk}"]["link"] == f"/institutions/{college.pk}/"


def test_slice_counts_agree_with_the_stored_counters():
    ada = factories.researcher()
    close = factories.researcher()
    once = factories.researcher()
    crowd = [factories.researcher() for _ in range(51)]
    topics = [factories.topic() for _ in range(3)]
    factories.work(authors=[ada, close, once], topics=topics[:2])
    factories.work(authors=[ada, close], topics=topics[1:])
    # Two consortium papers shared with everyone make nobody a close collaborator (TRUST.md).
    factories.work(authors=[ada, *crowd])
    factories.work(authors=[ada, *crowd])
    factories.refresh(ada)
    assert ada.close_collaborators_count == 1
    assert ada.topics_count == 3

    graph_slice = build(ada)

    assert graph_slice.payload["counts"] == {
        "works": ada.works_count,
        "close_collaborators": ada.close_collaborators_count,
        "topics": ada.topics_count,
    }
    # The nodes follow the same definitions as the counters: one close collaborator, shown as
    # such, the one-off co-author shown but not close, and the three topics.
    nodes = {node["id"]: node for node in graph_slice.payload["nodes"]}
    close_nodes = {n for n, node in nodes.items() if node.get("close")}
    assert close_nodes == {f"researcher:{close.pk}"}
    assert nodes[f"researcher:{once.pk}"]["close"] is False
    assert len(node_ids(graph_slice, "topic")) == ada.topics_count


def test_consortium_coauthors_are_not_read_as_people():
    ada = factories.researcher()
    crowd = [factories.researcher() for _ in range(51)]
    big = factories.work(authors=[ada, *crowd])
    factories.refresh(ada)

    graph_slice = build(ada)

    assert node_ids(graph_slice, "researcher") == {f"researcher:{ada.pk}"}
    assert f"work:{big.pk}" in node_ids(graph_slice)


def test_researcher_with_no_works_gets_a_small_valid_slice():
    loner = factories.researcher(display_name="Loner")
    graph_slice = build(loner)
    assert graph_slice.status == GraphSlice.Status.READY
    assert node_ids(graph_slice) == {f"researcher:{loner.pk}"}
    assert graph_slice.payload["edges"] == []
    assert graph_slice.payload["counts"] == {"works": 0, "close_collaborators": 0, "topics": 0}


def test_researcher_with_no_coauthors_gets_their_works_and_topics():
    solo = factories.researcher()
    topic = factories.topic()
    works = [factories.work(authors=[solo], topics=[topic]) for _ in range(3)]
    graph_slice = build(solo)
    assert node_ids(graph_slice, "work") == {f"work:{w.pk}" for w in works}
    assert node_ids(graph_slice, "researcher") == {f"researcher:{solo.pk}"}
    assert node_ids(graph_slice, "topic") == {f"topic:{topic.pk}"}


def test_works_read_are_the_newest_and_the_most_cited(settings):
    settings.GRAPH = {**settings.GRAPH, "WORKS_READ": 2}
    ada = factories.researcher()
    old_famous = factories.work(authors=[ada], publication_year=1990, cited_by_count=5000)
    old_unknown = factories.work(authors=[ada], publication_year=1991, cited_by_count=0)
    newest = factories.work(authors=[ada], publication_year=2024, cited_by_count=0)
    newer = factories.work(authors=[ada], publication_year=2023, cited_by_count=1)

    work_nodes = node_ids(build(ada), "work")

    assert work_nodes == {f"work:{w.pk}" for w in (old_famous, newest, newer)}
    assert f"work:{old_unknown.pk}" not in work_nodes


def _build_queries(researcher) -> int:
    graph_slice = graph_slice_ensure(researcher_id=researcher.pk)
    with CaptureQueriesContext(connection) as ctx:
        graph_slice_build(slice_id=graph_slice.pk)
    return len(ctx.captured_queries)


def _researcher_with(n_works):
    person = factories.researcher()
    partner = factories.researcher()
    topic = factories.topic()
    place = factories.institution()
    factories.affiliate(partner, place)
    for _ in range(n_works):
        factories.work(authors=[person, partner], topics=[topic])
    return person


def test_build_query_count_does_not_grow_with_the_number_of_works():
    small = _researcher_with(2)
    large = _researcher_with(150)
    assert _build_queries(small) == _build_queries(large)


def test_unchanged_input_keeps_the_payload_and_a_changed_one_rebuilds():
    ada = factories.researcher()
    factories.work(authors=[ada])
    first = build(ada)

    GraphSlice.objects.filter(pk=first.pk).update(status=GraphSlice.Status.PENDING)
    again = graph_slice_build(slice_id=first.pk)
    assert again.fingerprint == first.fingerprint
    assert again.payload == first.payload

    added = factories.work(authors=[ada])
    GraphSlice.objects.filter(pk=first.pk).update(status=GraphSlice.Status.PENDING)
    rebuilt = graph_slice_build(slice_id=first.pk)
    assert rebuilt.fingerprint != first.fingerprint
    assert f"work:{added.pk}" in node_ids(rebuilt)


def test_researchers_changed_marks_their_slices_stale():
    ada, bob, cy = factories.researcher(), factories.researcher(), factories.researcher()
    for person in (ada, bob, cy):
        build(person)

    researchers_changed(researcher_ids=[ada.pk, bob.pk])

    stale = dict(GraphSlice.objects.values_list("researcher_id", "stale"))
    assert stale == {ada.pk: True, bob.pk: True, cy.pk: False}
    assert GraphSlice.objects.get(researcher=ada).status == GraphSlice.Status.READY


def test_marking_researchers_without_slices_creates_none():
    ada = factories.researcher()
    assert graph_slices_mark_stale(researcher_ids=[ada.pk]) == 0
    assert not GraphSlice.objects.exists()


def test_one_slice_per_researcher_is_a_database_rule():
    from django.db import IntegrityError, transaction

    ada = factories.researcher()
    GraphSlice.objects.create(researcher=ada)
    with pytest.raises(IntegrityError), transaction.atomic():
        GraphSlice.objects.create(researcher=ada)
