// The research graph's shared code: ask for a slice (polling while it is built), draw it with
// Cytoscape.js (vendored, loaded by a classic <script> before the page's module), and list the
// same nodes as text for keyboards and screen readers.

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

function colour(type) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--graph-${type}`);
  return value.trim() || "#888888";
}

function shortLabel(label, type) {
  const max = type === "work" ? 34 : 28;
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/** Cytoscape elements for a list of payload nodes and edges. */
export function toElements(nodes, edges) {
  const elements = nodes.map((node) => ({
    group: "nodes",
    data: {
      ...node,
      short: shortLabel(node.label, node.type),
      colour: colour(node.type),
      shape: SHAPES[node.type],
      weight: node.weight ?? 0.2,
    },
    position: node.position ? { ...node.position } : undefined,
  }));
  for (const edge of edges) elements.push({ group: "edges", data: { ...edge } });
  return elements;
}

function styles() {
  const text = getComputedStyle(document.body).color;
  const line = getComputedStyle(document.documentElement).getPropertyValue("--border").trim() || "#bbbbbb";
  const focus = getComputedStyle(document.documentElement).getPropertyValue("--focus").trim() || "#ffbf47";
  return [
    {
      selector: "node",
      style: {
        "background-color": "data(colour)",
        shape: "data(shape)",
        width: "mapData(weight, 0, 1, 16, 52)",
        height: "mapData(weight, 0, 1, 16, 52)",
        label: "data(short)",
        color: text,
        "font-size": 13,
        "text-valign": "bottom",
        "text-margin-y": 4,
        // Labels too small to read are left out until the reader zooms in.
        "min-zoomed-font-size": 7,
      },
    },
    { selector: "node[?center]", style: { width: 64, height: 64, "font-size": 20, "font-weight": "bold" } },
    { selector: "node[type = 'work']", style: { "min-zoomed-font-size": 9 } },
    {
      selector: "edge",
      style: {
        "curve-style": "haystack",
        "line-color": line,
        width: "mapData(weight, 1, 10, 1, 5)",
        opacity: 0.8,
      },
    },
    { selector: "edge[type = 'coauthor']", style: { "line-style": "solid", opacity: 1 } },
    { selector: "edge[type = 'affiliated']", style: { "line-style": "dashed" } },
    { selector: "node:selected, node.match", style: { "border-width": 4, "border-color": focus } },
    { selector: "node.expanded", style: { "border-width": 2, "border-style": "double", "border-color": text } },
    { selector: ".dimmed", style: { opacity: 0.15 } },
    { selector: ".filtered", style: { display: "none" } },
  ];
}

/** Draw a slice payload into `container` at its computed positions; return the Cytoscape core. */
export function drawSlice(container, slice) {
  container.hidden = false;
  const cy = window.cytoscape({
    container,
    elements: toElements(slice.nodes, slice.edges),
    layout: { name: "preset", fit: true, padding: 24 },
    style: styles(),
    minZoom: 0.15,
    maxZoom: 3,
  });
  container.cy = cy; // a handle for the browser tests and the console
  return cy;
}

/** The text alternative: every node of the graph, grouped by type, with a link to its page. */
export function renderNodeList(target, nodes, { onExpand, expanded = new Set() } = {}) {
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
        button.textContent = expanded.has(node.id) ? "Expanded" : "Expand";
        button.setAttribute("aria-pressed", String(expanded.has(node.id)));
        button.setAttribute("aria-label", `Expand the neighbourhood of ${node.label}`);
        button.addEventListener("click", () => onExpand(node.id));
        item.append(button);
      }
      const link = document.createElement("a");
      link.href = node.link;
      link.textContent = node.label;
      item.append(link);
      if (node.center) item.append(" (this researcher)");
      else if (node.close) item.append(" (close collaborator)");
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
