"""The slice's layouts and encoding: deterministic, overlap-free, and meaning something."""

import math
import random
from dataclasses import replace
from itertools import combinations

import pytest

from graph import builder, layout
from graph.builder import CoauthorRow, Neighbourhood, WorkRow

ROOMY = {"researcher": 50, "work": 50, "topic": 50, "institution": 50}


def neighbourhood() -> Neighbourhood:
    """Ada (1) wrote works 10-21, one a year from 2010, and an undated note.

    Bob (2) shares six of them, Cy (3) and Dee (4) one each.
    """
    works = [WorkRow(10 + i, f"Paper {i}", 2010 + i, i, 3) for i in range(12)]
    works.append(WorkRow(30, "Undated note", None, 0, 1))
    return Neighbourhood(
        researcher_id=1,
        researcher_name="Ada Lovelace",
        works=works,
        coauthors=[CoauthorRow(2, "Bob", 6), CoauthorRow(3, "Cy", 1), CoauthorRow(4, "Dee", 1)],
        authorships=[*((10 + i, 2) for i in range(6)), (20, 3), (21, 4)],
        topics={100: "Engines", 101: "Poetry"},
        work_topics=[*((10 + i, 100, 0.9) for i in range(4)), (20, 101, 0.8), (21, 101, 0.8)],
        institutions={500: "Analytical Society", 501: "Bob's College"},
        affiliations=[(1, 500, 3), (2, 501, 1)],
        counts={"works": 13, "close_collaborators": 1, "topics": 2},
    )


def by_id(payload):
    return {node["id"]: node for node in payload["nodes"]}


def distance(nodes, a, b, key="position"):
    pa, pb = nodes[a][key], nodes[b][key]
    return math.hypot(pa["x"] - pb["x"], pa["y"] - pb["y"])


def test_the_same_slice_gets_the_same_positions_whatever_the_input_order():
    first = builder.build_slice(neighbourhood(), ROOMY)
    shuffled = neighbourhood()
    for name in ("works", "coauthors", "authorships", "work_topics", "affiliations"):
        items = list(getattr(shuffled, name))
        random.Random(name).shuffle(items)
        shuffled = replace(shuffled, **{name: items})
    again = builder.build_slice(shuffled, ROOMY)

    assert builder.build_slice(neighbourhood(), ROOMY) == first
    place = {n["id"]: (n["position"], n["timeline"]) for n in first["nodes"]}
    assert {n["id"]: (n["position"], n["timeline"]) for n in again["nodes"]} == place
    assert again["timeline"] == first["timeline"]


@pytest.mark.parametrize("key", ["position", "timeline"])
def test_no_two_nodes_overlap_in_either_layout(key):
    nodes = builder.build_slice(neighbourhood(), ROOMY)["nodes"]
    for a, b in combinations(nodes, 2):
        apart = math.hypot(a[key]["x"] - b[key]["x"], a[key]["y"] - b[key]["y"])
        assert apart >= (a["size"] + b["size"]) / 2 + layout.GAP - 1, (a["id"], b["id"])


def test_force_layout_keeps_the_researcher_in_the_middle_and_frequent_coauthors_close():
    nodes = by_id(builder.build_slice(neighbourhood(), ROOMY))
    assert nodes["researcher:1"]["position"] == {"x": 0.0, "y": 0.0}
    # Bob shares six works, Cy and Dee one each: the shared works pull Bob in.
    assert distance(nodes, "researcher:1", "researcher:2") < distance(
        nodes, "researcher:1", "researcher:3"
    )
    # Bob's joint papers cluster round Bob; Cy's paper sits away from him.
    bobs = [distance(nodes, "researcher:2", f"work:{10 + i}") for i in range(6)]
    assert max(bobs) < distance(nodes, "researcher:2", "work:20")


def test_force_layout_spreads_wider_than_tall():
    nodes = builder.build_slice(neighbourhood(), ROOMY)["nodes"]
    xs = [n["position"]["x"] for n in nodes]
    ys = [n["position"]["y"] for n in nodes]
    assert max(xs) - min(xs) >= max(ys) - min(ys)


def test_timeline_places_works_by_year_people_above_and_topics_below():
    payload = builder.build_slice(neighbourhood(), ROOMY)
    nodes = by_id(payload)
    axis = payload["timeline"]
    assert (axis["first_year"], axis["last_year"]) == (2010, 2021)
    width = axis["year_width"]
    for i in range(12):
        assert nodes[f"work:{10 + i}"]["timeline"]["x"] == pytest.approx(i * width, abs=0.1)
    assert nodes["work:30"]["timeline"]["x"] == axis["undated_x"] < 0
    assert axis["ticks"][0] == {"year": None, "x": axis["undated_x"]}
    assert {t["year"] for t in axis["ticks"][1:]} >= {2010}
    assert all(t["x"] <= 11 * width for t in axis["ticks"])

    works_top = min(n["timeline"]["y"] for n in nodes.values() if n["type"] == "work")
    works_bottom = max(n["timeline"]["y"] for n in nodes.values() if n["type"] == "work")
    for node in nodes.values():
        if node["type"] == "researcher":
            assert node["timeline"]["y"] < works_top
        elif node["type"] in ("topic", "institution"):
            assert node["timeline"]["y"] > works_bottom
    assert axis["axis_y"] < min(n["timeline"]["y"] for n in nodes.values())
    # Bob's joint works run 2010-2015, Dee's paper is from 2021: each sits above their years.
    assert nodes["researcher:2"]["timeline"]["x"] < nodes["researcher:4"]["timeline"]["x"]


def test_a_slice_without_dated_works_has_no_timeline():
    nb = neighbourhood()
    nb = replace(nb, works=[replace(w, year=None) for w in nb.works])
    payload = builder.build_slice(nb, ROOMY)
    assert payload["timeline"] is None
    assert all("timeline" not in node for node in payload["nodes"])


def test_node_size_grows_with_rank_and_the_researcher_is_largest():
    nodes = builder.build_slice(neighbourhood(), ROOMY)["nodes"]
    others = sorted((n for n in nodes if not n["center"]), key=lambda n: n["weight"])
    sizes = [n["size"] for n in others]
    assert sizes == sorted(sizes)
    assert sizes[0] >= layout.SIZE_MIN and sizes[-1] <= layout.SIZE_MAX
    center = next(n for n in nodes if n["center"])
    assert center["size"] == layout.SIZE_CENTER > sizes[-1]
    assert (
        by_id({"nodes": nodes})["researcher:2"]["size"]
        > by_id({"nodes": nodes})["researcher:3"]["size"]
    )


def test_coauthor_edges_carry_the_shared_works_that_set_their_width():
    edges = {e["id"]: e for e in builder.build_slice(neighbourhood(), ROOMY)["edges"]}
    assert edges["coauthor|researcher:1|researcher:2"]["shared_works"] == 6
    assert edges["coauthor|researcher:1|researcher:3"]["shared_works"] == 1
    assert all("shared_works" not in e for e in edges.values() if e["type"] != "coauthor")


def test_a_long_career_keeps_the_timeline_within_bounds():
    works = [WorkRow(100 + i, f"Paper {i}", 1950 + i, 0, 1) for i in range(75)]
    nb = replace(neighbourhood(), works=works, authorships=[], work_topics=[])
    axis = builder.build_slice(nb, ROOMY)["timeline"]
    span = axis["last_year"] - axis["first_year"]
    assert span > 40
    assert axis["year_width"] * span == pytest.approx(layout.TIMELINE_WIDTH, abs=1)
    assert len(axis["ticks"]) <= layout.TICK_TARGET + 1


def test_a_slice_of_over_five_hundred_nodes_is_laid_out_without_overlaps():
    # From 500 nodes on networkx lays out with SciPy's sparse matrices.
    works = [WorkRow(1000 + i, f"Paper {i}", 2000 + i % 20, 0, 2) for i in range(360)]
    coauthors = [CoauthorRow(2 + i, f"Person {i}", 1 + i % 5) for i in range(150)]
    authorships = [(1000 + i, 2 + i % 150) for i in range(360)]
    nb = replace(
        neighbourhood(), works=works, coauthors=coauthors, authorships=authorships, work_topics=[]
    )
    caps = {"researcher": 300, "work": 400, "topic": 10, "institution": 10}
    nodes = builder.build_slice(nb, caps)["nodes"]
    assert len(nodes) > 500
    worst = min(
        math.hypot(a["position"]["x"] - b["position"]["x"], a["position"]["y"] - b["position"]["y"])
        - (a["size"] + b["size"]) / 2
        for a, b in combinations(nodes, 2)
    )
    assert worst >= layout.GAP - 1
