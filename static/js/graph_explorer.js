// The full explorer: the same slice, larger, with type filters, search, and expand-on-click
// through the bounded neighbours API. The node list under the graph does the same by keyboard.
import {
  drawSlice,
  fetchNeighbours,
  fetchSlice,
  renderNodeList,
  setStatus,
  showDrawn,
  toElements,
  waitingText,
} from "./graph.js";

const EXPAND_RADIUS = 90;

// "1 node matches", "3 nodes match": a count reads as words, singular or plural.
function nodes(count) {
  return `${count} ${count === 1 ? "node" : "nodes"}`;
}

function nodesOf(cy) {
  const order = { researcher: 0, work: 1, topic: 2, institution: 3 };
  return cy
    .nodes()
    .map((node) => node.data())
    .sort((a, b) => order[a.type] - order[b.type] || Number(b.center || 0) - Number(a.center || 0) || a.label.localeCompare(b.label));
}

function describe(target, node) {
  target.replaceChildren();
  const heading = document.createElement("h2");
  heading.textContent = node.data("label");
  const kind = document.createElement("p");
  kind.className = "muted";
  kind.textContent = node.data("type");
  const link = document.createElement("a");
  link.href = node.data("link");
  link.textContent = "Open its page";
  target.append(heading, kind, link);
}

async function start(root) {
  const canvas = root.querySelector("[data-graph-canvas]");
  const listBody = root.querySelector("[data-graph-list-body]");
  const selected = root.querySelector("[data-graph-selected]");
  const searchInput = root.querySelector("[data-graph-search]");
  const searchResult = root.querySelector("[data-graph-search-result]");
  const expanded = new Set();
  let cy;

  const refreshList = () => {
    renderNodeList(listBody, nodesOf(cy), { onExpand: expand, expanded });
    root.dataset.graphNodeCount = String(cy.nodes().length);
  };

  async function expand(nodeId) {
    const node = cy.getElementById(nodeId);
    if (!node.length) return;
    cy.nodes().unselect();
    node.select();
    describe(selected, node);
    if (expanded.has(nodeId)) return;
    root.dataset.graphState = "expanding";
    try {
      const found = await fetchNeighbours(root.dataset.neighboursUrl, nodeId);
      const fresh = found.nodes.filter((n) => !cy.getElementById(n.id).length);
      const centre = node.position();
      fresh.forEach((n, i) => {
        const angle = (2 * Math.PI * i) / Math.max(fresh.length, 1);
        n.position = { x: centre.x + EXPAND_RADIUS * Math.cos(angle), y: centre.y + EXPAND_RADIUS * Math.sin(angle) };
        n.weight = 0.15;
      });
      const edges = found.edges.filter((e) => !cy.getElementById(e.id).length);
      cy.add(toElements(fresh, edges));
      expanded.add(nodeId);
      node.addClass("expanded");
      applyFilters();
      refreshList();
      searchResult.textContent = `${nodes(fresh.length)} added next to ${node.data("label")}${found.more ? "; more exist" : ""}.`;
      cy.animate({ center: { eles: node } }, { duration: 250 });
    } catch (error) {
      searchResult.textContent = error.message;
    }
    root.dataset.graphState = "ready";
  }

  function applyFilters() {
    const shown = new Set(
      [...root.querySelectorAll("[data-graph-filter]")].filter((box) => box.checked).map((box) => box.value),
    );
    cy.nodes().forEach((node) => {
      node.toggleClass("filtered", !shown.has(node.data("type")) && !node.data("center"));
    });
    for (const list of listBody.querySelectorAll("ul[data-type]")) {
      list.hidden = !shown.has(list.dataset.type);
      list.previousElementSibling.hidden = list.hidden;
    }
  }

  function search() {
    const query = searchInput.value.trim().toLowerCase();
    cy.elements().removeClass("dimmed match");
    if (!query) {
      searchResult.textContent = "";
      return cy.collection();
    }
    const matches = cy.nodes().filter((node) => node.data("label").toLowerCase().includes(query));
    cy.elements().difference(matches).addClass("dimmed");
    matches.addClass("match");
    searchResult.textContent = `${nodes(matches.length)} ${matches.length === 1 ? "matches" : "match"} “${searchInput.value.trim()}”.`;
    return matches;
  }

  try {
    const body = await fetchSlice(root.dataset.sliceUrl, {
      onWaiting: (waiting) => setStatus(root, "waiting", "Building this graph slice", waitingText(waiting)),
    });
    cy = drawSlice(canvas, body.slice);
    cy.on("tap", "node", (event) => expand(event.target.id()));
    for (const box of root.querySelectorAll("[data-graph-filter]")) box.addEventListener("change", applyFilters);
    searchInput.addEventListener("input", search);
    searchInput.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const matches = search();
      if (matches.length) cy.animate({ fit: { eles: matches, padding: 60 } }, { duration: 250 });
    });
    refreshList();
    showDrawn(root, body);
  } catch (error) {
    setStatus(root, "error", "This graph slice is not available yet", error.message);
  }
}

const root = document.querySelector("[data-graph]");
if (root && window.cytoscape) start(root);
