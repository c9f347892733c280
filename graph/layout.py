"""Place a slice's nodes: a force layout weighted by shared works, and a timeline by year.

Pure and deterministic: the same graph gives the same positions on every build (a fixed seed,
nodes and edges in sorted order), so a cached slice looks the same on every visit. Positions
are in Cytoscape's model units; node sizes are decided here too, so that the overlap pass and
the drawing agree on how big a node is.
"""

import math
from collections import defaultdict

import networkx as nx
import numpy as np

SEED = 16
# Enough steps for a slice of the default caps (about 80 nodes, some 60 ms) to settle; bigger
# slices (raised caps) get fewer, so that a build stays within seconds.
ITERATIONS = 300
ITERATION_BUDGET = 60_000

# Node diameters: by rank for the others, one size above them all for the researcher.
SIZE_MIN = 18.0
SIZE_MAX = 46.0
SIZE_CENTER = 60.0
# Room each node gets in the force layout: the side of its share of the drawing's area.
SPACING = 110.0
# The least space left between two node outlines once overlaps are pushed apart.
GAP = 14.0
SEPARATION_ROUNDS = 60

# Attraction of an edge in the force layout. Co-authors pull by the works they share (capped,
# so one prolific partner does not sit on top of the researcher); a paper pulls its co-authors
# and its topics. Every work is the researcher's own, so that link says nothing and pulls
# little: works then gather round the co-authors and topics they share.
MAX_SHARED_PULL = 4.0
PULL = {"authored": 1.0, "about": 0.7, "affiliated": 0.6}
OWN_WORK_PULL = 0.15
# A node linked by one weak edge drifts far out and shrinks the drawing: none is left further
# from the researcher than this many times the radius that holds most nodes.
OUTLIER_LIMIT = 1.25
# The drawing is turned so that it spreads most along x, then widened a little: screens are
# wider than tall (the page turns it back on a portrait screen).
ASPECT = 1.35

# The timeline: model units per year (narrower for long careers), and the gaps between bands.
YEAR_WIDTH_MAX = 110.0
YEAR_WIDTH_MIN = 36.0
TIMELINE_WIDTH = 2600.0
BAND_GAP = 70.0
TICK_TARGET = 12
BAND_SHIFT = 2.5  # about this many year ticks on the axis, whatever the span


def node_size(weight: float, *, center: bool) -> float:
    """Diameter of a node from its rank weight (0..1): area grows with rank."""
    if center:
        return SIZE_CENTER
    weight = min(max(weight, 0.0), 1.0)
    return round(SIZE_MIN + (SIZE_MAX - SIZE_MIN) * math.sqrt(weight), 1)


def _pull(a: str, b: str, data: dict, center: str) -> float:
    if data["type"] == "coauthor":
        return min(float(data.get("weight", 1.0)), MAX_SHARED_PULL)
    if data["type"] == "authored" and center in (a, b):
        return OWN_WORK_PULL
    return PULL.get(data["type"], 1.0)


def force_positions(
    graph: nx.Graph, center: str, sizes: dict[str, float]
) -> dict[str, tuple[float, float]]:
    """A Fruchterman-Reingold layout (networkx) around `center`, scaled and without overlaps."""
    nodes = sorted(graph)
    if len(nodes) == 1:
        return {center: (0.0, 0.0)}
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_weighted_edges_from(
        sorted(
            (*sorted((a, b)), _pull(a, b, data, center)) for a, b, data in graph.edges(data=True)
        ),
        weight="pull",
    )
    iterations = max(50, min(ITERATIONS, ITERATION_BUDGET // len(nodes)))
    # "force" is Fruchterman-Reingold at every size (from 500 nodes on with SciPy's sparse
    # matrices); networkx's "auto" would switch to an energy minimisation that is ten times slower.
    raw = nx.spring_layout(ordered, weight="pull", seed=SEED, iterations=iterations, method="force")
    xy = np.array([raw[n] for n in nodes], dtype=float)
    xy -= xy[nodes.index(center)]
    xy = _shape(xy)
    xy *= SPACING * math.sqrt(len(nodes)) / 2 / max(np.abs(xy).max(), 1e-9)
    radii = np.array([sizes[n] / 2 for n in nodes])
    _separate(xy, radii, fixed=nodes.index(center))
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, xy, strict=True)}


def _shape(xy: np.ndarray) -> np.ndarray:
    """Pull in outliers, turn the widest spread onto x, and widen by ASPECT (center at 0, 0)."""
    radius = np.linalg.norm(xy, axis=1)
    limit = OUTLIER_LIMIT * np.percentile(radius, 85)
    if limit > 0:
        far = radius > limit
        xy[far] *= (limit / radius[far])[:, None]
    if len(xy) > 2:
        # The principal axes of the positions; the sign is fixed so the turn is deterministic.
        _, vectors = np.linalg.eigh(np.cov(xy.T))
        major = vectors[:, -1] * (1 if vectors[0, -1] >= 0 else -1)
        xy = xy @ np.array([major, [-major[1], major[0]]]).T
    return xy * np.array([math.sqrt(ASPECT), 1 / math.sqrt(ASPECT)])


def _separate(xy: np.ndarray, radii: np.ndarray, fixed: int) -> None:
    """Push overlapping nodes apart, in place, until each pair keeps GAP between outlines.

    The spring layout leaves nodes of one cluster touching; a few rounds of pairwise pushes
    (each pair moves half the missing distance, the center not at all) clear that.
    """
    need = radii[:, None] + radii[None, :] + GAP
    np.fill_diagonal(need, 0.0)
    for _ in range(SEPARATION_ROUNDS):
        delta = xy[:, None, :] - xy[None, :, :]
        distance = np.linalg.norm(delta, axis=-1)
        short = np.clip(need - distance, 0.0, None)
        np.fill_diagonal(short, 0.0)
        if short.max() < 0.5:
            return
        # Coincident points get a fixed direction, so the result stays deterministic.
        safe = np.where(distance > 1e-6, distance, 1.0)
        direction = np.where(distance[..., None] > 1e-6, delta / safe[..., None], [1.0, 0.0])
        push = (direction * (short / 2)[..., None]).sum(axis=1)
        push[fixed] = 0.0
        xy += push


def timeline_positions(
    graph: nx.Graph, center: str, sizes: dict[str, float], force: dict[str, tuple[float, float]]
) -> tuple[dict[str, tuple[float, float]], dict] | None:
    """Works by publication year along x; people above and topics and institutions below.

    Each column of one year's works is ordered as the force layout has them from top to bottom,
    so clusters stay together. Every other node sits at the mean year of the works it links to
    (the researcher at the mean of all), in the first free row of its band. Returns None when no
    work has a year.
    """
    works = sorted(n for n, d in graph.nodes(data=True) if d["type"] == "work")
    years = [graph.nodes[n].get("year") for n in works]
    dated = [y for y in years if y]
    if not dated:
        return None
    first, last = min(dated), max(dated)
    width = min(YEAR_WIDTH_MAX, max(YEAR_WIDTH_MIN, TIMELINE_WIDTH / max(last - first, 1)))
    undated_x = -1.5 * width

    def year_x(year):
        return (year - first) * width if year else undated_x

    positions: dict[str, tuple[float, float]] = {}
    columns: dict[float, list[str]] = defaultdict(list)
    for node, year in zip(works, years, strict=True):
        columns[year_x(year)].append(node)
    row = SIZE_MAX + GAP
    tallest = max(len(column) for column in columns.values())
    for x, column in columns.items():
        column.sort(key=lambda n: (force[n][1], n))
        top = -(len(column) - 1) * row / 2
        for i, node in enumerate(column):
            positions[node] = (x, top + i * row)
    works_half_height = (tallest - 1) * row / 2 + SIZE_MAX / 2

    def wanted_x(node):
        xs = [positions[m][0] for m in graph[node] if m in positions]
        if node == center or not xs:
            xs = [positions[w][0] for w in works if graph.nodes[w].get("year")] or xs
        return sum(xs) / len(xs) if xs else 0.0

    # Rank order (center first, then by size): the most important nodes get the nearest rows,
    # each at the free x nearest the one it wants, shifted at most BAND_SHIFT rows' worth.
    def place_band(members, start, direction):
        members = sorted(members, key=lambda n: (n != center, -sizes[n], n))
        rows: list[list[tuple[float, float]]] = []
        for node in members:
            wanted, half = wanted_x(node), sizes[node] / 2
            i, x = len(rows), wanted
            for number, taken in enumerate(rows):
                free = _free_x(wanted, half, taken)
                if abs(free - wanted) <= BAND_SHIFT * row:
                    i, x = number, free
                    break
            if i == len(rows):
                rows.append([])
            rows[i].append((x, half))
            positions[node] = (x, start + direction * (i * row + half))
        return start + direction * len(rows) * row

    people = [n for n, d in graph.nodes(data=True) if d["type"] == "researcher"]
    others = [n for n, d in graph.nodes(data=True) if d["type"] in ("topic", "institution")]
    top = place_band(people, -works_half_height - BAND_GAP, -1)
    place_band(others, works_half_height + BAND_GAP, 1)

    step = max(1, math.ceil((last - first + 1) / TICK_TARGET))
    ticks = [{"year": year, "x": year_x(year)} for year in range(first, last + 1, step)]
    if len(dated) < len(years):
        ticks.insert(0, {"year": None, "x": undated_x})
    axis = {
        "first_year": first,
        "last_year": last,
        "year_width": round(width, 2),
        "undated_x": round(undated_x, 1),
        "axis_y": round(top - BAND_GAP / 2, 1),
        "ticks": [{"year": t["year"], "x": round(t["x"], 1)} for t in ticks],
    }
    return positions, axis


def _free_x(wanted: float, half: float, taken: list[tuple[float, float]]) -> float:
    """The x nearest `wanted` where a node of half-width `half` clears every taken one."""

    def clear(x):
        return all(abs(x - other) >= half + other_half + GAP - 1e-6 for other, other_half in taken)

    candidates = [wanted]
    for other, other_half in taken:
        reach = half + other_half + GAP
        candidates += [other - reach, other + reach]
    # Right of everything is always clear, so there is always an answer.
    candidates.append(max(other + other_half for other, other_half in taken) + half + GAP)
    return min((x for x in candidates if clear(x)), key=lambda x: (abs(x - wanted), x))
