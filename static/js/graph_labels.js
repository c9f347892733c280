// Labels that never collide. Labels are drawn at a fixed size on screen whatever the zoom, and
// after every change of view the labels of the highest-ranked nodes that fit are shown: a label
// is kept only when its box (Cytoscape's own, with a small margin) overlaps no label already
// kept and no other node, and lies inside the view. The rest appear as the reader zooms in, and
// the full text of any node shows on hover and keyboard focus (the "hover" class).

export const LABEL_PX = 12;
export const CENTER_LABEL_PX = 15;
// Space kept clear around each label, in screen pixels.
const MARGIN_PX = 3;

const BODY = { includeLabels: false, includeOverlays: false, includeEdges: false };
const LABEL = { includeNodes: false, includeLabels: true, includeOverlays: false, includeEdges: false };

/** The order labels are offered room in: hovered or focused nodes, axis ticks, the researcher, then by rank. */
export function labelOrder(a, b) {
  return (
    Number(b.hasClass("hover")) - Number(a.hasClass("hover")) ||
    Number(Boolean(b.data("axis"))) - Number(Boolean(a.data("axis"))) ||
    Number(Boolean(b.data("center"))) - Number(Boolean(a.data("center"))) ||
    (b.data("weight") ?? 0) - (a.data("weight") ?? 0) ||
    (a.id() < b.id() ? -1 : 1)
  );
}

const overlaps = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
const inside = (box, area) => box.x1 >= area.x1 && box.x2 <= area.x2 && box.y1 >= area.y1 && box.y2 <= area.y2;
const grow = (box, by) => ({ x1: box.x1 - by, y1: box.y1 - by, x2: box.x2 + by, y2: box.y2 + by });

export const LABEL_SIDES = ["bottom", "top", "right", "left"];
const SIDE_CLASSES = LABEL_SIDES.slice(1).map((side) => `label-${side}`).join(" ");

/** Where a label measured below its node would be on each side of it. */
function sideBoxes(node, below) {
  const { x, y } = node.position();
  const half = (node.data("size") ?? 20) / 2;
  const gap = below.y1 - (y + half);
  const { w, h } = below;
  return {
    bottom: below,
    top: { x1: below.x1, x2: below.x2, y1: y - half - gap - h, y2: y - half - gap },
    right: { x1: x + half + gap, x2: x + half + gap + w, y1: y - h / 2, y2: y + h / 2 },
    left: { x1: x - half - gap - w, x2: x - half - gap, y1: y - h / 2, y2: y + h / 2 },
  };
}

/**
 * Show the labels that fit at the current zoom and hide the others; return how many are shown.
 * Each node in rank order takes the first side (below, above, right, left) where its label
 * crosses no label already placed and no other node; a last pass over Cytoscape's own boxes of
 * the labels as drawn drops any that still touch, so none ever overlap.
 */
export function fitLabels(cy) {
  const nodes = cy.nodes().filter((node) => node.visible());
  // Measure every candidate's label with the label on, below its node; the losers' labels
  // come off again at the end.
  cy.batch(() => nodes.removeClass(SIDE_CLASSES).addClass("labelled"));
  const margin = MARGIN_PX / cy.zoom();
  const view = cy.extent();
  const bodies = nodes.filter((node) => !node.data("axis")).map((node) => [node.id(), node.boundingBox(BODY)]);
  const placed = [];
  const side = new Map();
  const ordered = nodes.sort(labelOrder);
  for (const node of ordered) {
    const below = node.boundingBox(LABEL);
    if (!(below.w > 0)) continue;
    if (node.hasClass("hover")) {
      // The reader asked for this one: its full label comes first and the others make room.
      placed.push(grow(below, margin));
      side.set(node.id(), "bottom");
      continue;
    }
    const boxes = node.data("axis") ? { bottom: below } : sideBoxes(node, below);
    for (const [name, box] of Object.entries(boxes)) {
      const room = grow(box, margin);
      const fits =
        inside(box, view) &&
        !placed.some((other) => overlaps(other, room)) &&
        // The researcher's own label may cross other nodes: it is always offered room first.
        (node.data("center") || !bodies.some(([id, body]) => id !== node.id() && overlaps(body, room)));
      if (fits) {
        placed.push(room);
        side.set(node.id(), name);
        break;
      }
    }
  }
  cy.batch(() => {
    for (const node of ordered) {
      const name = side.get(node.id());
      if (!name) node.removeClass("labelled");
      else if (name && name !== "bottom") node.addClass(`label-${name}`);
    }
  });
  // Check the labels as Cytoscape draws them: the first of any two that touch keeps its label.
  const drawn = [];
  const dropped = [];
  for (const node of ordered) {
    if (!side.has(node.id())) continue;
    const box = node.boundingBox(LABEL);
    const wanted = node.hasClass("hover") || inside(box, view);
    if (wanted && !drawn.some((other) => overlaps(other, box))) drawn.push(box);
    else dropped.push(node);
  }
  if (dropped.length) cy.batch(() => cy.collection(dropped).removeClass(`labelled ${SIDE_CLASSES}`));
  return drawn.length;
}

/** Refit the labels after the view or the nodes change, at most once a frame. */
export function fitLabelsOnViewChange(cy, stylesAt) {
  let queued = false;
  let styled = null;
  const refit = () => {
    queued = false;
    // Label sizes are set in screen pixels: restyle when the zoom (or the view) has changed.
    const sheet = stylesAt(cy.zoom());
    const key = JSON.stringify([cy.zoom(), sheet.length, cy.scratch("_mode")]);
    if (styled !== key) {
      styled = key;
      cy.style(sheet);
    }
    fitLabels(cy);
  };
  // Moving nodes (an animation, a drag) changes where labels fit as much as zooming does.
  // "labels" is emitted when a node's full label is shown or hidden (hover, focus).
  cy.on("viewport position labels", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(refit);
  });
  return refit;
}

/** The label drawn while nothing is hovered: long titles and names cut with an ellipsis. */
export function shortLabel(label, type) {
  const max = type === "work" ? 30 : 26;
  if (label.length <= max) return label;
  const cut = label.slice(0, max - 1);
  const word = cut.lastIndexOf(" ");
  return `${(word > max * 0.6 ? cut.slice(0, word) : cut).replace(/[\s,.:;–-]+$/, "")}…`;
}
