// The participant's phone: join, write notes to the current bloc, keep them.
// Notes wait in a localStorage outbox until the server acknowledges them, so
// a phone that loses the Wi-Fi, sleeps or reloads loses nothing.
import {
  columnLabel,
  connectLive,
  el,
  foldIdentical,
  isPrivateNow,
  phaseLabel,
  request,
  tickCountdown,
} from "./live.js";
import { render as renderInto } from "../vendor/preact.module.js";
import { html } from "./html.js";
import { t } from "./i18n.js";
import { Results } from "./results.js";

const root = document.getElementById("app");
const code = root.dataset.code;
const tokenKey = `facilitate:token:${code}`;
const outboxKey = `facilitate:outbox:${code}`;
const votesKey = `facilitate:votes:${code}`; // votes not yet acknowledged: {"bloc:item": {bloc, item, dots}}
const lastKey = `facilitate:last:${code}`; // the atelier and its current bloc, for a reload without network
const MAX = 500;

const $ = (id) => document.getElementById(id);
let live = null;
let selectedColumn = null;
let editing = null; // id of the note being edited
let flushing = false;

function readOutbox() {
  try {
    return JSON.parse(localStorage.getItem(outboxKey)) || [];
  } catch {
    return [];
  }
}
function writeOutbox(items) {
  localStorage.setItem(outboxKey, JSON.stringify(items));
}
function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

function showMessage(text, kind = "info") {
  const box = $("message");
  box.textContent = text;
  box.className = `message ${kind}`;
  box.hidden = !text;
}

// -- joining ------------------------------------------------------------------

function start(auth) {
  $("join").hidden = true;
  $("board").hidden = false;
  live = connectLive({
    auth: () => {
      const token = localStorage.getItem(tokenKey);
      return token ? { code, token } : auth;
    },
    render,
    onStatus: (online) => {
      const pill = $("status");
      pill.textContent = online ? t("En ligne") : t("Hors ligne — vos notes partiront au retour du réseau");
      pill.className = `status ${online ? "online" : "offline"}`;
      if (online) showMessage("");
    },
    onConnect: (state) => {
      if (state.me && state.me.token) localStorage.setItem(tokenKey, state.me.token);
      flushOutbox();
      flushVotes();
    },
    onRefused: (error) => showMessage(error.message, "error"),
  });
  tickCountdown($("timer"), live.state, () => live.state.currentBloc);
  restoreLastBloc();
}

// A page reloaded without network (from the service worker, hosted mode)
// shows the last bloc seen, so notes can still be written to the outbox. It
// is seq 0: the server's first state replaces it entirely. Other notes are
// never kept on the phone.
function rememberBloc(state) {
  if (live.socket.connected && state.currentBloc) {
    localStorage.setItem(lastKey, JSON.stringify({ workshop: state.workshop, blocs: [state.currentBloc] }));
  }
}
function restoreLastBloc() {
  try {
    const last = JSON.parse(localStorage.getItem(lastKey));
    if (last && !live.state.workshop) {
      live.state.apply({ ...last, full: true, seq: 0, since: 0 });
      render(live.state);
    }
  } catch {
    localStorage.removeItem(lastKey);
  }
}

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("name") ? $("name").value.trim() : ""; // an anonymous atelier asks no name
  start({ code, name: name || null });
});
if ($("anonymous")) $("anonymous").addEventListener("click", () => start({ code, name: null }));

if (localStorage.getItem(tokenKey)) start({ code });

// -- writing ------------------------------------------------------------------

const textarea = $("note-text");
textarea.addEventListener("input", () => {
  const n = textarea.value.trim().length;
  $("counter").textContent = `${textarea.value.length} / ${MAX}`;
  $("counter").classList.toggle("over", textarea.value.length > MAX);
  $("send").disabled = n === 0 || textarea.value.length > MAX;
});

$("note-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = textarea.value.trim();
  const bloc = live && live.state.currentBloc;
  if (!text || !bloc) return;
  if (text.length > MAX) {
    showMessage(t("La note dépasse {max} caractères : raccourcissez-la.", { max: MAX }), "error");
    return;
  }
  if (editing !== null) {
    saveEdit(editing, text);
    return;
  }
  const item = { client_id: newClientId(), bloc: bloc.id, text };
  if (bloc.columns.length) item.column = selectedColumn || bloc.columns[0].id;
  writeOutbox([...readOutbox(), item]);
  textarea.value = "";
  textarea.dispatchEvent(new Event("input"));
  render(live.state);
  flushOutbox();
  textarea.focus();
});

// Send the outbox in order; each note leaves it only once acknowledged.
// Notes written while a send is in flight are picked up by the same loop.
async function flushOutbox() {
  if (flushing || !live || !live.socket.connected) return;
  flushing = true;
  try {
    let item;
    while ((item = readOutbox()[0]) && live.socket.connected) {
      const ack = await request(live.socket, "note:add", item);
      if (!ack.ok && ack.error.code === "timeout") break; // still offline: retry on reconnect
      writeOutbox(readOutbox().filter((i) => i.client_id !== item.client_id));
      if (ack.ok) {
        live.state.mine.add(ack.note.id);
        live.state.notes.set(ack.note.id, { ...ack.note, mine: true });
      } else {
        // Refused (e.g. writing closed): give the text back rather than lose it.
        showMessage(t("Note non envoyée : {reason}", { reason: ack.error.message }), "error");
        if (!textarea.value) textarea.value = item.text;
      }
      render(live.state);
    }
  } finally {
    flushing = false;
  }
}

async function saveEdit(id, text) {
  const ack = await request(live.socket, "note:edit", { id, text });
  if (ack.ok) {
    live.state.notes.set(id, { ...ack.note, mine: true });
    editing = null;
    textarea.value = "";
    textarea.dispatchEvent(new Event("input"));
  } else {
    showMessage(ack.error.message, "error");
  }
  render(live.state);
}

async function deleteNote(id) {
  if (!confirm(t("Supprimer cette note ?"))) return;
  const ack = await request(live.socket, "note:delete", { id });
  if (ack.ok) live.state.notes.delete(id);
  else showMessage(ack.error.message, "error");
  render(live.state);
}

function startEdit(note) {
  editing = note.id;
  textarea.value = note.text;
  textarea.dispatchEvent(new Event("input"));
  textarea.focus();
  render(live.state);
}

// -- voting ---------------------------------------------------------------------
// A vote sets how many of my dots sit on an item, so resending it is harmless:
// pending votes wait in localStorage like notes do.

function pendingVotes() {
  try {
    return JSON.parse(localStorage.getItem(votesKey)) || {};
  } catch {
    return {};
  }
}

function myDots(state, bloc) {
  const mine = { ...((myEntry(state).votes || {})[bloc.id] || {}) };
  for (const v of Object.values(pendingVotes())) if (v.bloc === bloc.id) mine[v.item] = v.dots;
  return mine;
}

async function castVote(bloc, item, dots) {
  const pending = pendingVotes();
  pending[`${bloc.id}:${item}`] = { bloc: bloc.id, item, dots };
  localStorage.setItem(votesKey, JSON.stringify(pending));
  render(live.state);
  await flushVotes();
}

async function flushVotes() {
  if (!live || !live.socket.connected) return;
  for (const [key, vote] of Object.entries(pendingVotes())) {
    const ack = await request(live.socket, "vote", vote);
    if (!ack.ok && ack.error.code === "timeout") return;
    const pending = pendingVotes();
    delete pending[key];
    localStorage.setItem(votesKey, JSON.stringify(pending));
    if (ack.ok) {
      const me = myEntry(live.state);
      me.votes = {
        ...(me.votes || {}),
        [vote.bloc]: { ...((me.votes || {})[vote.bloc] || {}), [vote.item]: vote.dots },
      };
    } else {
      showMessage(ack.error.message, "error");
    }
    render(live.state);
  }
}

function renderVote(state, bloc) {
  const card = $("vote-card");
  card.hidden = !bloc || !bloc.offers.vote; // the server's rules (docs/api.md, `offers`)
  if (card.hidden) return;
  const mine = myDots(state, bloc);
  const waiting = new Set(
    Object.values(pendingVotes())
      .filter((v) => v.bloc === bloc.id)
      .map((v) => v.item),
  );
  const used = Object.values(mine).reduce((a, b) => a + b, 0);
  const perItem = bloc.offers.dots_per_item;
  $("dots-left").textContent = t("Points restants : {left} sur {budget}", {
    left: bloc.vote_budget - used,
    budget: bloc.vote_budget,
  });
  $("vote-items").replaceChildren(
    ...state.voteItems(bloc.id).map((item) => {
      const dots = mine[item.key] || 0;
      return el(
        "li",
        { class: `vote-item${dots ? " voted" : ""}` },
        el(
          "span",
          { class: "vote-label" },
          item.label,
          item.size > 1 ? ` (${item.size})` : "",
          waiting.has(item.key) ? el("span", { class: "note-state" }, t("Vote en attente d'envoi")) : null,
        ),
        el(
          "span",
          { class: "vote-controls" },
          el(
            "button",
            {
              type: "button",
              "aria-label": t("Retirer un point de « {label} »", { label: item.label }),
              disabled: dots === 0,
              onclick: () => castVote(bloc, item.key, dots - 1),
            },
            "−",
          ),
          el("span", { class: "dots", "aria-label": t("{dots} point(s)", { dots }) }, "●".repeat(dots) || "0"),
          el(
            "button",
            {
              type: "button",
              "aria-label": t("Ajouter un point à « {label} »", { label: item.label }),
              disabled: dots >= perItem || used >= bloc.vote_budget,
              onclick: () => castVote(bloc, item.key, dots + 1),
            },
            "+",
          ),
        ),
      );
    }),
  );
}

function renderResults(state, bloc) {
  const result = bloc && state.results.get(bloc.id);
  $("results-card").hidden = !(bloc && bloc.phase === "clos" && result);
  if ($("results-card").hidden) return;
  renderInto(html`<${Results} result=${result} />`, $("results"));
}

// When the facilitator lets the room group too: each note gets a "Mettre
// dans" choice (a phone has no room for drag and drop).
function groupPicker(state, bloc, note) {
  const clusters = [...state.clusters.values()].filter((c) => c.bloc === bloc.id);
  const picker = el(
    "select",
    { "aria-label": t("Regroupement de « {text} »", { text: note.text }) },
    el("option", { value: "", selected: note.cluster === null }, t("Aucun regroupement")),
    clusters.map((c) => el("option", { value: String(c.id), selected: note.cluster === c.id }, c.label)),
    el("option", { value: "new" }, t("Nouveau regroupement…")),
  );
  picker.addEventListener("change", async () => {
    const ack =
      picker.value === "new"
        ? await request(live.socket, "cluster:group", { bloc: bloc.id, clusters: [{ notes: [note.id] }] })
        : await request(live.socket, "cluster:move", {
            notes: [note.id],
            cluster: picker.value ? Number(picker.value) : null,
          });
    if (!ack.ok) showMessage(ack.error.message, "error");
  });
  return picker;
}

function groupNotes(state, bloc, others) {
  const { clusters } = state.board(bloc.id);
  const items = clusters.map((g) =>
    el(
      "li",
      { class: "cluster" },
      el("strong", {}, `${g.cluster.label} (${g.notes.length})`),
      el(
        "ul",
        { class: "notes" },
        foldIdentical(g.notes).map((f) =>
          noteItem({ ...f.notes[0], text: f.text + (f.notes.length > 1 ? ` (${f.notes.length})` : "") }),
        ),
      ),
    ),
  );
  const loose = others.filter((n) => !clusters.some((g) => g.cluster.id === n.cluster));
  return [...items, ...loose.map((n) => noteItem(n))];
}

// -- rhythm and draw -----------------------------------------------------------

function myEntry(state) {
  const me = state.me || {};
  return state.participants.get(me.id) || { done: [], volunteer: false };
}

$("done").addEventListener("click", async () => {
  const bloc = live.state.currentBloc;
  if (!bloc) return;
  const done = !myEntry(live.state).done.includes(bloc.id);
  const ack = await request(live.socket, "bloc:done", { bloc: bloc.id, done });
  if (!ack.ok) showMessage(ack.error.message, "error");
});

async function drawAction(event, payload) {
  const ack = await request(live.socket, event, payload);
  if (!ack.ok) showMessage(ack.error.message, "error");
}

function renderDraw(state) {
  const w = state.workshop;
  const me = myEntry(state);
  const draw = w.draw;
  const myTeam = draw ? draw.teams.findIndex((team) => team.some((m) => m.id === (state.me || {}).id)) : -1;
  const card = $("draw-card");
  const actions = $("draw-actions");
  actions.replaceChildren();
  if (w.volunteering) {
    card.hidden = false;
    $("draw-text").textContent = me.volunteer
      ? t("Vous êtes volontaire. Le tirage au sort aura lieu bientôt.")
      : t("L'animation cherche des volontaires pour former des équipes au hasard.");
    actions.append(
      el(
        "button",
        {
          type: "button",
          class: me.volunteer ? "secondary" : "primary",
          onclick: () => drawAction("draw:volunteer", { volunteer: !me.volunteer }),
        },
        me.volunteer ? t("Retirer ma candidature") : t("Je me porte volontaire"),
      ),
    );
  } else if (myTeam >= 0) {
    card.hidden = false;
    const team = draw.teams[myTeam];
    const mine = team.find((m) => m.id === state.me.id);
    const others = team.filter((m) => m.id !== state.me.id).map((m) => m.name || t("Anonyme"));
    const team1 = myTeam + 1;
    const intro =
      draw.mode === "1-2-4"
        ? t("Vous êtes dans l'équipe {team} (groupe de quatre n° {four})", {
            team: team1,
            four: Math.floor(myTeam / 2) + 1,
          })
        : t("Vous êtes dans l'équipe {team}", { team: team1 });
    $("draw-text").replaceChildren(
      intro,
      ...(others.length ? [t(" avec "), ...others.flatMap((name, i) => [i ? ", " : "", el("bdi", {}, name)])] : []),
      ".",
      mine.status === "confirmed" ? " " + t("Vous avez confirmé.") : "",
    );
    if (mine.status === "pending") {
      actions.append(
        el(
          "button",
          { type: "button", class: "primary", onclick: () => drawAction("draw:answer", { accept: true }) },
          t("Je confirme"),
        ),
        el(
          "button",
          { type: "button", class: "danger", onclick: () => drawAction("draw:answer", { accept: false }) },
          t("Je laisse ma place"),
        ),
      );
    }
  } else if (draw && draw.reserve.includes((state.me || {}).id)) {
    card.hidden = false;
    $("draw-text").textContent = t("Vous êtes en réserve : vous rejoindrez une équipe si une place se libère.");
  } else {
    card.hidden = true;
  }
}

// -- rendering ----------------------------------------------------------------

function noteItem(note, { pending = false, own = false } = {}) {
  const bloc = live.state.blocs.get(note.bloc);
  const label = bloc ? columnLabel(bloc, note.column) : "";
  return el(
    "li",
    { class: `note${pending ? " pending" : ""}` },
    label ? el("span", { class: "note-column" }, label) : null,
    el("p", { class: "note-text" }, note.text),
    pending ? el("span", { class: "note-state" }, t("En attente d'envoi")) : null,
    note.pending
      ? el("span", { class: "note-state" }, t("En attente : l'animation la lira avant de l'afficher"))
      : null,
    own && !pending
      ? el(
          "div",
          { class: "note-actions" },
          el("button", { type: "button", class: "secondary", onclick: () => startEdit(note) }, t("Modifier")),
          el("button", { type: "button", class: "danger", onclick: () => deleteNote(note.id) }, t("Supprimer")),
        )
      : null,
  );
}

// -- sub-group tables -----------------------------------------------------------

async function send(event, payload) {
  const ack = await request(live.socket, event, payload);
  if (!ack.ok) showMessage(ack.error.message, "error");
  return ack.ok;
}

$("table-choice").addEventListener("change", (e) =>
  send("table:seat", { table: e.currentTarget.value ? Number(e.currentTarget.value) : null }),
);

function renderTables(state, bloc) {
  const w = state.workshop;
  const me = myEntry(state);
  $("table-card").hidden = !(w.tables && w.tables_choice);
  if (!$("table-card").hidden) {
    const options = [el("option", { value: "" }, t("Aucune table"))];
    for (let n = 1; n <= w.tables; n++) options.push(el("option", { value: String(n) }, t("Table {n}", { n })));
    const select = $("table-choice");
    if (select.options.length !== options.length) select.replaceChildren(...options);
    select.value = me.table ? String(me.table) : "";
  }
  const reporting = Boolean(me.rapporteur && bloc && bloc.by_table && !bloc.plenary);
  $("rapporteur-card").hidden = !reporting;
  if (!reporting) return;
  const board = state.tableBoards(bloc.id).find((b) => b.table === me.table);
  if (!board) return;
  const checked = new Set([...$("rapporteur-notes").querySelectorAll("input:checked")].map((i) => Number(i.value)));
  $("rapporteur-notes").replaceChildren(
    ...board.loose.map((note) => {
      const box = el("input", { type: "checkbox", id: `rap-${note.id}`, value: String(note.id) });
      box.checked = checked.has(note.id);
      return el("li", { class: "note choice" }, box, el("label", { for: `rap-${note.id}` }, note.text));
    }),
  );
  const order = board.groups.map((g) => g.cluster.id);
  $("rapporteur-ranking").replaceChildren(
    ...board.groups.map((g, i) =>
      el(
        "li",
        {},
        `${g.cluster.label} (${g.notes.length}) `,
        i > 0
          ? el(
              "button",
              {
                type: "button",
                class: "secondary",
                "aria-label": t("Monter « {label} »", { label: g.cluster.label }),
                onclick: () => {
                  const moved = [...order];
                  [moved[i - 1], moved[i]] = [moved[i], moved[i - 1]];
                  send("table:rank", { bloc: bloc.id, clusters: moved });
                },
              },
              t("Monter"),
            )
          : null,
      ),
    ),
  );
}

$("rapporteur-group").addEventListener("click", async () => {
  const bloc = live.state.currentBloc;
  const notes = [...$("rapporteur-notes").querySelectorAll("input:checked")].map((i) => Number(i.value));
  if (!bloc || !notes.length) return showMessage(t("Cochez au moins une note de votre table."), "error");
  const label = $("rapporteur-label").value.trim();
  if (await send("table:group", { bloc: bloc.id, notes, ...(label ? { label } : {}) }))
    $("rapporteur-label").value = "";
});

function renderGrouping(state, bloc) {
  const allowed = bloc && bloc.offers.group;
  $("grouping-card").hidden = !allowed;
  if (!allowed) return;
  $("grouping-notes").replaceChildren(
    ...state
      .notesOf(bloc.id)
      .filter((note) => !note.pending)
      .map((note) =>
        el("li", { class: "note" }, el("p", { class: "note-text" }, note.text), groupPicker(state, bloc, note)),
      ),
  );
}

function render(state) {
  const w = state.workshop;
  if (!w) return;
  rememberBloc(state);
  $("workshop-title").textContent = w.title;
  const me = state.me || {};
  const seat = myEntry(state).table;
  $("who").replaceChildren(
    ...(me.name ? [t("Vous : "), el("bdi", {}, me.name)] : [t("Vous participez de façon anonyme")]),
    ...(seat ? [t(" · Table {n}", { n: seat })] : []),
  );
  const bloc = state.currentBloc;
  $("bloc-title").textContent = bloc ? bloc.title : t("En attente du premier bloc");
  $("bloc-prompt").textContent = bloc ? bloc.prompt : "";
  $("bloc-phase").textContent = bloc ? t("Phase : {phase}", { phase: phaseLabel(bloc.phase) }) : "";
  $("private-hint").hidden = !(bloc && isPrivateNow(bloc));
  // A large room: the others' notes come at the reveal, their number meanwhile.
  const roomCount =
    bloc && bloc.phase === "ecriture" && !isPrivateNow(bloc) ? state.noteCounts.get(bloc.id) : undefined;
  $("room-count").hidden = roomCount === undefined;
  $("room-count").textContent =
    roomCount === undefined
      ? ""
      : t("Notes écrites dans la salle : {n}. Elles s'afficheront au dévoilement.", { n: roomCount });

  // Column or question picker: big radio buttons.
  const picker = $("column-picker");
  picker.replaceChildren();
  picker.hidden = !(bloc && bloc.columns.length);
  if (bloc && bloc.columns.length) {
    if (!bloc.columns.some((c) => c.id === selectedColumn)) selectedColumn = bloc.columns[0].id;
    picker.append(el("legend", {}, bloc.kind === "questions" ? t("Question") : t("Colonne")));
    for (const c of bloc.columns) {
      const input = el("input", {
        type: "radio",
        name: "column",
        value: c.id,
        id: `col-${c.id}`,
        checked: c.id === selectedColumn,
      });
      input.addEventListener("change", () => (selectedColumn = c.id));
      picker.append(el("label", { class: "choice", for: `col-${c.id}` }, input, el("span", {}, c.label)));
    }
  }
  // A late note is still welcome while the room groups: the facilitator is offered its group.
  const writable = bloc && bloc.offers.write; // the server's rules (docs/api.md, `offers`)
  const addable = bloc && bloc.offers.add;
  const muted = Boolean(myEntry(state).muted); // the server refuses too (docs/api.md, `muted`)
  $("note-form").hidden = !addable || muted;
  $("closed-hint").hidden = !bloc || addable || muted;
  $("muted-hint").hidden = !muted;
  $("send").textContent = editing !== null ? t("Enregistrer la modification") : t("Envoyer la note");

  const pending = readOutbox().filter((i) => bloc && i.bloc === bloc.id);
  const mine = bloc ? state.notesOf(bloc.id).filter((n) => n.mine) : [];
  $("my-notes").replaceChildren(
    ...pending.map((i) => noteItem(i, { pending: true })),
    ...mine.map((n) => noteItem(n, { own: true })),
  );
  $("my-count").textContent = `${mine.length + pending.length}`;
  const done = bloc ? myEntry(state).done.includes(bloc.id) : false;
  $("done").textContent = done ? t("J'ai terminé ✓ (toucher pour reprendre)") : t("J'ai terminé");
  $("done").setAttribute("aria-pressed", String(done));
  $("done").parentElement.hidden = !writable;
  renderDraw(state);
  renderVote(state, bloc);
  renderGrouping(state, bloc);
  renderTables(state, bloc);
  renderResults(state, bloc);
  const others = bloc ? state.notesOf(bloc.id).filter((n) => !n.mine) : [];
  $("group").hidden = !bloc || isPrivateNow(bloc) || others.length === 0 || bloc.phase === "vote";
  $("group-notes").replaceChildren(...(bloc ? groupNotes(state, bloc, others) : []));
}
