// What every console panel shares: htm bound to Preact, the live link, the
// facilitator's requests and the message line, and the local UI state
// (selection, suggestions, open view) that is not the atelier's.
import { Component } from "../../vendor/preact.module.js";
import { useEffect, useRef } from "../../vendor/preact-hooks.module.js";
import { html } from "../html.js";
import { request } from "../live.js";

export { html };
export { N_, t } from "../i18n.js";

export const app = {
  live: null, // {socket, state} once connected
  workshopId: "",
  key: "",
  refresh: () => {}, // redraw on the next frame
};

export const ui = {
  view: "board", // board | synthesis | draw
  selectedNotes: new Set(),
  selectedClusters: new Set(),
  suggestions: null, // {bloc, placements, clusters} from cluster:suggest
  unticked: new Set(), // "p<note id>" for a placement, "g<index>" for a new group
  offers: new Map(), // note id -> cluster:offer for a late note
};

export function showMessage(text, kind = "info") {
  const line = document.getElementById("message");
  line.textContent = text;
  line.className = `message ${kind}`;
  line.hidden = !text;
}

// A facilitator's Socket.IO request; a refusal shows its French message.
export async function act(event, payload, timeoutMs = 10000) {
  const ack = await request(app.live.socket, event, payload, timeoutMs);
  showMessage(ack.ok ? "" : ack.error.message, ack.ok ? "info" : "error");
  return ack;
}

// A facilitator's HTTP request (exports, template, deletion): the key goes in a header.
export function staffFetch(path, options = {}) {
  return fetch(`/api/workshops/${app.workshopId}${path}`, {
    ...options,
    headers: { "X-Facilitator-Key": app.key, ...(options.body ? { "Content-Type": "application/json" } : {}) },
  });
}

export function clearSelection() {
  ui.selectedNotes.clear();
  ui.selectedClusters.clear();
  app.refresh();
}

// Redraw a component only when one of its (flat) props changed: a new note
// among 600 redraws one card, not the board.
export class Pure extends Component {
  shouldComponentUpdate(next) {
    const keys = Object.keys(next);
    return keys.length !== Object.keys(this.props).length || keys.some((k) => next[k] !== this.props[k]);
  }
}

// Close the <details> menu an action was chosen from.
export function closeMenu(event) {
  const menu = event.currentTarget.closest("details");
  if (menu) menu.open = false;
}

// A text field that follows the atelier's value without ever overwriting what
// is being typed: the server's value lands only while the field has no focus.
export function Field({ as = "input", value, ...props }) {
  const ref = useRef(null);
  useEffect(() => {
    if (ref.current && document.activeElement !== ref.current) ref.current.value = value;
  }, [value]);
  const Tag = as;
  return html`<${Tag} ref=${ref} defaultValue=${value} ...${props} />`;
}
