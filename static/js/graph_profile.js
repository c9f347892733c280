// The profile page's graph section: wait for the slice, draw it inline, list it as text.
// A tap on a node opens that node's page; the list's entries show their node's full label.
import {
  drawSlice,
  fetchSlice,
  focusNode,
  renderNodeList,
  setStatus,
  setUpToolbar,
  showDrawn,
  showYearLegend,
  waitingText,
} from "./graph.js";

async function start(root) {
  try {
    const body = await fetchSlice(root.dataset.sliceUrl, {
      onWaiting: (waiting) => setStatus(root, "waiting", "Building this graph slice", waitingText(waiting)),
    });
    const view = drawSlice(root.querySelector("[data-graph-canvas]"), body.slice);
    const { cy } = view;
    cy.on("tap", "node[!axis]", (event) => {
      const link = event.target.data("link");
      if (link) window.location.assign(link);
    });
    const list = root.querySelector("[data-graph-list]");
    renderNodeList(list.querySelector("[data-graph-list-body]"), body.slice.nodes, {
      onFocus: (id, on) => focusNode(cy, id, on),
    });
    list.hidden = false;
    showYearLegend(root, view.years);
    setUpToolbar(root, view);
    root.dataset.graphNodeCount = String(body.slice.nodes.length);
    showDrawn(root, body);
  } catch (error) {
    setStatus(root, "error", "This graph slice is not available yet", error.message);
  }
}

const root = document.querySelector("[data-graph]");
if (root && window.cytoscape) start(root);
