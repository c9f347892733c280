// Where the nodes go. The slice arrives laid out twice by the builder (a force layout weighted by
// shared works, and a timeline by publication year); this module switches between the two,
// draws the timeline's year axis, and places the nodes an expansion adds without moving the
// ones already there: in free space next to the expanded node, then (in the network view) a
// run of the vendored fcose layout with every existing node fixed.

const GAP = 14; // model units between two node outlines, as in graph/layout.py
const MAX_FIT_ZOOM = 1.4;
const FIT_PADDING = 26;
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

export const reducedMotion = () => window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;

/** The graph's own nodes: everything but the timeline's axis. */
export const graphNodes = (cy) => cy.nodes("[!axis]");

/** Fit the view to the nodes' bodies (labels then fit in whatever room the view leaves). */
export function fitView(cy) {
  const shown = cy.nodes().filter((node) => node.visible());
  if (!shown.length) return;
  const box = shown.boundingBox({ includeLabels: false, includeOverlays: false });
  const width = cy.width() - 2 * FIT_PADDING;
  const height = cy.height() - 2 * FIT_PADDING;
  let zoom = Math.min(width / Math.max(box.w, 1), height / Math.max(box.h, 1), MAX_FIT_ZOOM);
  zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), zoom));
  cy.viewport({
    zoom,
    pan: { x: cy.width() / 2 - zoom * (box.x1 + box.x2) / 2, y: cy.height() / 2 - zoom * (box.y1 + box.y2) / 2 },
  });
}

/** x of a year on the timeline, from the axis the builder sent. */
function yearX(axis, year) {
  return year ? (year - axis.first_year) * axis.year_width : axis.undated_x;
}

/** The year axis of the timeline view: a tick with its year for each step, on a line. */
function axisElements(axis) {
  const elements = axis.ticks.map((tick) => ({
    group: "nodes",
    data: { id: `axis:${tick.year ?? "undated"}`, axis: true, label: tick.year ? String(tick.year) : "no year", short: tick.year ? String(tick.year) : "no year" },
    position: { x: tick.x, y: axis.axis_y },
    classes: "axis",
    selectable: false,
    grabbable: false,
  }));
  const dated = axis.ticks.filter((tick) => tick.year);
  if (dated.length > 1) {
    const first = `axis:${dated[0].year}`;
    const last = `axis:${dated[dated.length - 1].year}`;
    elements.push({ group: "edges", data: { id: "axis-line", source: first, target: last, axis: true }, classes: "axis" });
  }
  return elements;
}

const bodiesOf = (nodes) =>
  nodes.map((node) => ({ x: node.position("x"), y: node.position("y"), r: (node.data("size") ?? 20) / 2 }));

const isFree = (point, radius, bodies) =>
  bodies.every((body) => Math.hypot(point.x - body.x, point.y - body.y) >= radius + body.r + GAP);

/** The nearest free spot to `around`, searched on rings of growing radius. */
function freeSpot(around, radius, bodies) {
  const step = 2 * radius + GAP;
  for (let ring = 1; ring < 60; ring++) {
    const distance = ring * step;
    const count = Math.max(6, Math.floor((2 * Math.PI * distance) / step));
    for (let k = 0; k < count; k++) {
      const angle = ring * GOLDEN_ANGLE + (2 * Math.PI * k) / count;
      const point = { x: around.x + distance * Math.cos(angle), y: around.y + distance * Math.sin(angle) };
      if (isFree(point, radius, bodies)) return point;
    }
  }
  return { x: around.x + 60 * step, y: around.y };
}

/** The nearest free spot in one column (a year on the timeline), up and down from `y`. */
function freeInColumn(x, y, radius, bodies) {
  const step = 2 * radius + GAP;
  for (let i = 0; i < 400; i++) {
    const offset = Math.ceil(i / 2) * step * (i % 2 ? 1 : -1);
    const point = { x, y: y + offset };
    if (isFree(point, radius, bodies)) return point;
  }
  return { x, y: y + 400 * step };
}

/** The current positions of `nodes`, as an id → {x, y} map. */
export const positionsOf = (nodes) => Object.fromEntries(nodes.map((node) => [node.id(), { ...node.position() }]));

export class GraphLayout {
  constructor(cy, slice) {
    this.cy = cy;
    this.axis = slice.timeline || null;
    this.mode = "force";
    this.added = 0; // expansion order, so that re-placing follows the order the reader clicked
  }

  get hasTimeline() {
    return Boolean(this.axis);
  }

  /** Remember where the nodes are now in the current mode. */
  remember(nodes = graphNodes(this.cy)) {
    nodes.forEach((node) => node.data(this.mode, { ...node.position() }));
  }

  /** Switch between "force" and "timeline"; resolves once the nodes are in place. */
  async setMode(mode) {
    if (mode === this.mode || (mode === "timeline" && !this.axis)) return;
    const cy = this.cy;
    this.remember();
    this.mode = mode;
    cy.scratch("_mode", mode);
    cy.remove(cy.elements(".axis"));
    if (mode === "timeline") cy.add(axisElements(this.axis));
    await this.arrange();
  }

  /**
   * Move every node to its place in the current mode, placing the added nodes that have none
   * there yet (in the order they were added, next to the node they were expanded from), then
   * animate from where the nodes were drawn to where they now belong.
   */
  async arrange() {
    const cy = this.cy;
    const nodes = graphNodes(cy);
    const drawn = positionsOf(nodes);
    const missing = nodes.filter((node) => !node.data(this.mode)).sort((a, b) => a.data("added") - b.data("added"));
    cy.batch(() => nodes.difference(missing).positions((node) => ({ ...node.data(this.mode) })));
    let pending = missing;
    while (pending.length) {
      const parent = pending[0].data("expanded_from");
      const group = pending.filter((node) => node.data("expanded_from") === parent);
      pending = pending.difference(group);
      const from = cy.getElementById(parent);
      group.positions(() => ({ ...from.position() }));
      await this.place(from, group, { animate: false, ignore: pending });
    }
    const target = positionsOf(nodes);
    nodes.positions((node) => drawn[node.id()]);
    const animate = !reducedMotion();
    const layout = nodes.layout({
      name: "preset",
      positions: (node) => target[node.id()],
      fit: false,
      animate,
      animationDuration: 400,
    });
    const done = layout.promiseOn("layoutstop");
    layout.run();
    await done;
    fitView(cy);
  }

  /**
   * Place `fresh` (just added, all at the expanded node) next to `expanded`; nothing else moves.
   * In the network view the nodes start in the nearest free spots and fcose then pulls them
   * towards what they link to, with every other node fixed; in the timeline a work goes to its
   * year's column and everything else to the free spot nearest the expanded node. `ignore` are
   * nodes still waiting for a place of their own.
   */
  async place(expanded, fresh, { animate = true, ignore = null } = {}) {
    const cy = this.cy;
    let others = graphNodes(cy).difference(fresh);
    if (ignore) others = others.difference(ignore);
    const bodies = bodiesOf(others);
    const origin = { ...expanded.position() };
    const start = {};
    fresh.forEach((node) => {
      const radius = (node.data("size") ?? 20) / 2;
      const point =
        this.mode === "timeline" && node.data("type") === "work"
          ? freeInColumn(yearX(this.axis, node.data("year")), origin.y, radius, bodies)
          : freeSpot(origin, radius, bodies);
      start[node.id()] = point;
      bodies.push({ ...point, r: radius });
    });
    fresh.positions((node) => start[node.id()]);
    if (this.mode === "force" && window.cytoscapeFcose) await this.relax(fresh, others);
    const final = positionsOf(fresh);
    if (animate && !reducedMotion()) {
      fresh.positions(() => ({ ...origin }));
      await Promise.all(fresh.map((node) => node.animation({ position: final[node.id()], duration: 300 }).play().promise()));
    }
    fresh.forEach((node) => node.data(this.mode, { ...final[node.id()] }));
  }

  /** fcose over `fresh` and `others` with `others` fixed; a node that lands on another is moved to free space. */
  async relax(fresh, others) {
    const held = positionsOf(others);
    const start = positionsOf(fresh);
    const nodes = fresh.union(others);
    const layout = nodes.union(nodes.edgesWith(nodes)).layout({
      ...FCOSE,
      randomize: false,
      fixedNodeConstraint: others.map((node) => ({ nodeId: node.id(), position: held[node.id()] })),
    });
    const done = layout.promiseOn("layoutstop");
    layout.run();
    await done;
    // fcose holds fixed nodes only up to its own rounding: put them back exactly.
    others.positions((node) => held[node.id()]);
    const bodies = bodiesOf(others);
    fresh.forEach((node) => {
      const radius = (node.data("size") ?? 20) / 2;
      if (!isFree(node.position(), radius, bodies)) {
        const back = start[node.id()];
        node.position(isFree(back, radius, bodies) ? back : freeSpot(node.position(), radius, bodies));
      }
      bodies.push({ ...node.position(), r: radius });
    });
  }

  /**
   * Lay everything out again: in the network view fcose over all nodes from where they are
   * (the researcher stays put); in the timeline the built places, with added nodes placed anew.
   */
  async rearrange() {
    const cy = this.cy;
    const nodes = graphNodes(cy);
    if (this.mode === "timeline") {
      nodes.forEach((node) => {
        if (node.data("built_timeline")) node.data("timeline", { ...node.data("built_timeline") });
        else node.removeData("timeline");
      });
      await this.arrange();
      return;
    }
    const center = nodes.filter("[?center]");
    const layout = nodes.union(nodes.edgesWith(nodes)).layout({
      ...FCOSE,
      randomize: false,
      animate: !reducedMotion(),
      animationDuration: 500,
      fixedNodeConstraint: center.map((node) => ({ nodeId: node.id(), position: { ...node.position() } })),
    });
    const done = layout.promiseOn("layoutstop");
    layout.run();
    await done;
    this.remember(nodes);
    fitView(cy);
  }
}

// fcose in its incremental form: it starts from the current positions (randomize off needs the
// "proof" quality). As in the builder's layout, co-authors pull by shared works and the
// researcher's links to their own works (every work has one) pull very little, so works gather
// round the co-authors and topics they share.
const FCOSE = {
  name: "fcose",
  quality: "proof",
  animate: false,
  fit: false,
  packComponents: false,
  nodeDimensionsIncludeLabels: false,
  nodeSeparation: 90,
  idealEdgeLength: (edge) => (edge.hasClass("own") ? 260 : edge.data("type") === "coauthor" ? 100 : 90),
  edgeElasticity: (edge) =>
    edge.hasClass("own") ? 0.02 : edge.data("type") === "coauthor" ? 0.1 + 0.05 * Math.min(edge.data("shared_works") || 1, 6) : 0.3,
  nodeRepulsion: () => 12000,
  numIter: 2500,
};
