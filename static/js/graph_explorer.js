// The full explorer: the same slice, larger, with type filters, search, the network and
// timeline views, and expand-on-click through the bounded neighbours API: added nodes go to free
// space next to the expanded node and nothing already drawn moves ("Re-arrange" lays everything
// out again). The node list under the graph does the same by keyboard.
import {
  drawSlice,
  fetchNeighbours,
  fetchSlice,
  focusNode,
  renderNodeList,
  setStatus,
  setUpToolbar,
  showDrawn,
  showYearLegend,
  toElements,
  waitingText,
} from "./graph.js";
import { fitView, graphNodes } from "./graph_layout.js";

// "1 node matches", "3 nodes match": a count reads as words, singular or plural.
function nodes(count) {
  return `${count} ${count === 1 ? "node" : "nodes"}`;
}

function nodesOf(cy) {
  const order = { researcher: 0, work: 1, topic: 2, institution: 3 };
  return graphNodes(cy)
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
  let view;

  const refreshList = () => {
    renderNodeList(listBody, nodesOf(cy), { onExpand: expand, onFocus: (id, on) => focusNode(cy, id, on), expanded });
    root.dataset.graphNodeCount = String(graphNodes(cy).length);
  };

  async function expand(nodeId) {
    const node = cy.getElementById(nodeId);
    if (!node.length) return;
    cy.nodes().unselect();
    node.select();
    describe(selected, node);
    if (expanded.has(nodeId) || view.busy) return;
    view.busy = true;
    root.dataset.graphState = "expanding";
    try {
      const found = await fetchNeighbours(root.dataset.neighboursUrl, nodeId);
      const fresh = found.nodes.filter((n) => !cy.getElementById(n.id).length);
      const edges = found.edges.filter((e) => !cy.getElementById(e.id).length);
      const added = cy.add(toElements(fresh, edges, { years: view.years, expandedFrom: nodeId })).nodes();
      added.positions(() => ({ ...node.position() }));
      await view.layout.place(node, added);
      expanded.add(nodeId);
      node.addClass("expanded");
      applyFilters();
      refreshList();
      // Zoom out only when an added node landed outside the view; the drawing itself stays put.
      const extent = cy.extent();
      const outside = added.some((n) => {
        const { x, y } = n.position();
        return x < extent.x1 || x > extent.x2 || y < extent.y1 || y > extent.y2;
      });
      if (outside) fitView(cy);
      view.refit();
      searchResult.textContent = `${nodes(fresh.length)} added next to ${node.data("label")}${found.more ? "; more exist" : ""}.`;
    } catch (error) {
      searchResult.textContent = error.message;
    } finally {
      view.busy = false;
    }
    root.dataset.graphState = "ready";
  }

  function applyFilters() {
    const shown = new Set(
      [...root.querySelectorAll("[data-graph-filter]")].filter((box) => box.checked).map((box) => box.value),
    );
    graphNodes(cy).forEach((node) => {
      node.toggleClass("filtered", !shown.has(node.data("type")) && !node.data("center"));
    });
    view.refit();
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
    const matches = graphNodes(cy).filter((node) => node.data("label").toLowerCase().includes(query));
    cy.elements().difference(matches).addClass("dimmed");
    matches.addClass("match");
    searchResult.textContent = `${nodes(matches.length)} ${matches.length === 1 ? "matches" : "match"} “${searchInput.value.trim()}”.`;
    return matches;
  }

  try {
    const body = await fetchSlice(root.dataset.sliceUrl, {
      onWaiting: (waiting) => setStatus(root, "waiting", "Building this graph slice", waitingText(waiting)),
    });
    view = drawSlice(canvas, body.slice);
    cy = view.cy;
    cy.on("tap", "node[!axis]", (event) => expand(event.target.id()));
    showYearLegend(root, view.years);
    setUpToolbar(root, view);
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
