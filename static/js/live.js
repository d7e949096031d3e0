// The live connection every screen shares: connect, keep the atelier's state
// up to date from `state` and `change` patches, resync after a drop.
// Patches follow docs/api.md; note texts are rendered with textContent only.
import { N_, t } from "./i18n.js";

export class LiveState {
  constructor() {
    this.reset();
  }

  reset() {
    this.seq = 0;
    this.workshop = null;
    this.blocs = new Map();
    this.notes = new Map();
    this.participants = new Map();
    this.clusters = new Map();
    this.results = new Map(); // bloc id -> {ranking, retained}, once the vote is closed
    this.noteCounts = new Map(); // bloc id -> notes on its board: a large room's phones get counts while writing
    this.synthesis = []; // staff only: [{id, title, actions: [{id, text, soutien, source}]}]
    this.mine = new Set(); // ids of my notes: a room-wide patch does not know who I am
    this.clockOffset = 0; // server clock minus this device's clock, in ms
  }

  // Apply a patch; returns false when it reveals a gap (the caller resyncs).
  apply(patch) {
    if (patch.full) this.reset();
    else if (patch.since > this.seq) return false;
    if (patch.server_time) this.clockOffset = patch.server_time * 1000 - Date.now();
    if (patch.workshop) this.workshop = { ...this.workshop, ...patch.workshop };
    for (const id of patch.deleted_blocs || []) this.blocs.delete(id);
    for (const bloc of patch.blocs || []) {
      this.blocs.set(bloc.id, bloc);
      // A bloc in a patch comes with all its visible notes and clusters: replace them.
      for (const [id, note] of this.notes) if (note.bloc === bloc.id) this.notes.delete(id);
      for (const [id, cluster] of this.clusters) if (cluster.bloc === bloc.id) this.clusters.delete(id);
    }
    for (const cluster of patch.clusters || []) this.clusters.set(cluster.id, cluster);
    for (const id of patch.deleted_clusters || []) this.clusters.delete(id);
    for (const [blocId, result] of Object.entries(patch.results || {})) this.results.set(Number(blocId), result);
    for (const [blocId, count] of Object.entries(patch.note_counts || {})) this.noteCounts.set(Number(blocId), count);
    if (patch.synthesis) this.synthesis = patch.synthesis;
    for (const note of patch.notes || []) {
      if (note.mine) this.mine.add(note.id);
      this.notes.set(note.id, { ...note, mine: this.mine.has(note.id) });
    }
    for (const id of patch.deleted_notes || []) this.notes.delete(id);
    for (const p of patch.participants || []) this.participants.set(p.id, p);
    for (const id of patch.deleted_participants || []) this.participants.delete(id);
    this.seq = Math.max(this.seq, patch.seq);
    return true;
  }

  get currentBloc() {
    return this.workshop ? this.blocs.get(this.workshop.current_bloc) || null : null;
  }

  sortedBlocs() {
    return [...this.blocs.values()].sort((a, b) => a.position - b.position || a.id - b.id);
  }

  // Seconds left on a bloc's countdown, on the server's clock (null: no timer).
  secondsLeft(bloc) {
    const timer = bloc && bloc.timer;
    if (!timer) return null;
    if (!timer.running) return Math.max(0, timer.remaining);
    return Math.max(0, timer.ends_at - (Date.now() + this.clockOffset) / 1000);
  }

  // The bloc's board: its clusters with their notes, then the notes in none.
  board(blocId, column) {
    // A note waiting for the facilitator (moderated bloc) is not on the board yet.
    const notes = this.notesOf(blocId, column).filter((n) => !n.pending);
    const clusters = [...this.clusters.values()]
      .filter((c) => c.bloc === blocId)
      .map((c) => ({ cluster: c, notes: notes.filter((n) => n.cluster === c.id) }))
      .filter((g) => g.notes.length)
      .sort((a, b) => b.notes.length - a.notes.length || a.cluster.id - b.cluster.id);
    const grouped = new Set(clusters.map((g) => g.cluster.id));
    return { clusters, loose: notes.filter((n) => !grouped.has(n.cluster)) };
  }

  // A bloc run by table: each table's board (its groups in the rapporteur's
  // order, then its loose notes), for the screens that show every table.
  tableBoards(blocId) {
    const notes = this.notesOf(blocId).filter((n) => !n.pending);
    const count = (this.workshop && this.workshop.tables) || 0;
    return Array.from({ length: count }, (_, i) => i + 1).map((table) => {
      const own = notes.filter((n) => n.table === table);
      const groups = [...this.clusters.values()]
        .filter((c) => c.bloc === blocId && c.table === table)
        .sort((a, b) => (a.rank || 0) - (b.rank || 0) || a.id - b.id)
        .map((c) => ({ cluster: c, notes: own.filter((n) => n.cluster === c.id) }))
        .filter((g) => g.notes.length);
      const grouped = new Set(groups.map((g) => g.cluster.id));
      return { table, count: own.length, groups, loose: own.filter((n) => !grouped.has(n.cluster)) };
    });
  }

  // Vote items: clusters with notes, then notes in no cluster ("c12", "n34").
  voteItems(blocId) {
    const { clusters, loose } = this.board(blocId);
    return [
      ...clusters.map((g) => ({ key: `c${g.cluster.id}`, label: g.cluster.label, size: g.notes.length })),
      ...loose.map((n) => ({ key: `n${n.id}`, label: n.text, size: 1 })),
    ];
  }

  notesOf(blocId, column) {
    return [...this.notes.values()]
      .filter((n) => n.bloc === blocId && (column === undefined || n.column === column))
      .sort((a, b) => a.id - b.id);
  }
}

// Connect with `auth` (an object, or a function returning one) and call
// `render()` after every state change. `onStatus(online)` tracks the link.
export function connectLive({ auth, render, onStatus = () => {}, onRefused = () => {}, onConnect = () => {} }) {
  const state = new LiveState();
  const authNow = () => (typeof auth === "function" ? auth() : auth);
  const socket = io({
    // The atelier's code in the address: a proxy in front of several workers
    // sends every screen of an atelier to the same one (deploy/nginx-workers.conf).
    query: { code: authNow().code },
    // Sent again on every reconnection, with the last seq seen: the server
    // answers with what was missed instead of everything.
    auth: (cb) => cb({ ...authNow(), since: state.seq }),
    transports: ["websocket", "polling"],
    reconnectionDelayMax: 4000,
  });

  const resync = () => {
    socket.timeout(10000).emit("sync", { since: state.seq }, (err, ack) => {
      if (!err && ack && ack.ok) {
        state.apply(ack.state);
        render(state);
      }
    });
  };

  socket.on("state", (patch) => {
    if (!state.apply(patch)) {
      state.apply({ ...patch, full: true });
    }
    if (patch.me) state.me = patch.me;
    render(state);
    onConnect(state);
  });
  socket.on("change", (patch) => {
    if (state.apply(patch)) render(state);
    else resync();
  });
  // The server's workers lost each other (Redis) and found each other again: catch up.
  socket.on("resync", resync);
  // The screen's own words rather than the event's message (sent to a whole room, whatever each screen's language).
  const leave = (title, text) => () => {
    socket.disconnect();
    document.body.replaceChildren(el("main", { class: "card" }, el("h1", {}, title), el("p", {}, text)));
  };
  socket.on("workshop:deleted", leave(t("Atelier supprimé"), t("Cet atelier a été supprimé par l'animation.")));
  socket.on("participant:removed", leave(t("Retiré de l'atelier"), t("L'animation vous a retiré de cet atelier.")));
  socket.on("connect", () => onStatus(true));
  socket.on("disconnect", () => onStatus(false));
  socket.on("connect_error", (err) => {
    onStatus(false);
    if (err && err.data && err.data.code) {
      onRefused(err.data);
      const final = ["unknown_workshop", "bad_key", "workshop_full", "workshop_locked", "participant_removed"];
      if (final.includes(err.data.code)) socket.disconnect();
      // Seats free up as newcomers from this network write or leave: try again shortly.
      else if (err.data.code === "too_many_arrivals") setTimeout(() => socket.connect(), 5000 + Math.random() * 5000);
    }
  });
  document.addEventListener("visibilitychange", () => {
    // A phone waking up: make sure the link is alive and nothing was missed.
    if (document.visibilityState === "visible") {
      if (socket.connected) resync();
      else socket.connect();
    }
  });
  return { socket, state, resync };
}

// Emit with an acknowledgement, as a promise of the ack ({ok, ...}).
export function request(socket, event, payload, timeoutMs = 10000) {
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (err, ack) => {
      if (err)
        resolve({
          ok: false,
          error: { code: "timeout", message: t("Pas de réponse du serveur : nouvel essai au retour du réseau.") },
        });
      else resolve(ack);
    });
  });
}

// Bidi controls (RLO and the like) in what someone typed must not reorder the
// text around it: a string that holds one is isolated in a <bdi>.
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const TEXT_ONLY = new Set(["option", "textarea", "title", "bdi"]);

function textNode(tag, text) {
  if (!BIDI_CONTROL.test(text) || TEXT_ONLY.has(tag)) return document.createTextNode(text);
  const isolated = document.createElement("bdi");
  isolated.textContent = text;
  return isolated;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : textNode(tag, String(child)));
  }
  return node;
}

export const PHASES = [
  ["ecriture", N_("Écriture")],
  ["devoilement", N_("Dévoilement")],
  ["regroupement", N_("Regroupement")],
  ["vote", N_("Vote")],
  ["clos", N_("Clos")],
];

export function phaseLabel(phase) {
  return t((PHASES.find(([id]) => id === phase) || [phase, phase])[1]);
}

export function columnLabel(bloc, columnId) {
  const column = (bloc.columns || []).find((c) => c.id === columnId);
  return column ? column.label : "";
}

// Replace a container's content without losing what is being typed: fields
// carry data-key; the focused one keeps its value, focus and caret, and
// drafts (data-draft, e.g. a new action not yet added) keep their text.
export function replaceKeepingFocus(container, children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : null;
  const typing = key && "value" in active ? active.value : null;
  const caret = key && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
  const drafts = new Map([...container.querySelectorAll("[data-draft]")].map((f) => [f.dataset.key, f.value]));
  container.replaceChildren(...children);
  for (const [draftKey, value] of drafts) {
    const field = container.querySelector(`[data-key="${CSS.escape(draftKey)}"]`);
    if (field && value) field.value = value;
  }
  if (!key) return;
  const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (!again) return;
  if (typing !== null && again.value !== typing) again.value = typing;
  again.focus();
  if (caret && "setSelectionRange" in again) {
    try {
      again.setSelectionRange(...caret);
    } catch {
      /* not a text field */
    }
  }
}

export function formatDuration(seconds) {
  const s = Math.ceil(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// Keep a countdown element ticking every half second between patches
// (`element` may be a function: a screen that redraws it finds it anew).
export function tickCountdown(element, state, blocFn) {
  const update = () => showCountdown(typeof element === "function" ? element() : element, state, blocFn());
  update();
  return setInterval(update, 500);
}

function showCountdown(element, state, bloc) {
  if (!element) return;
  const left = state.secondsLeft(bloc);
  element.hidden = left === null;
  if (left === null) return;
  element.textContent = left > 0 ? formatDuration(left) : t("Temps écoulé");
  element.classList.toggle("paused", !bloc.timer.running);
  element.classList.toggle("over", left <= 0);
}

// Identical or near-identical notes (case, accents, punctuation) fold into
// one card with a count, as "Communauté de pratiques (2)" in seed 001.
const foldKeys = new Map(); // text -> key: a board redraw folds 600 notes, mostly the same texts as before

export function foldKey(text) {
  let key = foldKeys.get(text);
  if (key === undefined) {
    key = text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
    foldKeys.set(text, key);
  }
  return key;
}

export function foldIdentical(notes) {
  const folded = new Map();
  for (const note of notes) {
    const key = foldKey(note.text) || `#${note.id}`;
    if (folded.has(key)) folded.get(key).notes.push(note);
    else folded.set(key, { text: note.text, notes: [note] });
  }
  return [...folded.values()];
}

export function isPrivateNow(bloc) {
  return bloc.private_writing && bloc.phase === "ecriture";
}
