// The facilitator's console: the atelier plan, the current bloc and its
// phase, the live notes (or, during private writing, who wrote how many).
import { PHASES, columnLabel, connectLive, el, isPrivateNow, phaseLabel, request } from "./live.js";
import { facilitatorKey } from "./staff.js";

const root = document.getElementById("app");
const workshopId = root.dataset.workshop;
const code = root.dataset.code;
const key = facilitatorKey(workshopId);
const $ = (id) => document.getElementById(id);

function showMessage(text, kind = "info") {
  $("message").textContent = text;
  $("message").className = `message ${kind}`;
  $("message").hidden = !text;
}

if (!key) {
  showMessage("Clé d'animation manquante : ouvrez cette console depuis la page d'accueil de ce portable.", "error");
} else {
  $("projector-link").href = `/w/${workshopId}/projecteur#key=${encodeURIComponent(key)}`;
  const live = connectLive({
    auth: { code, facilitator_key: key },
    render,
    onStatus: (online) => {
      $("status").textContent = online ? "En ligne" : "Hors ligne — reconnexion…";
      $("status").className = `status ${online ? "online" : "offline"}`;
    },
    onRefused: (error) => showMessage(error.message, "error"),
  });

  async function act(event, payload) {
    const ack = await request(live.socket, event, payload);
    if (!ack.ok) showMessage(ack.error.message, "error");
    else showMessage("");
  }

  function noteCard(note) {
    const who = live.state.participants.get(note.author);
    return el(
      "li",
      { class: "note" },
      el("p", { class: "note-text" }, note.text),
      el("span", { class: "note-author" }, who ? who.name || "Anonyme" : note.mine ? "Animation" : "Anonyme"),
    );
  }

  function notesPanel(bloc) {
    const notes = live.state.notesOf(bloc.id);
    if (!bloc.columns.length) {
      return el("ul", { class: "notes", "aria-label": "Notes du bloc" }, notes.map((n) => noteCard(n)));
    }
    return el(
      "div",
      { class: `board columns-${bloc.columns.length}` },
      bloc.columns.map((c) =>
        el(
          "section",
          { class: "column", "aria-label": c.label },
          el("h3", {}, c.label, " ", el("span", { class: "count" }, `(${live.state.notesOf(bloc.id, c.id).length})`)),
          el("ul", { class: "notes" }, live.state.notesOf(bloc.id, c.id).map((n) => noteCard(n))),
        ),
      ),
    );
  }

  function writersPanel(bloc) {
    const rows = [...live.state.participants.values()].sort((a, b) => a.id - b.id);
    return el(
      "section",
      { class: "writers", "aria-label": "Participants" },
      el("h3", {}, `Participants (${rows.length})`),
      isPrivateNow(bloc) ? el("p", { class: "hint" }, "Écriture privée : les textes s'afficheront au dévoilement.") : null,
      el(
        "ul",
        {},
        rows.map((p) =>
          el("li", {}, `${p.name || "Anonyme"} — `, el("strong", {}, `${p.notes[bloc.id] || 0}`), " note(s)"),
        ),
      ),
    );
  }

  function render(state) {
    const w = state.workshop;
    if (!w) return;
    document.title = `Console — ${w.title}`;
    $("workshop-title").textContent = w.title;
    $("join-url").textContent = w.join_url;
    $("join-code").textContent = w.code;
    $("plan").replaceChildren(
      ...state.sortedBlocs().map((b, i) =>
        el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              class: b.id === w.current_bloc ? "bloc current" : "bloc",
              "aria-current": b.id === w.current_bloc ? "step" : null,
              onclick: () => act("bloc:goto", { bloc: b.id }),
            },
            `${i + 1}. ${b.title}`,
            el("span", { class: "bloc-phase" }, phaseLabel(b.phase)),
          ),
        ),
      ),
    );
    const bloc = state.currentBloc;
    if (!bloc) return;
    $("bloc-title").textContent = bloc.title;
    $("bloc-prompt").textContent = bloc.prompt;
    $("phases").replaceChildren(
      ...PHASES.map(([id, label]) =>
        el(
          "button",
          {
            type: "button",
            class: id === bloc.phase ? "phase current" : "phase",
            "aria-pressed": id === bloc.phase ? "true" : "false",
            onclick: () => act("bloc:phase", { bloc: bloc.id, phase: id }),
          },
          label,
        ),
      ),
    );
    $("bloc-notes").replaceChildren(notesPanel(bloc));
    $("writers").replaceChildren(writersPanel(bloc));
    $("note-count").textContent = String(state.notesOf(bloc.id).length);
  }
}
