// The profile page's graph section: wait for the slice, draw it inline, list it as text.
// A tap on a node opens that node's page.
import { drawSlice, fetchSlice, renderNodeList, setStatus, showDrawn, waitingText } from "./graph.js";

async function start(root) {
  try {
    const body = await fetchSlice(root.dataset.sliceUrl, {
      onWaiting: (waiting) => setStatus(root, "waiting", "Building this graph slice", waitingText(waiting)),
    });
    const cy = drawSlice(root.querySelector("[data-graph-canvas]"), body.slice);
    cy.on("tap", "node", (event) => {
      const link = event.target.data("link");
      if (link) window.location.assign(link);
    });
    const list = root.querySelector("[data-graph-list]");
    renderNodeList(list.querySelector("[data-graph-list-body]"), body.slice.nodes);
    list.hidden = false;
    root.dataset.graphNodeCount = String(cy.nodes().length);
    showDrawn(root, body);
  } catch (error) {
    setStatus(root, "error", "This graph slice is not available yet", error.message);
  }
}

const root = document.querySelector("[data-graph]");
if (root && window.cytoscape) start(root);
