"""The pure slice builder on small hand-made neighbourhoods: no database here."""

import math

import pytest

from graph import builder
from graph.builder import CoauthorRow, Neighbour, Neighbourhood, WorkRow

ROOMY = {"researcher": 50, "work": 50, "topic": 50, "institution": 50}


def link(node_type, pk):
    return f"/{node_type}/{pk}/"


def neighbourhood(**fields) -> Neighbourhood:
    """Ada (1) wrote works 10-13; Bob (2) shares three of them, Cy (3) one."""
    base = {
        "researcher_id": 1,
        "researcher_name": "Ada Lovelace",
        "works": [
            WorkRow(10, "Engines", 2020, 40, 2),
            WorkRow(11, "Notes", 2021, 3, 3),
            WorkRow(12, "Tables", 2022, 0, 2),
            WorkRow(13, "Alone", 2023, 0, 1),
        ],
        "coauthors": [CoauthorRow(2, "Bob", 3), CoauthorRow(3, "Cy", 1)],
        "authorships": [(10, 2), (11, 2), (11, 3), (12, 2)],
        "topics": {100: "Computing", 101: "Poetry"},
        "work_topics": [(10, 100, 0.9), (11, 100, 0.8), (13, 101, 0.7)],
        "institutions": {500: "Analytical Society", 501: "Bob's College"},
        "affiliations": [(1, 500, 1), (2, 501, 1)],
        "counts": {"works": 4, "close_collaborators": 1, "topics": 2},
    }
    base.update(fields)
    return Neighbourhood(**base)


def by_id(payload):
    return {node["id"]: node for node in payload["nodes"]}


def edge_pairs(payload, edge_type=None):
    return {
        (edge["source"], edge["target"])
        for edge in payload["edges"]
        if edge_type is None or edge["type"] == edge_type
    }


def test_nodes_have_stable_typed_ids_labels_positions_and_links():
    payload = builder.build_slice(neighbourhood(), ROOMY, link=link)
    nodes = by_id(payload)
    assert payload["center"] == "researcher:1"
    assert set(nodes) == {
        "researcher:1",
        "researcher:2",
        "researcher:3",
        "work:10",
        "work:11",
        "work:12",
        "work:13",
        "topic:100",
        "topic:101",
        "institution:500",
        "institution:501",
    }
    work = nodes["work:10"]
    assert work["type"] == "work"
    assert work["label"] == "Engines"
    assert work["link"] == "/work/10/"
    assert set(work["position"]) == {"x", "y"}
    assert nodes["researcher:1"]["center"] is True
    assert nodes["researcher:1"]["position"] == {"x": 0.0, "y": 0.0}
    assert nodes["researcher:2"]["close"] is True
    assert nodes["researcher:3"]["close"] is False
    assert payload["counts"] == {"works": 4, "close_collaborators": 1, "topics": 2}


def test_edges_are_typed_and_weighted():
    payload = builder.build_slice(neighbourhood(), ROOMY)
    assert ("researcher:1", "researcher:2") in edge_pairs(payload, "coauthor")
    assert ("researcher:2", "work:11") in edge_pairs(payload, "authored")
    assert ("topic:100", "work:10") in edge_pairs(payload, "about")
    assert ("institution:501", "researcher:2") in edge_pairs(payload, "affiliated")
    coauthor = next(e for e in payload["edges"] if e["id"] == "coauthor|researcher:1|researcher:2")
    assert coauthor["weight"] == 3
    assert {e["type"] for e in payload["edges"]} <= set(builder.EDGE_TYPES)


def test_ranking_puts_the_researcher_first_and_the_frequent_coauthor_above_the_rare_one():
    nodes = by_id(builder.build_slice(neighbourhood(), ROOMY))
    assert nodes["researcher:1"]["weight"] == 1.0
    assert all(node["weight"] <= 1.0 for node in nodes.values())
    assert nodes["researcher:2"]["weight"] > nodes["researcher:3"]["weight"]
    # A topic on two works outranks a topic on one.
    assert nodes["topic:100"]["weight"] > nodes["topic:101"]["weight"]


def test_personalised_pagerank_is_a_distribution_centred_on_the_source():
    graph = builder.build_graph(neighbourhood())
    rank = builder.personalised_pagerank(graph, "researcher:1")
    assert math.isclose(sum(rank.values()), 1.0, rel_tol=1e-9)
    assert max(rank, key=rank.get) == "researcher:1"


def test_caps_keep_the_best_nodes_of_each_type_and_count_the_rest():
    works = [WorkRow(100 + i, f"Paper {i}", 2000 + i, 0, 2) for i in range(20)]
    # Bob co-wrote papers 0-2, so those rank above the papers Ada wrote alone.
    authorships = [(100, 2), (101, 2), (102, 2)]
    nb = neighbourhood(
        works=works,
        coauthors=[CoauthorRow(2, "Bob", 3)],
        authorships=authorships,
        work_topics=[],
        affiliations=[],
    )
    caps = {"researcher": 5, "work": 3, "topic": 5, "institution": 5}
    payload = builder.build_slice(nb, caps)
    works_kept = {n["id"] for n in payload["nodes"] if n["type"] == "work"}
    assert works_kept == {"work:100", "work:101", "work:102"}
    assert payload["shown"]["work"] == 3
    assert payload["hidden"]["work"] == 17


def test_capped_slice_stays_connected_to_the_researcher():
    nb = neighbourhood(
        works=[WorkRow(10, "Kept", 2020, 0, 1), WorkRow(11, "Dropped", 2020, 0, 1)],
        coauthors=[],
        authorships=[],
        work_topics=[(10, 100, 1.0), (11, 101, 1.0)],
        affiliations=[],
    )
    caps = {"researcher": 1, "work": 1, "topic": 5, "institution": 5}
    payload = builder.build_slice(nb, caps)
    kept = set(by_id(payload))
    # Topic 101 only hangs on the dropped work, so it is not shown floating.
    assert len([n for n in kept if n.startswith("work:")]) == 1
    work = next(n for n in kept if n.startswith("work:"))
    expected_topic = "topic:100" if work == "work:10" else "topic:101"
    assert kept == {"researcher:1", work, expected_topic}


def test_consortium_paper_makes_no_people_edges():
    big = WorkRow(20, "Big Collaboration", 2024, 900, 3000)
    nb = neighbourhood(
        works=[big, WorkRow(10, "Small", 2020, 1, 2)],
        coauthors=[CoauthorRow(2, "Bob", 1)],
        # Bob and Dee also signed the consortium paper; Dee shares nothing else.
        authorships=[(20, 2), (20, 4), (10, 2)],
        work_topics=[],
        affiliations=[],
        consortium_limit=50,
    )
    payload = builder.build_slice(nb, ROOMY)
    nodes = by_id(payload)
    assert "researcher:4" not in nodes
    assert nodes["work:20"]["consortium"] is True
    # The researcher's own authorship stays; nobody else is linked through the paper.
    assert ("researcher:1", "work:20") in edge_pairs(payload, "authored")
    assert ("researcher:2", "work:20") not in edge_pairs(payload)
    assert ("researcher:2", "work:10") in edge_pairs(payload, "authored")


def test_researcher_with_no_works_gets_a_one_node_slice():
    payload = builder.build_slice(
        Neighbourhood(researcher_id=9, researcher_name="Newcomer"), ROOMY, link=link
    )
    assert payload["nodes"] == [
        {
            "id": "researcher:9",
            "type": "researcher",
            "label": "Newcomer",
            "weight": 1.0,
            "size": 60.0,
            "position": {"x": 0.0, "y": 0.0},
            "link": "/researcher/9/",
            "center": True,
        }
    ]
    assert payload["edges"] == []
    assert payload["timeline"] is None  # no work, so no years to lay out


def test_researcher_with_works_but_no_coauthors_gets_works_and_topics():
    nb = neighbourhood(coauthors=[], authorships=[], affiliations=[])
    nodes = by_id(builder.build_slice(nb, ROOMY))
    assert {n["type"] for n in nodes.values()} == {"researcher", "work", "topic"}
    assert [n for n in nodes if n.startswith("researcher:")] == ["researcher:1"]


def test_fingerprint_follows_the_input_and_the_caps():
    nb = neighbourhood()
    same = builder.fingerprint(neighbourhood(), ROOMY)
    assert builder.fingerprint(nb, ROOMY) == same
    assert builder.fingerprint(neighbourhood(researcher_name="Ada King"), ROOMY) != same
    assert builder.fingerprint(nb, {**ROOMY, "work": 1}) != same


@pytest.mark.parametrize("value", ["researcher:12", "work:34", "topic:5", "institution:6"])
def test_parse_node_id_reads_each_type(value):
    node_type, pk = builder.parse_node_id(value)
    assert builder.node_id(node_type, pk) == value


@pytest.mark.parametrize("value", ["person:1", "work:", "work:x", "work", ""])
def test_parse_node_id_refuses_anything_else(value):
    with pytest.raises(ValueError):
        builder.parse_node_id(value)


def test_expansion_gives_added_works_their_year():
    payload = builder.expansion(
        "researcher:1",
        [
            Neighbour("work", 34, "A paper", "authored", year=2019),
            Neighbour("topic", 5, "T", "about"),
        ],
        more=False,
    )
    assert [node.get("year") for node in payload["nodes"]] == [2019, None]


def test_expansion_links_each_neighbour_to_the_expanded_node():
    payload = builder.expansion(
        "topic:5",
        [Neighbour("work", 34, "A paper", "about", 0.5)],
        link,
        more=True,
    )
    assert payload == {
        "node": "topic:5",
        "nodes": [{"id": "work:34", "type": "work", "label": "A paper", "link": "/work/34/"}],
        "edges": [
            {
                "id": "about|topic:5|work:34",
                "source": "topic:5",
                "target": "work:34",
                "type": "about",
                "weight": 0.5,
            }
        ],
        "more": True,
    }
