"""Turn a researcher's neighbourhood into a ranked, capped, laid-out graph slice.

Pure: no Django and no database here. `graph.queries` reads the neighbourhood with bounded
queries; this module only builds the networkx graph, ranks it by personalised PageRank from the
researcher, keeps the best nodes of each type and lays them out, deterministically.

Node ids are stable strings, "<type>:<pk>" ("researcher:12", "work:34"), so a slice, the
explorer's expansions and the pages all name a node the same way.
"""

import hashlib
import heapq
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import networkx as nx

from . import layout

# Bump when the payload's shape or the ranking changes: stored slices then differ in fingerprint.
# 2: a force layout and a timeline ("timeline" positions and axis), node sizes, shared works
# on co-author edges, years on expanded works.
VERSION = 2

NODE_TYPES = ("researcher", "work", "topic", "institution")
EDGE_TYPES = ("authored", "coauthor", "about", "affiliated")

# Personalised PageRank: the usual damping; only the order of the ranks matters, so the
# iteration stops once a step moves less than a millionth of the total.
DAMPING = 0.85
TOLERANCE = 1e-6
MAX_ITERATIONS = 100

LinkFor = Callable[[str, int], str]


@dataclass(frozen=True)
class WorkRow:
    id: int
    title: str
    year: int | None
    cited_by: int
    authors_count: int


@dataclass(frozen=True)
class CoauthorRow:
    id: int
    name: str
    # Works shared with the researcher, over all their works of at most the consortium limit.
    shared_works: int


@dataclass
class Neighbourhood:
    """What the reader found around one researcher; every list is already bounded."""

    researcher_id: int
    researcher_name: str
    works: list[WorkRow] = field(default_factory=list)
    coauthors: list[CoauthorRow] = field(default_factory=list)
    # (work id, researcher id) for the co-authors above on the works above.
    authorships: list[tuple[int, int]] = field(default_factory=list)
    topics: dict[int, str] = field(default_factory=dict)
    # (work id, topic id, score)
    work_topics: list[tuple[int, int, float]] = field(default_factory=list)
    institutions: dict[int, str] = field(default_factory=dict)
    # (researcher id, institution id, weight)
    affiliations: list[tuple[int, int, int]] = field(default_factory=list)
    # Counts over the whole record, by the definitions in TRUST.md.
    counts: dict[str, int] = field(default_factory=dict)
    consortium_limit: int = 50


def node_id(node_type: str, pk: int) -> str:
    return f"{node_type}:{pk}"


def parse_node_id(value: str) -> tuple[str, int]:
    """Split "work:34" into ("work", 34); raise ValueError for anything else."""
    node_type, _, pk = value.partition(":")
    if node_type not in NODE_TYPES or not pk.isdigit():
        raise ValueError(f"not a graph node id: {value!r}")
    return node_type, int(pk)


def fingerprint(neighbourhood: Neighbourhood, caps: dict[str, int]) -> str:
    """Hash everything a slice is built from, so an unchanged input is not built again."""
    material = {"version": VERSION, "caps": caps, "input": asdict(neighbourhood)}
    encoded = json.dumps(material, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def build_graph(nb: Neighbourhood) -> nx.Graph:
    """The typed, weighted graph of the neighbourhood, before ranking and caps."""
    graph = nx.Graph()
    center = node_id("researcher", nb.researcher_id)
    graph.add_node(center, type="researcher", pk=nb.researcher_id, label=nb.researcher_name)

    consortium = {w.id for w in nb.works if w.authors_count > nb.consortium_limit}
    for work in nb.works:
        wid = node_id("work", work.id)
        graph.add_node(
            wid,
            type="work",
            pk=work.id,
            label=work.title or f"Work {work.id}",
            year=work.year,
            cited_by=work.cited_by,
            consortium=work.id in consortium,
        )
        graph.add_edge(center, wid, type="authored", weight=1.0)

    for person in nb.coauthors:
        if person.id == nb.researcher_id or person.shared_works < 1:
            continue
        rid = node_id("researcher", person.id)
        graph.add_node(
            rid,
            type="researcher",
            pk=person.id,
            label=person.name,
            shared_works=person.shared_works,
            close=person.shared_works >= 2,
        )
        graph.add_edge(center, rid, type="coauthor", weight=float(person.shared_works))

    for work_pk, person_pk in nb.authorships:
        # Consortium papers make no people edges (TRUST.md): everyone would be linked.
        if work_pk in consortium or person_pk == nb.researcher_id:
            continue
        wid, rid = node_id("work", work_pk), node_id("researcher", person_pk)
        if wid in graph and rid in graph:
            graph.add_edge(rid, wid, type="authored", weight=1.0)

    for work_pk, topic_pk, score in nb.work_topics:
        wid = node_id("work", work_pk)
        if wid not in graph or topic_pk not in nb.topics:
            continue
        tid = node_id("topic", topic_pk)
        if tid not in graph:
            graph.add_node(tid, type="topic", pk=topic_pk, label=nb.topics[topic_pk])
        # A weak topic assignment still links, but less strongly.
        graph.add_edge(wid, tid, type="about", weight=max(float(score), 0.1))

    for person_pk, institution_pk, weight in nb.affiliations:
        rid = node_id("researcher", person_pk)
        if rid not in graph or institution_pk not in nb.institutions:
            continue
        iid = node_id("institution", institution_pk)
        if iid not in graph:
            graph.add_node(
                iid, type="institution", pk=institution_pk, label=nb.institutions[institution_pk]
            )
        graph.add_edge(rid, iid, type="affiliated", weight=float(max(weight, 1)))
    return graph


def personalised_pagerank(graph: nx.Graph, source: str) -> dict[str, float]:
    """PageRank whose random walk always restarts at `source`, by power iteration.

    networkx's own pagerank needs SciPy; these graphs have a few hundred nodes, so plain
    Python over adjacency lists is fast enough and keeps the dependency list short.
    """
    nodes = sorted(graph)
    index = {node: i for i, node in enumerate(nodes)}
    links = []
    for node in nodes:
        strength = graph.degree(node, weight="weight")
        links.append(
            [(index[m], data["weight"] / strength) for m, data in graph[node].items()]
            if strength
            else []
        )
    start = index[source]
    rank = [0.0] * len(nodes)
    rank[start] = 1.0
    for _ in range(MAX_ITERATIONS):
        following = [0.0] * len(nodes)
        dangling = 0.0
        for i, out in enumerate(links):
            mass = rank[i]
            if not mass:
                continue
            if not out:
                dangling += mass
                continue
            mass *= DAMPING
            for j, share in out:
                following[j] += mass * share
        following[start] += (1 - DAMPING) + DAMPING * dangling
        change = sum(abs(a - b) for a, b in zip(following, rank, strict=True))
        rank = following
        if change < TOLERANCE:
            break
    return dict(zip(nodes, rank, strict=True))


def select_nodes(
    graph: nx.Graph, rank: dict[str, float], center: str, caps: dict[str, int]
) -> set[str]:
    """Keep the best-ranked nodes of each type, growing out from the center.

    Best-first growth keeps the slice connected: a node is only taken once a kept node links to
    it, so no topic floats without its work.
    """
    kept = {center}
    taken = dict.fromkeys(NODE_TYPES, 0)
    taken[graph.nodes[center]["type"]] = 1
    frontier: list[tuple[float, str]] = []

    def push_neighbours(node):
        for neighbour in graph[node]:
            if neighbour not in kept:
                heapq.heappush(frontier, (-rank[neighbour], neighbour))

    push_neighbours(center)
    while frontier:
        _, node = heapq.heappop(frontier)
        node_type = graph.nodes[node]["type"]
        if node in kept or taken[node_type] >= caps.get(node_type, 0):
            continue
        kept.add(node)
        taken[node_type] += 1
        push_neighbours(node)
    return kept


def build_slice(nb: Neighbourhood, caps: dict[str, int], link: LinkFor | None = None) -> dict:
    """Return the slice payload: ranked, capped, laid-out nodes and the edges between them."""
    graph = build_graph(nb)
    center = node_id("researcher", nb.researcher_id)
    rank = personalised_pagerank(graph, center)
    kept = select_nodes(graph, rank, center, caps)
    sub = graph.subgraph(kept)
    # Sizes compare the other nodes with each other; the center is drawn apart anyway.
    top = max((rank[n] for n in kept if n != center), default=1.0) or 1.0
    weights = {n: 1.0 if n == center else round(min(rank[n] / top, 1.0), 4) for n in kept}
    sizes = {n: layout.node_size(weights[n], center=n == center) for n in kept}
    positions = layout.force_positions(sub, center, sizes)
    timeline = layout.timeline_positions(sub, center, sizes, positions)

    nodes = []
    for n in kept:
        data = sub.nodes[n]
        node = {
            "id": n,
            "type": data["type"],
            "label": data["label"],
            "weight": weights[n],
            "size": sizes[n],
            "position": _point(positions[n]),
            "link": link(data["type"], data["pk"]) if link else "",
            "center": n == center,
        }
        if timeline:
            node["timeline"] = _point(timeline[0][n])
        for extra in ("year", "cited_by", "shared_works", "close", "consortium"):
            if extra in data:
                node[extra] = data[extra]
        nodes.append(node)
    type_order = {t: i for i, t in enumerate(NODE_TYPES)}
    nodes.sort(key=lambda node: (not node["center"], type_order[node["type"]], -node["weight"]))

    edges = []
    for a, b, data in sub.edges(data=True):
        source, target = sorted((a, b))
        edges.append(
            {
                "id": f"{data['type']}|{source}|{target}",
                "source": source,
                "target": target,
                "type": data["type"],
                "weight": round(data["weight"], 3),
            }
        )
        if data["type"] == "coauthor":
            edges[-1]["shared_works"] = int(data["weight"])
    edges.sort(key=lambda edge: edge["id"])

    candidates = dict.fromkeys(NODE_TYPES, 0)
    for _, data in graph.nodes(data=True):
        candidates[data["type"]] += 1
    shown = dict.fromkeys(NODE_TYPES, 0)
    for node in nodes:
        shown[node["type"]] += 1
    return {
        "version": VERSION,
        "center": center,
        "counts": dict(nb.counts),
        "shown": shown,
        "hidden": {t: candidates[t] - shown[t] for t in NODE_TYPES},
        "nodes": nodes,
        "edges": edges,
        # The timeline's axis (years, their x, where the axis runs); null with no dated work.
        "timeline": timeline[1] if timeline else None,
    }


def _point(xy: tuple[float, float]) -> dict[str, float]:
    return {"x": round(xy[0], 1), "y": round(xy[1], 1)}


@dataclass(frozen=True)
class Neighbour:
    """One node next to an expanded node, as the explorer's neighbours API returns it."""

    type: str
    pk: int
    label: str
    edge_type: str
    weight: float = 1.0
    # A work's publication year, so the explorer can shade it and place it on the timeline.
    year: int | None = None


def expansion(
    expanded: str, neighbours: list[Neighbour], link: LinkFor | None = None, *, more: bool
) -> dict:
    """Return the nodes and edges that one click on `expanded` adds to the explorer."""
    nodes, edges = [], []
    for item in neighbours:
        nid = node_id(item.type, item.pk)
        nodes.append(
            {
                "id": nid,
                "type": item.type,
                "label": item.label,
                "link": link(item.type, item.pk) if link else "",
            }
        )
        if item.year is not None:
            nodes[-1]["year"] = item.year
        source, target = sorted((expanded, nid))
        edges.append(
            {
                "id": f"{item.edge_type}|{source}|{target}",
                "source": source,
                "target": target,
                "type": item.edge_type,
                "weight": item.weight,
            }
        )
    return {"node": expanded, "nodes": nodes, "edges": edges, "more": more}
