// The facilitator's console: the atelier plan (editable), the current bloc,
// its phase and countdown, the live notes (or, during private writing, who
// wrote how many), who is done, and the team draw.
import {
  PHASES, connectLive, el, foldIdentical, formatDuration, isPrivateNow, phaseLabel, rankingChart, replaceKeepingFocus,
  request, tickCountdown,
} from "./live.js";
import { t } from "./i18n.js";
import { facilitatorKey } from "./staff.js";

const root = document.getElementById("app");
const workshopId = root.dataset.workshop;
const code = root.dataset.code;
const key = facilitatorKey(workshopId);
const $ = (id) => document.getElementById(id);
const KIND_LABELS = { brainstorm: "Remue-méninges", columns: "Colonnes", questions: "Questions" };

function showMessage(text, kind = "info") {
  $("message").textContent = text;
  $("message").className = `message ${kind}`;
  $("message").hidden = !text;
}

let live = null;

async function act(event, payload, timeoutMs = undefined) {
  const ack = await request(live.socket, event, payload, timeoutMs);
  showMessage(ack.ok ? "" : ack.error.message, ack.ok ? "info" : "error");
  return ack;
}

// -- notes and participants ---------------------------------------------------------

// Grouping works with the mouse (drag a note onto a group) and without it
// (tick notes, then "Regrouper la sélection" or "Déplacer vers").
const selectedNotes = new Set();
const selectedClusters = new Set();

function authorOf(note) {
  const who = live.state.participants.get(note.author);
  return who ? who.name || "Anonyme" : note.mine ? "Animation" : "Anonyme";
}

function noteCard(group) {
  const ids = group.notes.map((n) => n.id);
  const checked = ids.every((id) => selectedNotes.has(id));
  const box = el("input", { type: "checkbox", checked, "aria-label": `Sélectionner « ${group.text} »` });
  box.addEventListener("change", () => {
    for (const id of ids) (box.checked ? selectedNotes.add(id) : selectedNotes.delete(id));
    render(live.state);
  });
  return el(
    "li",
    {
      class: `note${checked ? " selected" : ""}`,
      draggable: "true",
      ondragstart: (event) => event.dataTransfer.setData("text/plain", JSON.stringify(ids)),
    },
    el("label", { class: "pick" }, box,
      el("span", { class: "note-text" }, group.text, group.notes.length > 1 ? ` (${group.notes.length})` : "")),
    el("span", { class: "note-author" }, [...new Set(group.notes.map(authorOf))].join(", ")),
  );
}

function dropTarget(clusterId) {
  return {
    ondragover: (event) => event.preventDefault(),
    ondrop: (event) => {
      event.preventDefault();
      const ids = JSON.parse(event.dataTransfer.getData("text/plain") || "[]");
      if (ids.length) act("cluster:move", { notes: ids, cluster: clusterId });
    },
  };
}

function clusterCard(group) {
  const c = group.cluster;
  const box = el("input", { type: "checkbox", checked: selectedClusters.has(c.id), "aria-label": `Cocher le regroupement « ${c.label} »` });
  box.addEventListener("change", () => (box.checked ? selectedClusters.add(c.id) : selectedClusters.delete(c.id)));
  const volets = live.state.synthesis;
  const volet = el("select", { "data-key": `c${c.id}-volet`, "data-draft": true, "aria-label": `Volet pour « ${c.label} »` }, volets.map((v) => el("option", { value: String(v.id) }, v.title)));
  return el(
    "section",
    { class: "cluster", "aria-label": `Regroupement ${c.label}`, ...dropTarget(c.id) },
    el(
      "div",
      {
        class: "cluster-head",
        draggable: "true",
        ondragstart: (event) => event.dataTransfer.setData("application/x-facilitate-cluster", String(c.id)),
      },
      box,
      el("h4", {}, c.label, " ", el("span", { class: "count" }, `(${group.notes.length})`)),
      el("button", { type: "button", onclick: () => {
        const label = prompt("Nouveau nom du regroupement :", c.label);
        if (label) act("cluster:rename", { cluster: c.id, label });
      } }, "Renommer"),
      el("button", { type: "button", onclick: () => act("cluster:ungroup", { cluster: c.id }) }, "Dissoudre"),
      volets.length ? volet : null,
      volets.length
        ? el("button", { type: "button", onclick: () => act("action:add", { volet: Number(volet.value), source: { clusters: [c.id] } }) },
            "→ Synthèse")
        : null,
    ),
    el("ul", { class: "notes" }, foldIdentical(group.notes).map(noteCard)),
  );
}

function boardOf(bloc, column) {
  const { clusters, loose } = live.state.board(bloc.id, column);
  return [
    ...clusters.map(clusterCard),
    el(
      "section",
      { class: "loose", "aria-label": "Notes sans regroupement", ...dropTarget(null) },
      clusters.length ? el("h4", {}, `Sans regroupement (${loose.length})`) : null,
      el("ul", { class: "notes" }, foldIdentical(loose).map(noteCard)),
    ),
  ];
}

function groupingToolbar(bloc) {
  const clusters = [...live.state.clusters.values()].filter((c) => c.bloc === bloc.id);
  const target = el("select", { id: "move-target", "data-key": "move-target", "data-draft": true, "aria-label": "Regroupement de destination" },
    clusters.map((c) => el("option", { value: String(c.id) }, c.label)));
  const selection = [...selectedNotes].filter((id) => live.state.notes.has(id));
  const synthesisTarget = el("select", { "data-key": "selection-volet", "data-draft": true, "aria-label": "Volet pour la sélection" },
    live.state.synthesis.map((v) => el("option", { value: String(v.id) }, v.title)));
  const done = () => {
    selectedNotes.clear();
    selectedClusters.clear();
  };
  return el(
    "div",
    { class: "toolbar", role: "toolbar", "aria-label": "Regroupement" },
    el("button", { type: "button", disabled: !selection.length, onclick: () => {
      act("cluster:group", { bloc: bloc.id, clusters: [{ notes: selection }] }).then(done);
    } }, `Regrouper la sélection (${selection.length})`),
    clusters.length ? target : null,
    clusters.length
      ? el("button", { type: "button", disabled: !selection.length, onclick: () => {
          act("cluster:move", { notes: selection, cluster: Number(target.value) }).then(done);
        } }, "Déplacer vers")
      : null,
    el("button", { type: "button", disabled: !selection.length, onclick: () => {
      act("cluster:move", { notes: selection, cluster: null }).then(done);
    } }, "Sortir du regroupement"),
    el("button", { type: "button", onclick: () => {
      act("cluster:merge", { clusters: [...selectedClusters] }).then(done);
    } }, "Fusionner les regroupements cochés"),
    live.state.synthesis.length ? synthesisTarget : null,
    live.state.synthesis.length
      ? el("button", { type: "button", disabled: !selection.length, onclick: () => {
          act("action:add", { volet: Number(synthesisTarget.value), source: { notes: selection } }).then(done);
        } }, "Sélection → Synthèse")
      : null,
    el("button", { type: "button", onclick: () => act("cluster:undo", { bloc: bloc.id }) }, "Annuler"),
    el("button", { type: "button", class: "primary-inline", onclick: async () => {
      // The first suggestion loads scikit-learn on the server: give it time on a busy laptop.
      const ack = await act("cluster:suggest", { bloc: bloc.id }, 60000);
      if (ack.ok) {
        suggestions = { bloc: bloc.id, placements: ack.placements, clusters: ack.clusters };
        unticked.clear();
        if (!ack.placements.length && !ack.clusters.length) {
          showMessage(t("Aucun regroupement à proposer : les notes sont toutes différentes."));
        }
        render(live.state);
      }
    } }, t("Proposer des regroupements")),
  );
}

// -- suggestions: loose notes offered to the existing groups, then new groups --------
// Everything is ticked at first; what stays ticked is accepted as one undo step.
// Existing groups change only through an accepted placement.

let suggestions = null; // {bloc, placements, clusters} from cluster:suggest
const unticked = new Set(); // "p<note id>" for a placement, "g<index>" for a new group
const offers = new Map(); // note id -> cluster:offer for a late note

function noteText(id) {
  return (live.state.notes.get(id) || { text: "?" }).text;
}

function clusterLabel(id) {
  return (live.state.clusters.get(id) || { label: "?" }).label;
}

function reasonOf(placement) {
  return placement.words.length
    ? t("mots communs : {words}", { words: placement.words.join(", ") })
    : t("proche de « {note} »", { note: noteText(placement.closest) });
}

function isLoose(id) {
  const note = live.state.notes.get(id);
  return Boolean(note) && note.cluster == null;
}

function suggestionsPanel(bloc) {
  if (!suggestions || suggestions.bloc !== bloc.id) return null;
  // Notes grouped meanwhile drop out of the proposal.
  const placements = suggestions.placements.filter((p) => isLoose(p.note) && live.state.clusters.has(p.cluster));
  const groups = suggestions.clusters.map((g, i) => ({ ...g, key: `g${i}` })).filter((g) => g.notes.every(isLoose));
  const count = placements.length + groups.length;
  if (!count) return null;
  const tick = (key, label) => {
    const box = el("input", { type: "checkbox", checked: !unticked.has(key), "aria-label": label });
    box.addEventListener("change", () => {
      (box.checked ? unticked.delete(key) : unticked.add(key));
      render(live.state);
    });
    return box;
  };
  const accept = (keep) => act("cluster:accept", {
    bloc: bloc.id,
    placements: placements.filter((p) => keep(`p${p.note}`)).map((p) => ({ note: p.note, cluster: p.cluster })),
    clusters: groups.filter((g) => keep(g.key)).map((g) => ({ label: g.label, notes: g.notes })),
  }).then((ack) => {
    if (ack.ok) {
      suggestions = null;
      if (ack.skipped.length) showMessage(t("{n} note(s) déjà regroupée(s) entre-temps : laissée(s) en place.", { n: ack.skipped.length }));
    }
    render(live.state);
  });
  const ticked = placements.filter((p) => !unticked.has(`p${p.note}`)).length + groups.filter((g) => !unticked.has(g.key)).length;
  return el(
    "section",
    { class: "suggestions", "aria-labelledby": "suggestions-title" },
    el("h3", { id: "suggestions-title" }, t("Regroupements proposés ({n})", { n: count })),
    el("div", { class: "toolbar" },
      el("button", { type: "button", class: "primary-inline", onclick: () => accept(() => true) }, t("Tout accepter")),
      el("button", { type: "button", disabled: !ticked, onclick: () => accept((key) => !unticked.has(key)) },
        t("Accepter les suggestions cochées ({n})", { n: ticked })),
      el("button", { type: "button", onclick: () => { suggestions = null; render(live.state); } }, t("Ignorer"))),
    placements.length ? el("h4", {}, t("Dans vos regroupements")) : null,
    el("ul", { class: "placements" }, placements.map((p) =>
      el("li", {},
        el("label", {},
          tick(`p${p.note}`, t("Placer « {note} » dans « {group} »", { note: noteText(p.note), group: clusterLabel(p.cluster) })),
          ` « ${noteText(p.note)} » → `, el("strong", {}, clusterLabel(p.cluster))),
        " ", el("span", { class: "reason" }, reasonOf(p))))),
    groups.length ? el("h4", {}, t("Nouveaux regroupements")) : null,
    el("ul", {}, groups.map((g) =>
      el("li", {},
        el("label", {},
          tick(g.key, t("Créer le regroupement « {label} »", { label: g.label })),
          " ", el("strong", {}, `${g.label} (${g.notes.length})`)),
        " : ", g.notes.map(noteText).join(" · ")))),
  );
}

function offersPanel(bloc) {
  const pending = [...offers.values()].filter((o) => o.bloc === bloc.id && isLoose(o.note) && live.state.clusters.has(o.cluster));
  if (!pending.length) return null;
  const forget = (o) => { offers.delete(o.note); render(live.state); };
  return el(
    "section",
    { class: "suggestions offers", "aria-labelledby": "offers-title" },
    el("h3", { id: "offers-title" }, t("Notes arrivées en retard ({n})", { n: pending.length })),
    el("ul", {}, pending.map((o) =>
      el("li", {},
        t("« {note} » ressemble à ", { note: noteText(o.note) }), el("strong", {}, clusterLabel(o.cluster)), " ",
        el("span", { class: "reason" }, reasonOf(o)), " ",
        el("button", { type: "button", onclick: () => act("cluster:move", { notes: [o.note], cluster: o.cluster }).then(() => forget(o)) },
          t("Placer dans « {group} »", { group: clusterLabel(o.cluster) })),
        el("button", { type: "button", onclick: () => forget(o) }, t("Laisser"))))),
  );
}

function resultsPanel(bloc) {
  const result = live.state.results.get(bloc.id);
  if (bloc.phase !== "clos" || !result) return null;
  const editor = el("textarea", { id: "retained-editor", "data-key": "retained", "data-draft": true, rows: "5", "aria-label": "Grands fondamentaux retenus, un par ligne" });
  editor.value = result.retained.join("\n");
  return el(
    "section",
    { class: "results", "aria-labelledby": "results-title" },
    el("h3", { id: "results-title" }, "Résultats du vote"),
    rankingChart(result.ranking),
    el("h3", {}, "Grands fondamentaux retenus (qui reviennent le plus souvent)"),
    el("ul", { class: "retained" }, result.retained.map((label) => el("li", {}, label))),
    el("details", {},
      el("summary", {}, "Modifier la liste"),
      editor,
      el("button", { type: "button", onclick: () => act("bloc:retained", {
        bloc: bloc.id, retained: editor.value.split("\n").map((l) => l.trim()).filter(Boolean) }) }, "Enregistrer la liste"),
      el("button", { type: "button", onclick: () => act("bloc:retained", { bloc: bloc.id, retained: null }) }, "Revenir au calcul automatique")),
  );
}

function notesPanel(bloc) {
  const columns = bloc.columns.length ? bloc.columns : [null];
  return el(
    "div",
    {},
    groupingToolbar(bloc),
    offersPanel(bloc),
    suggestionsPanel(bloc),
    resultsPanel(bloc),
    el(
      "div",
      { class: "board" },
      columns.map((c) =>
        el(
          "section",
          { class: "column", "aria-label": c ? c.label : "Notes du bloc" },
          c ? el("h3", {}, c.label, " ", el("span", { class: "count" }, `(${live.state.notesOf(bloc.id, c.id).length})`)) : null,
          boardOf(bloc, c ? c.id : undefined),
        ),
      ),
    ),
  );
}

function writersPanel(bloc) {
  const rows = [...live.state.participants.values()].sort((a, b) => a.id - b.id);
  const done = rows.filter((p) => p.done.includes(bloc.id));
  return el(
    "section",
    { "aria-labelledby": "writers-title" },
    el("h2", { id: "writers-title" }, `Participants (${rows.length})`),
    el("p", { class: "done-count" }, `Ont terminé : ${done.length} / ${rows.length}`),
    isPrivateNow(bloc) ? el("p", { class: "hint" }, "Écriture privée : les textes s'afficheront au dévoilement.") : null,
    el(
      "ul",
      { class: "writers" },
      rows.map((p) =>
        el(
          "li",
          { class: p.done.includes(bloc.id) ? "done" : "" },
          `${p.name || "Anonyme"} — `,
          el("strong", {}, `${p.notes[bloc.id] || 0}`),
          " note(s)",
          bloc.phase === "vote" ? ` · ${p.dots[bloc.id] || 0}/${bloc.vote_budget} point(s)` : "",
          p.done.includes(bloc.id) ? el("span", { class: "badge" }, "✓ terminé") : el("span", { class: "badge writing" }, "en cours"),
          removeButton(p),
        ),
      ),
    ),
  );
}

// -- the room: closed to new arrivals, removing someone ---------------------------

function removeButton(p) {
  const who = p.name || `Anonyme n° ${p.id}`;
  return el("button", { type: "button", class: "danger", "aria-label": `Retirer ${who}`, onclick: () => {
    if (confirm(`Retirer ${who} de l'atelier ? Ses notes restent.`)) act("participant:remove", { participant: p.id });
  } }, "Retirer");
}

function renderLock(w) {
  $("lock-workshop").textContent = w.locked ? "Rouvrir aux arrivées" : "Fermer aux arrivées";
  $("lock-workshop").setAttribute("aria-pressed", w.locked ? "true" : "false");
  $("lock-workshop").onclick = () => act("workshop:lock", { locked: !w.locked });
}

// -- countdown --------------------------------------------------------------------

function timerControls(bloc) {
  const running = bloc.timer && bloc.timer.running;
  const control = (label, action, seconds) =>
    el("button", { type: "button", onclick: () => act("timer", { bloc: bloc.id, action, seconds }) }, label);
  return [
    control(running ? "Pause" : "Démarrer", running ? "pause" : "start"),
    control("− 1 min", "extend", -60),
    control("+ 1 min", "extend", 60),
    control("Réinitialiser", "reset"),
  ];
}

// -- draw -----------------------------------------------------------------------

function drawPanel(w) {
  const teams = w.draw
    ? el(
        "ol",
        { class: "teams" },
        w.draw.teams.map((team, i) =>
          el(
            "li",
            {},
            w.draw.mode === "1-2-4" ? `Paire ${i + 1} (quatre n° ${Math.floor(i / 2) + 1}) : ` : `Équipe ${i + 1} : `,
            team.map((m) => `${m.name || "Anonyme"}${m.status === "confirmed" ? " ✓" : m.status === "pending" ? " (?)" : ""}`).join(", "),
          ),
        ),
      )
    : null;
  return [
    el("h2", {}, "Tirage au sort"),
    el(
      "button",
      { type: "button", "aria-pressed": String(w.volunteering), onclick: () => act("draw:open", { open: !w.volunteering }) },
      w.volunteering ? "Fermer l'appel aux volontaires" : "Appeler des volontaires",
    ),
    el("p", {}, `${w.volunteers || 0} volontaire(s)`),
    el(
      "form",
      {
        class: "draw-form",
        onsubmit: (event) => {
          event.preventDefault();
          const data = new FormData(event.target);
          const payload = { mode: data.get("mode"), team_size: Number(data.get("team_size")) };
          if (data.get("teams")) payload.teams = Number(data.get("teams"));
          act("draw:run", payload);
        },
      },
      el("label", { for: "draw-mode" }, "Formule"),
      el("select", { id: "draw-mode", name: "mode", "data-key": "draw-mode", "data-draft": true },
        el("option", { value: "teams" }, "Équipes"),
        el("option", { value: "1-2-4" }, "1-2-4-Tous (paires puis quatre)")),
      el("label", { for: "draw-size" }, "Personnes par équipe"),
      el("input", { id: "draw-size", name: "team_size", "data-key": "draw-size", "data-draft": true, type: "number", min: "1", max: "20", value: "4" }),
      el("label", { for: "draw-teams" }, "Nombre d'équipes (vide : le plus possible)"),
      el("input", { id: "draw-teams", name: "teams", "data-key": "draw-teams", "data-draft": true, type: "number", min: "1" }),
      el("button", { type: "submit", class: "primary" }, "Tirer au sort"),
    ),
    w.draw ? el("p", { class: "hint" }, `${w.draw.waiting} volontaire(s) en réserve`) : null,
    teams,
  ];
}

// -- the plan: add, edit, reorder, remove blocs -----------------------------------------

const dialog = $("bloc-dialog");
const form = $("bloc-form");
let editing = null; // the bloc being edited, or null when adding

function openBlocForm(bloc) {
  editing = bloc;
  $("bloc-form-title").textContent = bloc ? `Modifier « ${bloc.title} »` : "Ajouter un bloc";
  form.elements.kind.value = bloc ? bloc.kind : "brainstorm";
  form.elements.kind.disabled = Boolean(bloc);
  form.elements.title.value = bloc ? bloc.title : "";
  form.elements.prompt.value = bloc ? bloc.prompt : "";
  form.elements.columns.value = bloc ? bloc.columns.map((c) => c.label).join("\n") : "";
  form.elements.timer.value = bloc && bloc.timer_seconds ? Math.round(bloc.timer_seconds / 60) : "";
  form.elements.vote_budget.value = bloc ? bloc.vote_budget : 5;
  form.elements.private_writing.checked = bloc ? bloc.private_writing : false;
  form.elements.fondamentaux.checked = bloc ? bloc.fondamentaux : false;
  form.elements.participants_group.checked = bloc ? bloc.participants_group : false;
  form.elements.vote_stacking.checked = bloc ? bloc.vote_stacking : false;
  dialog.showModal();
  form.elements.title.focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const kind = form.elements.kind.value;
  const labels = form.elements.columns.value.split("\n").map((l) => l.trim()).filter(Boolean);
  // Lines keep the id of the column at the same place, so its notes stay.
  const columns = labels.map((label, i) => (editing && editing.columns[i] ? { id: editing.columns[i].id, label } : { label }));
  const minutes = form.elements.timer.value;
  const payload = {
    title: form.elements.title.value,
    prompt: form.elements.prompt.value,
    timer_seconds: minutes ? Math.round(Number(minutes) * 60) : null,
    vote_budget: Number(form.elements.vote_budget.value),
    private_writing: form.elements.private_writing.checked,
    fondamentaux: form.elements.fondamentaux.checked,
    participants_group: form.elements.participants_group.checked,
    vote_stacking: form.elements.vote_stacking.checked,
  };
  if (kind !== "brainstorm") payload.columns = columns;
  const ack = editing ? await act("bloc:update", { bloc: editing.id, ...payload }) : await act("bloc:add", { kind, ...payload });
  if (ack.ok) dialog.close();
  else $("bloc-form-error").textContent = ack.error.message;
});
$("bloc-cancel").addEventListener("click", () => dialog.close());
dialog.addEventListener("close", () => ($("bloc-form-error").textContent = ""));
$("add-bloc").addEventListener("click", () => openBlocForm(null));

$("save-template").addEventListener("click", async () => {
  const title = prompt("Titre du nouveau modèle de séance :", live.state.workshop.title);
  if (!title) return;
  const response = await fetch(`/api/workshops/${workshopId}/template`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Facilitator-Key": key },
    body: JSON.stringify({ title }),
  });
  const data = await response.json();
  showMessage(response.ok ? `Modèle « ${data.title} » enregistré.` : data.error.message, response.ok ? "info" : "error");
});

function planItem(b, i, blocs, current) {
  const isCurrent = b.id === current;
  return el(
    "li",
    { class: "plan-item" },
    el(
      "button",
      {
        type: "button",
        class: isCurrent ? "bloc current" : "bloc",
        "aria-current": isCurrent ? "step" : null,
        onclick: () => act("bloc:goto", { bloc: b.id }),
      },
      `${i + 1}. ${b.title}`,
      el("span", { class: "bloc-phase" }, `${KIND_LABELS[b.kind]} · ${phaseLabel(b.phase)}`),
    ),
    el(
      "div",
      { class: "plan-tools" },
      el("button", { type: "button", "aria-label": `Monter « ${b.title} »`, disabled: i === 0,
        onclick: () => act("bloc:move", { bloc: b.id, position: i - 1 }) }, "↑"),
      el("button", { type: "button", "aria-label": `Descendre « ${b.title} »`, disabled: i === blocs.length - 1,
        onclick: () => act("bloc:move", { bloc: b.id, position: i + 1 }) }, "↓"),
      el("button", { type: "button", "aria-label": `Modifier « ${b.title} »`, onclick: () => openBlocForm(b) }, "✎"),
      el("button", { type: "button", class: "danger", "aria-label": `Retirer « ${b.title} »`,
        onclick: () => confirm(`Retirer le bloc « ${b.title} » ? Ses notes restent conservées.`) && act("bloc:remove", { bloc: b.id }) }, "✕"),
    ),
  );
}

// -- synthesis in volets ------------------------------------------------------------
// Clusters and notes become actions by "→ Synthèse" or by dropping them on a
// volet; actions stay editable and remember where they came from.

function voletDrop(voletId) {
  return {
    ondragover: (event) => event.preventDefault(),
    ondrop: (event) => {
      event.preventDefault();
      const cluster = event.dataTransfer.getData("application/x-facilitate-cluster");
      const notes = JSON.parse(event.dataTransfer.getData("text/plain") || "[]");
      if (cluster) act("action:add", { volet: voletId, source: { clusters: [Number(cluster)] } });
      else if (notes.length) act("action:add", { volet: voletId, source: { notes } });
    },
  };
}

function actionRow(action, volet, volets) {
  const text = el("textarea", { rows: "2", "data-key": `a${action.id}-text`, "aria-label": "Action" });
  text.value = action.text;
  text.addEventListener("change", () => act("action:update", { action: action.id, text: text.value }));
  const soutien = el("input", { "data-key": `a${action.id}-soutien`, "aria-label": `Soutien de « ${action.text} »`, value: action.soutien });
  soutien.addEventListener("change", () => act("action:update", { action: action.id, soutien: soutien.value }));
  const move = el("select", { "data-key": `a${action.id}-volet`, "aria-label": `Volet de « ${action.text} »` },
    volets.map((v) => el("option", { value: String(v.id), selected: v.id === volet.id }, v.title)));
  move.addEventListener("change", () => act("action:update", { action: action.id, volet: Number(move.value) }));
  return el("li", { class: "action" },
    text, el("label", { class: "soutien" }, "Soutien ", soutien), move,
    el("button", { type: "button", class: "danger", "aria-label": `Supprimer l'action « ${action.text} »`,
      onclick: () => act("action:remove", { action: action.id }) }, "✕"));
}

function synthesisPanel(volets) {
  return volets.map((v, i) => {
    const title = el("input", { "data-key": `v${v.id}-title`, "aria-label": `Titre du volet ${i + 1}`, value: v.title, class: "volet-title" });
    title.addEventListener("change", () => act("volet:update", { volet: v.id, title: title.value }));
    const typed = el("input", { "data-key": `v${v.id}-new`, "data-draft": true, "aria-label": `Nouvelle action du volet « ${v.title} »`, placeholder: "Nouvelle action…" });
    return el("section", { class: "volet", "aria-label": `Volet ${v.title}`, ...voletDrop(v.id) },
      el("div", { class: "toolbar" },
        el("span", { class: "volet-number" }, `${i + 1}-`), title,
        el("button", { type: "button", "aria-label": `Monter le volet « ${v.title} »`, disabled: i === 0,
          onclick: () => act("volet:update", { volet: v.id, position: i - 1 }) }, "↑"),
        el("button", { type: "button", "aria-label": `Descendre le volet « ${v.title} »`, disabled: i === volets.length - 1,
          onclick: () => act("volet:update", { volet: v.id, position: i + 1 }) }, "↓"),
        el("button", { type: "button", class: "danger", "aria-label": `Retirer le volet « ${v.title} »`,
          onclick: () => act("volet:remove", { volet: v.id }) }, "✕")),
      el("ol", { class: "actions" }, v.actions.map((a) => actionRow(a, v, volets))),
      el("form", { class: "toolbar", onsubmit: (event) => {
        event.preventDefault();
        if (!typed.value.trim()) return;
        act("action:add", { volet: v.id, text: typed.value }).then((ack) => {
          // The volets may have been redrawn meanwhile: clear the field that is on screen now.
          const field = $("volets").querySelector(`[data-key="v${v.id}-new"]`);
          if (ack.ok && field) field.value = "";
        });
      } }, typed, el("button", { type: "submit" }, "Ajouter")));
  });
}

$("add-volet").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("new-volet");
  if (input.value.trim()) act("volet:add", { title: input.value }).then((ack) => ack.ok && (input.value = ""));
});

async function download(fmt) {
  const response = await fetch(`/api/workshops/${workshopId}/export.${fmt}`, { headers: { "X-Facilitator-Key": key } });
  if (!response.ok) {
    showMessage((await response.json()).error.message, "error");
    return;
  }
  const name = (response.headers.get("Content-Disposition") || "").match(/filename="(.+)"/);
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: name ? name[1] : `atelier.${fmt}` });
  document.body.append(link);
  link.click();
  link.remove();
}
for (const button of document.querySelectorAll("[data-export]")) {
  button.addEventListener("click", () => download(button.dataset.export));
}

$("delete-workshop").addEventListener("click", async () => {
  if (!confirm("Supprimer définitivement cet atelier et toutes ses données (notes, votes, synthèse) ?")) return;
  const response = await fetch(`/api/workshops/${workshopId}`, { method: "DELETE", headers: { "X-Facilitator-Key": key } });
  if (response.ok) {
    localStorage.removeItem(`facilitate:key:${workshopId}`);
    location.href = "/";
  } else {
    showMessage((await response.json()).error.message, "error");
  }
});

// -- rendering ----------------------------------------------------------------------

function render(state) {
  const w = state.workshop;
  if (!w) return;
  document.title = `Console — ${w.title}`;
  $("workshop-title").textContent = w.title;
  $("join-url").textContent = w.join_url;
  $("join-code").textContent = w.code;
  renderLock(w);
  const blocs = state.sortedBlocs();
  $("plan").replaceChildren(...blocs.map((b, i) => planItem(b, i, blocs, w.current_bloc)));
  replaceKeepingFocus($("draw"), drawPanel(w));
  replaceKeepingFocus($("volets"), synthesisPanel(state.synthesis));
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
  $("timer-controls").replaceChildren(...timerControls(bloc));
  $("timer-duration").textContent = bloc.timer_seconds ? `durée prévue ${formatDuration(bloc.timer_seconds)}` : "";
  replaceKeepingFocus($("bloc-notes"), [notesPanel(bloc)]);
  $("writers").replaceChildren(writersPanel(bloc));
  $("note-count").textContent = String(state.notesOf(bloc.id).length);
}

if (!key) {
  showMessage("Clé d'animation manquante : ouvrez cette console depuis la page d'accueil de ce portable.", "error");
} else {
  $("projector-link").href = `/w/${workshopId}/projecteur#key=${encodeURIComponent(key)}`;
  live = connectLive({
    auth: { code, facilitator_key: key },
    render,
    onStatus: (online) => {
      $("status").textContent = online ? "En ligne" : "Hors ligne — reconnexion…";
      $("status").className = `status ${online ? "online" : "offline"}`;
    },
    onRefused: (error) => showMessage(error.message, "error"),
  });
  tickCountdown($("timer"), live.state, () => live.state.currentBloc);
  live.socket.on("cluster:offer", (offer) => {
    offers.set(offer.note, offer);
    render(live.state);
  });
}
