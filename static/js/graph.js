// The research graph's shared code: ask for a slice (polling while it is built), draw it with
// Cytoscape.js (vendored, loaded by a classic <script> before the page's module), encode rank,
// year and shared works, and list the same nodes as text for keyboards and screen readers.
import { CENTER_LABEL_PX, LABEL_PX, fitLabelsOnViewChange, shortLabel } from "./graph_labels.js";
import { GraphLayout, fitView } from "./graph_layout.js";

export const TYPES = ["researcher", "work", "topic", "institution"];
const TYPE_HEADINGS = {
  researcher: "Researchers",
  work: "Works",
  topic: "Topics",
  institution: "Institutions",
};
const SHAPES = {
  researcher: "ellipse",
  work: "round-rectangle",
  topic: "diamond",
  institution: "hexagon",
};
// How many 503 answers (queue down, build failed) to wait through before giving up.
const UNAVAILABLE_TRIES = 3;

export class SliceError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ask for the slice until it is there: 200 resolves, 202 waits and asks again. */
export async function fetchSlice(url, { onWaiting } = {}) {
  let unavailable = 0;
  for (;;) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" } });
    } catch {
      throw new SliceError("network", "BZPEER could not be reached. Check the connection and reload.");
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 200) return body;
    const wait = Math.max(1, Number(body.retry_after) || 2) * 1000;
    if (response.status === 202) {
      onWaiting?.(body);
      await sleep(wait);
      continue;
    }
    if (response.status === 503 && ++unavailable < UNAVAILABLE_TRIES) {
      onWaiting?.(body);
      await sleep(wait * unavailable);
      continue;
    }
    throw new SliceError(body.status || "error", body.detail || "The graph could not be loaded.");
  }
}

export async function fetchNeighbours(urlTemplate, nodeId) {
  const url = urlTemplate.replace("researcher:0", encodeURIComponent(nodeId));
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new SliceError("error", "The neighbours of this node could not be loaded.");
  return response.json();
}

function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function rgb(hex) {
  const value = parseInt(hex.replace("#", ""), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** Works are shaded by year, from the "old" colour to the "new" one; undated works stay grey. */
export function yearShade(year, years) {
  if (!year || !years) return cssVar("--graph-work", "#57606a");
  const span = Math.max(years.last - years.first, 1);
  const t = Math.min(Math.max((year - years.first) / span, 0), 1);
  const old = rgb(cssVar("--graph-work-old", "#9ccfc3"));
  const recent = rgb(cssVar("--graph-work-new", "#00473d"));
  const mixed = old.map((c, i) => Math.round(c + (recent[i] - c) * t));
  return `rgb(${mixed.join(", ")})`;
}

/** The years works are shaded over: the timeline's, else the span of the works' own years. */
export function yearRange(slice) {
  if (slice.timeline) return { first: slice.timeline.first_year, last: slice.timeline.last_year };
  const years = slice.nodes.map((node) => node.year).filter(Boolean);
  return years.length ? { first: Math.min(...years), last: Math.max(...years) } : null;
}

// Nodes an expansion adds have no rank: they are drawn small until a slice ranks them.
const ADDED_SIZE = 20;
let addedCount = 0;

/** Cytoscape elements for a list of payload nodes and edges (slice v1 and v2 both read). */
export function toElements(nodes, edges, { years = null, expandedFrom = null } = {}) {
  const elements = nodes.map((node) => {
    const weight = node.weight ?? 0.1;
    const data = {
      ...node,
      short: shortLabel(node.label, node.type),
      colour: node.type === "work" ? yearShade(node.year, years) : cssVar(`--graph-${node.type}`, "#888888"),
      shape: SHAPES[node.type],
      weight,
      size: node.size ?? (node.position ? 18 + 28 * Math.sqrt(weight) : ADDED_SIZE),
      force: node.position ? { ...node.position } : undefined,
      timeline: node.timeline ? { ...node.timeline } : undefined,
      built_timeline: node.timeline ? { ...node.timeline } : undefined,
    };
    // Not "parent": that name makes Cytoscape nest the node inside the other one.
    if (expandedFrom) Object.assign(data, { expanded_from: expandedFrom, added: ++addedCount });
    return { group: "nodes", data, position: node.position ? { ...node.position } : undefined };
  });
  for (const edge of edges) elements.push({ group: "edges", data: { ...edge } });
  return elements;
}

/**
 * The stylesheet at one zoom: sizes given in screen pixels (labels, lines, rings) are turned
 * into model units, so that a label is LABEL_PX high on screen at any zoom. It is set again
 * when the zoom changes (graph_labels.js), as plain numbers that Cytoscape's caches follow.
 */
export function styles(zoom = 1, mode = "force") {
  const px = (value) => value / zoom;
  const text = getComputedStyle(document.body).color;
  const surface = cssVar("--surface", "#ffffff");
  const line = cssVar("--graph-edge", "#9aa4ae");
  const focus = cssVar("--focus", "#ffbf47");
  const ring = cssVar("--graph-center-ring", "#0b2f6b");
  return [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        shape: "data(shape)",
        width: "data(size)",
        height: "data(size)",
        "border-width": px(1),
        "border-color": surface,
        label: "",
        color: text,
        "font-size": px(LABEL_PX),
        "text-valign": "bottom",
        "text-margin-y": px(3),
        "text-wrap": "none",
        // A halo in the page's colour keeps a label readable where it crosses a line.
        "text-outline-color": surface,
        "text-outline-width": px(2),
        "text-outline-opacity": 0.85,
      },
    },
    { selector: "node.labelled", style: { label: "data(short)" } },
    { selector: "node.label-top", style: { "text-valign": "top", "text-margin-y": px(-3) } },
    { selector: "node.label-right", style: { "text-valign": "center", "text-halign": "right", "text-margin-y": 0, "text-margin-x": px(3) } },
    { selector: "node.label-left", style: { "text-valign": "center", "text-halign": "left", "text-margin-y": 0, "text-margin-x": px(-3) } },
    {
      selector: "node[?center]",
      style: {
        "border-width": px(3),
        "border-color": ring,
        "underlay-color": cssVar("--graph-researcher", "#1f6feb"),
        "underlay-opacity": 0.22,
        "underlay-padding": px(9),
        "underlay-shape": "ellipse",
        "font-size": px(CENTER_LABEL_PX),
        "font-weight": "bold",
        // Its label may cross other nodes (it is always shown), so it gets a backing.
        "text-background-color": surface,
        "text-background-opacity": 0.85,
        "text-background-padding": px(2),
        "text-background-shape": "round-rectangle",
        "z-index": 20,
      },
    },
    {
      selector: "edge",
      style: {
        "curve-style": "haystack",
        "line-color": line,
        width: px(1),
        opacity: 0.7,
      },
    },
    // Line width by shared works: 1 shared work is 2 px wide, 8 or more 9 px.
    {
      selector: "edge[shared_works]",
      style: { width: `mapData(shared_works, 1, 8, ${px(2)}, ${px(9)})`, opacity: 0.9 },
    },
    { selector: "edge[type = 'affiliated']", style: { "line-style": "dashed" } },
    // Every work is the researcher's own: those lines are drawn faint, the shared ones stand out.
    { selector: "edge.own", style: { opacity: 0.3 } },
    {
      selector: "node.hover",
      style: {
        label: "data(label)",
        "text-wrap": "wrap",
        "text-max-width": px(260),
        "text-background-color": surface,
        "text-background-opacity": 0.95,
        "text-background-padding": px(3),
        "text-background-shape": "round-rectangle",
        "text-outline-width": 0,
        "border-width": px(3),
        "border-color": focus,
        "z-index": 100,
      },
    },
    { selector: "node:selected, node.match", style: { "border-width": px(4), "border-color": focus } },
    { selector: "node.expanded", style: { "border-width": px(3), "border-style": "double", "border-color": text } },
    {
      selector: "node.axis",
      style: {
        shape: "rectangle",
        width: px(1.5),
        height: px(10),
        "background-color": cssVar("--muted", "#57606a"),
        "border-width": 0,
        "text-valign": "top",
        "text-margin-y": px(-4),
        color: cssVar("--muted", "#57606a"),
        events: "no",
      },
    },
    { selector: "edge.axis", style: { "curve-style": "straight", width: px(1.5), "line-color": cssVar("--muted", "#57606a"), events: "no" } },
    // On the timeline the lines only hint at links: the years are what the reader scans.
    ...(mode === "timeline" ? [{ selector: "edge[!axis]", style: { opacity: 0.18 } }, { selector: "edge[shared_works]", style: { opacity: 0.5 } }] : []),
    { selector: ".dimmed", style: { opacity: 0.15 } },
    { selector: ".filtered", style: { display: "none" } },
  ];
}

/**
 * Draw a slice payload into `container` at its computed positions, fit it, and show the labels
 * that fit. Returns the view: the Cytoscape core, the layout modes, and a refit function.
 */
export function drawSlice(container, slice) {
  const started = performance.now();
  container.hidden = false;
  const years = yearRange(slice);
  const cy = window.cytoscape({
    container,
    elements: toElements(slice.nodes, slice.edges, { years }),
    layout: { name: "preset", fit: false },
    style: styles(1),
    minZoom: 0.04,
    maxZoom: 4,
  });
  if (window.cytoscapeFcose && !window.cytoscape.bzpeerFcose) {
    window.cytoscape.use(window.cytoscapeFcose);
    window.cytoscape.bzpeerFcose = true;
  }
  // The builder lays the network out wider than tall; on a portrait screen it is turned round.
  if (container.clientHeight > container.clientWidth * 1.15) {
    cy.nodes().forEach((node) => {
      const at = node.data("force");
      if (!at) return;
      const turned = { x: -at.y, y: at.x };
      node.data("force", turned);
      node.position(turned);
    });
  }
  cy.getElementById(slice.center).connectedEdges("[type = 'authored']").addClass("own");
  const layout = new GraphLayout(cy, slice);
  fitView(cy);
  const refit = fitLabelsOnViewChange(cy, (zoom) => styles(zoom, layout.mode));
  refit();
  hoverShowsFullLabels(cy);
  const view = { cy, layout, years, refit, container };
  container.cy = cy; // a handle for the browser tests and the console
  container.graphView = view;
  // How long the drawing took, up to the first frame painted: `make bench-graph-draw` reads it.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      container.dataset.drawMs = String(Math.round(performance.now() - started));
    }),
  );
  return view;
}

function hoverShowsFullLabels(cy) {
  const show = (on) => (event) => {
    event.target.toggleClass("hover", on);
    cy.emit("labels");
  };
  cy.on("mouseover", "node[!axis]", show(true));
  cy.on("mouseout", "node[!axis]", show(false));
}

/** Show one node's full label in the graph while its entry in the list has keyboard focus. */
export function focusNode(cy, nodeId, on) {
  const node = cy.getElementById(nodeId);
  if (!node.length) return;
  node.toggleClass("hover", on);
  cy.emit("labels");
  if (on && node.visible()) {
    const box = node.renderedBoundingBox({ includeLabels: false });
    const outside = box.x2 < 0 || box.y2 < 0 || box.x1 > cy.width() || box.y1 > cy.height();
    if (outside) cy.center(node);
  }
}

/** Fill the legend's year scale from the slice, or keep it hidden when no work has a year. */
export function showYearLegend(root, years) {
  const item = root.querySelector("[data-graph-years]");
  if (!item || !years) return;
  item.querySelector("[data-graph-years-first]").textContent = String(years.first);
  item.querySelector("[data-graph-years-last]").textContent = String(years.last);
  item.hidden = false;
}

/**
 * The text alternative: every node of the graph, grouped by type, with its full name or title
 * and a link to its page. `onFocus(id, on)` hears keyboard focus and hover on an entry.
 */
export function renderNodeList(target, nodes, { onExpand, onFocus, expanded = new Set() } = {}) {
  target.replaceChildren();
  for (const type of TYPES) {
    const ofType = nodes.filter((node) => node.type === type);
    if (!ofType.length) continue;
    const heading = document.createElement("h3");
    heading.textContent = `${TYPE_HEADINGS[type]} (${ofType.length})`;
    const list = document.createElement("ul");
    list.className = "graph-nodes";
    list.dataset.type = type;
    for (const node of ofType) {
      const item = document.createElement("li");
      item.dataset.nodeId = node.id;
      if (onExpand) {
        const button = document.createElement("button");
        button.type = "button";
        // The text stays "Expand" (the name must contain it); aria-pressed tells it is done.
        button.textContent = "Expand";
        button.setAttribute("aria-pressed", String(expanded.has(node.id)));
        button.setAttribute("aria-label", `Expand the neighbourhood of ${node.label}`);
        button.addEventListener("click", () => onExpand(node.id));
        item.append(button);
      }
      const link = document.createElement("a");
      link.href = node.link;
      link.textContent = node.label;
      item.append(link);
      if (node.type === "work" && node.year) item.append(` (${node.year})`);
      if (node.center) item.append(" (this researcher)");
      else if (node.close) item.append(" (close collaborator)");
      if (onFocus) {
        item.addEventListener("focusin", () => onFocus(node.id, true));
        item.addEventListener("focusout", () => onFocus(node.id, false));
        item.addEventListener("mouseenter", () => onFocus(node.id, true));
        item.addEventListener("mouseleave", () => onFocus(node.id, false));
      }
      list.append(item);
    }
    target.append(heading, list);
  }
}

/** Show a state in the placeholder box; `data-graph-state` on the root tells tests and CSS. */
export function setStatus(root, state, title, text, { visible = state !== "ready" } = {}) {
  root.dataset.graphState = state;
  const box = root.querySelector("[data-graph-status]");
  if (!box) return;
  box.hidden = !visible;
  if (title) box.querySelector("[data-graph-status-title]").textContent = title;
  if (text) box.querySelector("[data-graph-status-text]").textContent = text;
}

const LOADING_TEXT = "BZPEER is loading the nearby papers, people, topics and institutions for this page.";

export function waitingText(body) {
  if (body.status === "pending" || body.status === "building") return LOADING_TEXT;
  return body.detail || LOADING_TEXT;
}

/** After drawing: say when the drawing is the last built slice while a newer one is built. */
export function showDrawn(root, body) {
  if (body.stale) {
    setStatus(root, "ready", "Refreshing this graph slice", "This is the last built graph; a newer one is being built.", { visible: true });
  } else {
    setStatus(root, "ready");
  }
}

/**
 * Wire the layout buttons: "Network" and "Timeline" switch the view (aria-pressed tells which),
 * "Re-arrange" lays everything out again. `whileBusy` runs any layout change one at a time.
 */
export function setUpToolbar(root, view, { onChange } = {}) {
  const bar = root.querySelector("[data-graph-toolbar]");
  if (!bar) return;
  const modes = [...bar.querySelectorAll("[data-graph-mode]")];
  const timeline = modes.find((button) => button.dataset.graphMode === "timeline");
  if (timeline && !view.layout.hasTimeline) {
    timeline.disabled = true;
    timeline.title = "No work in this graph has a publication year.";
  }
  for (const button of modes) {
    button.addEventListener("click", () =>
      whileBusy(root, view, async () => {
        await view.layout.setMode(button.dataset.graphMode);
        for (const other of modes) other.setAttribute("aria-pressed", String(other.dataset.graphMode === view.layout.mode));
        onChange?.();
      }),
    );
  }
  bar.querySelector("[data-graph-rearrange]")?.addEventListener("click", () =>
    whileBusy(root, view, async () => {
      await view.layout.rearrange();
      onChange?.();
    }),
  );
  root.dataset.graphMode = view.layout.mode;
  bar.hidden = false;
}

/** Run one layout change at a time; the root's state says "arranging" meanwhile. */
export async function whileBusy(root, view, work) {
  if (view.busy) return;
  view.busy = true;
  const state = root.dataset.graphState;
  root.dataset.graphState = "arranging";
  try {
    await work();
  } finally {
    view.refit();
    view.busy = false;
    root.dataset.graphMode = view.layout.mode;
    root.dataset.graphState = state === "arranging" ? "ready" : state;
  }
}
