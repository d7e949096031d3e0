// The board: the current bloc's notes and clusters as cards, its columns
// side by side (as on the projector), with a toolbar that shows only what
// the phase needs. Grouping works with the mouse (drag a note onto a
// cluster) and without it (tick notes, then a toolbar button).
import { useEffect, useState } from "../../vendor/preact-hooks.module.js";
import { PHASES, foldIdentical, formatDuration, isPrivateNow } from "../live.js";
import { Results } from "../results.js";
import { Component } from "../../vendor/preact.module.js";
import { Pure, act, app, clearSelection, closeMenu, html, showMessage, t, ui } from "./ui.js";

function authorsOf(state, notes) {
  const name = (note) => {
    const who = state.participants.get(note.author);
    return who ? who.name || t("Anonyme") : note.mine ? t("Animation") : t("Anonyme");
  };
  return [...new Set(notes.map(name))].join(", ");
}

function toggle(set, ids, on) {
  for (const id of ids) on ? set.add(id) : set.delete(id);
  app.refresh();
}

// One folded note card (identical notes show once with their count).
class NoteCard extends Pure {
  render({ ids, text, count, authors, selected, hidden }) {
    const list = ids.split(",").map(Number);
    return html`<li
      class=${`note${selected ? " selected" : ""}${hidden ? " hidden-note" : ""}`}
      draggable="true"
      ondragstart=${(e) => e.dataTransfer.setData("text/plain", JSON.stringify(list))}
    >
      <label class="pick">
        <input
          type="checkbox"
          checked=${selected}
          aria-label=${t("Sélectionner « {text} »", { text })}
          onchange=${(e) => toggle(ui.selectedNotes, list, e.currentTarget.checked)}
        />
        <span class="note-text">${text}${count > 1 ? ` (${count})` : ""}</span>
      </label>
      ${hidden ? html`<span class="badge">${t("masquée")}</span>` : null}
      <span class="note-author">${authors}</span>
    </li>`;
  }
}

function noteCard(state, g) {
  const ids = g.notes.map((n) => n.id);
  return html`<${NoteCard}
    key=${ids[0]}
    ids=${ids.join(",")}
    text=${g.text}
    count=${ids.length}
    authors=${authorsOf(state, g.notes)}
    selected=${ids.every((id) => ui.selectedNotes.has(id))}
    hidden=${g.notes.some((n) => n.hidden)}
  />`;
}

// Redrawn only when its signature changed.
class Keyed extends Component {
  shouldComponentUpdate(next) {
    return next.sig !== this.props.sig;
  }

  render({ draw }) {
    return draw();
  }
}

// Notes in lists of 48 cards (full rows of 2, 3 or 4): a note arriving
// among 600 redraws and lays out the last list only.
const CHUNK = 48;

function NoteLists({ state, notes }) {
  const groups = foldIdentical(notes);
  const lists = [];
  for (let i = 0; i < groups.length; i += CHUNK) lists.push(groups.slice(i, i + CHUNK));
  const mark = (n) => `${n.id}.${n.updated_at}.${n.hidden ? 1 : 0}.${ui.selectedNotes.has(n.id) ? 1 : 0}`;
  return lists.map(
    (list) =>
      html`<${Keyed}
        key=${list[0].notes[0].id}
        sig=${`${state.participants.size}|${list.map((g) => g.notes.map(mark).join("+")).join(",")}`}
        draw=${() =>
          html`<ul class="notes">
            ${list.map((g) => noteCard(state, g))}
          </ul>`}
      />`,
  );
}

function dropTarget(clusterId) {
  return {
    ondragover: (e) => e.preventDefault(),
    ondrop: (e) => {
      e.preventDefault();
      const ids = JSON.parse(e.dataTransfer.getData("text/plain") || "[]");
      if (ids.length) act("cluster:move", { notes: ids, cluster: clusterId });
    },
  };
}

// One compact menu per cluster instead of a row of buttons on every cluster.
function ClusterMenu({ cluster, volets }) {
  const rename = (e) => {
    closeMenu(e);
    const label = prompt(t("Nouveau nom du regroupement :"), cluster.label);
    if (label) act("cluster:rename", { cluster: cluster.id, label });
  };
  return html`<details class="menu">
    <summary aria-label=${t("Actions pour « {label} »", { label: cluster.label })}>⋯</summary>
    <div class="menu-items">
      <button type="button" onclick=${rename}>${t("Renommer")}</button>
      <button
        type="button"
        onclick=${(e) => {
          closeMenu(e);
          act("cluster:ungroup", { cluster: cluster.id });
        }}
      >
        ${t("Dissoudre")}
      </button>
      ${volets.map(
        (v) =>
          html`<button
            type="button"
            key=${v.id}
            onclick=${(e) => {
              closeMenu(e);
              act("action:add", { volet: v.id, source: { clusters: [cluster.id] } });
            }}
          >
            ${t("→ Synthèse : {volet}", { volet: v.title })}
          </button>`,
      )}
    </div>
  </details>`;
}

function ClusterCard({ state, group, level }) {
  const c = group.cluster;
  const H = `h${level}`; // under its column's h3, or right under the bloc's h2
  return html`<section class="cluster" aria-label=${t("Regroupement {label}", { label: c.label })} ...${dropTarget(c.id)}>
    <div class="cluster-head" draggable="true"
        ondragstart=${(e) => e.dataTransfer.setData("application/x-facilitate-cluster", String(c.id))}>
      <input type="checkbox" checked=${ui.selectedClusters.has(c.id)}
        aria-label=${t("Cocher le regroupement « {label} »", { label: c.label })}
        onchange=${(e) => toggle(ui.selectedClusters, [c.id], e.currentTarget.checked)} />
      <${H} class="cluster-label">${c.label} <span class="count">(${group.notes.length})</span></${H}>
      <${ClusterMenu} cluster=${c} volets=${state.synthesis} />
    </div>
    <${NoteLists} state=${state} notes=${group.notes} />
  </section>`;
}

// A column redraws only when what it shows changed (its notes, clusters,
// the selection): a note arriving in one column leaves the others alone.
class Column extends Pure {
  render({ state, bloc, column }) {
    return html`<${ColumnBody} state=${state} bloc=${bloc} column=${column} />`;
  }
}

function columnSignature(state, bloc, column) {
  const notes = state.notesOf(bloc.id, column ? column.id : undefined);
  const clusters = [...state.clusters.values()].filter((c) => c.bloc === bloc.id).map((c) => `${c.id}:${c.label}`);
  return [
    bloc.phase,
    clusters.join(","),
    [...ui.selectedClusters].join(","),
    state.synthesis.map((v) => v.title).join(","),
    state.participants.size,
    notes
      .map((n) => `${n.id}.${n.cluster}.${n.updated_at}.${n.hidden ? 1 : 0}.${ui.selectedNotes.has(n.id) ? 1 : 0}`)
      .join(","),
  ].join("|");
}

function ColumnBody({ state, bloc, column }) {
  const { clusters, loose } = state.board(bloc.id, column ? column.id : undefined);
  const count = clusters.reduce((n, g) => n + g.notes.length, loose.length);
  return html`<section class="column" aria-label=${column ? column.label : t("Notes du bloc")}>
    ${column ? html`<h3>${column.label} <span class="count">(${count})</span></h3>` : null}
    ${clusters.map(
      (g) => html`<${ClusterCard} key=${g.cluster.id} state=${state} group=${g} level=${column ? 4 : 3} />`,
    )}
    <section
      class="loose"
      aria-label=${column
        ? t("Notes sans regroupement : {column}", { column: column.label })
        : t("Notes sans regroupement")}
      ...${dropTarget(null)}
    >
      ${clusters.length ? html`<p class="loose-title">${t("Sans regroupement ({n})", { n: loose.length })}</p>` : null}
      <${NoteLists} state=${state} notes=${loose} />
    </section>
  </section>`;
}

// -- the toolbar of each phase -----------------------------------------------------

export function Countdown({ state, bloc }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, []);
  const left = state.secondsLeft(bloc);
  if (left === null)
    return html`<span id="timer" class="timer" role="timer" aria-label=${t("Temps restant")} hidden></span>`;
  const cls = `timer${bloc.timer.running ? "" : " paused"}${left <= 0 ? " over" : ""}`;
  return html`<span id="timer" class=${cls} role="timer" aria-label=${t("Temps restant")}>
    ${left > 0 ? formatDuration(left) : t("Temps écoulé")}</span
  >`;
}

export function toggleTimer(bloc) {
  const running = bloc.timer && bloc.timer.running;
  return act("timer", { bloc: bloc.id, action: running ? "pause" : "start" });
}

export function TimerControls({ state, bloc }) {
  const control = (label, action, seconds) =>
    html`<button type="button" onclick=${() => act("timer", { bloc: bloc.id, action, seconds })}>${label}</button>`;
  const running = bloc.timer && bloc.timer.running;
  return html`<span class="timer-row" role="group" aria-label=${t("Minuterie")}>
    <${Countdown} state=${state} bloc=${bloc} />
    <button type="button" onclick=${() => toggleTimer(bloc)}>${running ? t("Pause") : t("Démarrer")}</button>
    ${control(t("− 1 min"), "extend", -60)} ${control(t("+ 1 min"), "extend", 60)}
    ${control(t("Réinitialiser"), "reset")}
    ${bloc.timer_seconds
      ? html`<span class="hint">${t("durée prévue {d}", { d: formatDuration(bloc.timer_seconds) })}</span>`
      : null}
  </span>`;
}

const selectedIn = (state) => [...ui.selectedNotes].filter((id) => state.notes.has(id));

export function groupSelection(bloc) {
  const notes = selectedIn(app.live.state);
  if (!notes.length) return Promise.resolve(null);
  return act("cluster:group", { bloc: bloc.id, clusters: [{ notes }] }).then(clearSelection);
}

export async function suggest(bloc) {
  // The first suggestion loads scikit-learn on the server: give it time on a busy laptop.
  const ack = await act("cluster:suggest", { bloc: bloc.id }, 60000);
  if (!ack.ok) return;
  ui.suggestions = { bloc: bloc.id, placements: ack.placements, clusters: ack.clusters };
  ui.unticked.clear();
  if (!ack.placements.length && !ack.clusters.length) {
    showMessage(t("Aucun regroupement à proposer : les notes sont toutes différentes."));
  }
  app.refresh();
}

export const undo = (bloc) => act("cluster:undo", { bloc: bloc.id });

function GroupingTools({ state, bloc }) {
  const clusters = [...state.clusters.values()].filter((c) => c.bloc === bloc.id);
  const selection = selectedIn(state);
  const none = !selection.length;
  return html` <button type="button" class="primary-inline" onclick=${() => suggest(bloc)}>
      ${t("Proposer des regroupements")}
    </button>
    <button type="button" disabled=${none} onclick=${() => groupSelection(bloc)}>
      ${t("Regrouper la sélection ({n})", { n: selection.length })}
    </button>
    <button
      type="button"
      onclick=${() => act("cluster:merge", { clusters: [...ui.selectedClusters] }).then(clearSelection)}
    >
      ${t("Fusionner les cochés")}
    </button>
    <${SelectionMenu} state=${state} clusters=${clusters} selection=${selection} />
    <button type="button" onclick=${() => undo(bloc)}>${t("Annuler")}</button>`;
}

// Where ticked notes can go: another cluster, out of any, or a volet of the synthesis.
function SelectionMenu({ state, clusters, selection }) {
  const none = !selection.length;
  const go = (e, event, payload) => {
    closeMenu(e);
    act(event, payload).then(clearSelection);
  };
  return html`<details class="menu">
    <summary>${t("Sélection…")}</summary>
    <div class="menu-items">
      ${clusters.map(
        (c) =>
          html`<button
            type="button"
            key=${`c${c.id}`}
            disabled=${none}
            onclick=${(e) => go(e, "cluster:move", { notes: selection, cluster: c.id })}
          >
            ${t("Déplacer vers {label}", { label: c.label })}
          </button>`,
      )}
      <button
        type="button"
        disabled=${none}
        onclick=${(e) => go(e, "cluster:move", { notes: selection, cluster: null })}
      >
        ${t("Sortir du regroupement")}
      </button>
      ${state.synthesis.map(
        (v) =>
          html`<button
            type="button"
            key=${`v${v.id}`}
            disabled=${none}
            onclick=${(e) => go(e, "action:add", { volet: v.id, source: { notes: selection } })}
          >
            ${t("→ Synthèse : {volet}", { volet: v.title })}
          </button>`,
      )}
    </div>
  </details>`;
}

function Toolbar({ state, bloc }) {
  const people = [...state.participants.values()];
  const done = people.filter((p) => p.done.includes(bloc.id)).length;
  const voters = people.filter((p) => (p.dots[bloc.id] || 0) > 0).length;
  const byPhase = {
    ecriture: html`<${TimerControls} state=${state} bloc=${bloc} />
      <span class="done-count">${t("Ont terminé : {done} / {all}", { done, all: people.length })}</span>`,
    devoilement: html`<span class="hint">${t("{n} note(s) visible(s)", { n: state.notesOf(bloc.id).length })}</span>`,
    regroupement: html`<${GroupingTools} state=${state} bloc=${bloc} />`,
    vote: html`<${TimerControls} state=${state} bloc=${bloc} />
      <span class="vote-count"
        >${t("{budget} point(s) par personne · {voters} / {all} ont voté", {
          budget: bloc.vote_budget,
          voters,
          all: people.length,
        })}</span
      >`,
    clos: null,
  };
  return html`<div class="toolbar phase-tools" role="toolbar" aria-label=${t("Outils de la phase")}>
    ${byPhase[bloc.phase]}
    ${bloc.phase === "regroupement"
      ? null
      : html`<${SelectionMenu} state=${state} clusters=${[]} selection=${selectedIn(state)} />`}
    <span class="hint note-count"><span id="note-count">${state.notesOf(bloc.id).length}</span> ${t("note(s)")}</span>
  </div>`;
}

// -- suggestions: loose notes offered to the existing groups, then new groups --------
// Everything is ticked at first; what stays ticked is accepted as one undo step.
// Existing groups change only through an accepted placement.

const noteText = (state, id) => (state.notes.get(id) || { text: "?" }).text;
const clusterLabel = (state, id) => (state.clusters.get(id) || { label: "?" }).label;

function isLoose(state, id) {
  const note = state.notes.get(id);
  return Boolean(note) && note.cluster == null;
}

function reasonOf(state, placement) {
  return placement.words.length
    ? t("mots communs : {words}", { words: placement.words.join(", ") })
    : t("proche de « {note} »", { note: noteText(state, placement.closest) });
}

function Tick({ id, label }) {
  const change = (e) => {
    e.currentTarget.checked ? ui.unticked.delete(id) : ui.unticked.add(id);
    app.refresh();
  };
  return html`<input type="checkbox" checked=${!ui.unticked.has(id)} aria-label=${label} onchange=${change} />`;
}

function Suggestions({ state, bloc }) {
  const s = ui.suggestions;
  if (!s || s.bloc !== bloc.id) return null;
  // Notes grouped meanwhile drop out of the proposal.
  const placements = s.placements.filter((p) => isLoose(state, p.note) && state.clusters.has(p.cluster));
  const groups = s.clusters
    .map((g, i) => ({ ...g, key: `g${i}` }))
    .filter((g) => g.notes.every((id) => isLoose(state, id)));
  const count = placements.length + groups.length;
  if (!count) return null;
  const accept = (keep) =>
    act("cluster:accept", {
      bloc: bloc.id,
      placements: placements.filter((p) => keep(`p${p.note}`)).map((p) => ({ note: p.note, cluster: p.cluster })),
      clusters: groups.filter((g) => keep(g.key)).map((g) => ({ label: g.label, notes: g.notes })),
    }).then((ack) => {
      if (ack.ok) {
        ui.suggestions = null;
        if (ack.skipped.length)
          showMessage(t("{n} note(s) déjà regroupée(s) entre-temps : laissée(s) en place.", { n: ack.skipped.length }));
      }
      app.refresh();
    });
  const ticked =
    placements.filter((p) => !ui.unticked.has(`p${p.note}`)).length +
    groups.filter((g) => !ui.unticked.has(g.key)).length;
  return html`<section class="suggestions" aria-labelledby="suggestions-title">
    <h3 id="suggestions-title">${t("Regroupements proposés ({n})", { n: count })}</h3>
    <div class="toolbar">
      <button type="button" class="primary-inline" onclick=${() => accept(() => true)}>${t("Tout accepter")}</button>
      <button type="button" disabled=${!ticked} onclick=${() => accept((key) => !ui.unticked.has(key))}>
        ${t("Accepter les suggestions cochées ({n})", { n: ticked })}
      </button>
      <button
        type="button"
        onclick=${() => {
          ui.suggestions = null;
          app.refresh();
        }}
      >
        ${t("Ignorer")}
      </button>
    </div>
    ${placements.length ? html`<h4>${t("Dans vos regroupements")}</h4>` : null}
    <ul class="placements">
      ${placements.map(
        (p) =>
          html`<li key=${p.note}>
            <label
              ><${Tick}
                id=${`p${p.note}`}
                label=${t("Placer « {note} » dans « {group} »", {
                  note: noteText(state, p.note),
                  group: clusterLabel(state, p.cluster),
                })}
              />
              ${` « ${noteText(state, p.note)} » → `}<strong>${clusterLabel(state, p.cluster)}</strong></label
            >
            ${" "}<span class="reason">${reasonOf(state, p)}</span>
          </li>`,
      )}
    </ul>
    ${groups.length ? html`<h4>${t("Nouveaux regroupements")}</h4>` : null}
    <ul>
      ${groups.map(
        (g) =>
          html`<li key=${g.key}>
            <label
              ><${Tick} id=${g.key} label=${t("Créer le regroupement « {label} »", { label: g.label })} /> ${" "}<strong
                >${g.label} (${g.notes.length})</strong
              ></label
            >
            ${" : "}${g.notes.map((id) => noteText(state, id)).join(" · ")}
          </li>`,
      )}
    </ul>
  </section>`;
}

// Late notes (written during regroupement) offered to the group they resemble.
function Offers({ state, bloc }) {
  const pending = [...ui.offers.values()].filter(
    (o) => o.bloc === bloc.id && isLoose(state, o.note) && state.clusters.has(o.cluster),
  );
  if (!pending.length) return null;
  const forget = (o) => {
    ui.offers.delete(o.note);
    app.refresh();
  };
  return html`<section class="suggestions offers" aria-labelledby="offers-title">
    <h3 id="offers-title">${t("Notes arrivées en retard ({n})", { n: pending.length })}</h3>
    <ul>
      ${pending.map(
        (o) =>
          html`<li key=${o.note}>
            ${t("« {note} » ressemble à ", { note: noteText(state, o.note) })}<strong
              >${clusterLabel(state, o.cluster)}</strong
            >
            ${" "}<span class="reason">${reasonOf(state, o)}</span>${" "}
            <button
              type="button"
              onclick=${() => act("cluster:move", { notes: [o.note], cluster: o.cluster }).then(() => forget(o))}
            >
              ${t("Placer dans « {group} »", { group: clusterLabel(state, o.cluster) })}
            </button>
            <button type="button" onclick=${() => forget(o)}>${t("Laisser")}</button>
          </li>`,
      )}
    </ul>
  </section>`;
}

function RetainedEditor({ bloc, result }) {
  const save = (e) => {
    const text = e.currentTarget.closest("details").querySelector("textarea").value;
    act("bloc:retained", {
      bloc: bloc.id,
      retained: text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean),
    });
  };
  return html`<details>
    <summary>${t("Modifier la liste des grands fondamentaux")}</summary>
    <textarea
      id="retained-editor"
      rows="5"
      aria-label=${t("Grands fondamentaux retenus, un par ligne")}
      defaultValue=${result.retained.join("\n")}
    ></textarea>
    <button type="button" onclick=${save}>${t("Enregistrer la liste")}</button>
    <button type="button" onclick=${() => act("bloc:retained", { bloc: bloc.id, retained: null })}>
      ${t("Revenir au calcul automatique")}
    </button>
  </details>`;
}

function Writers({ state, bloc }) {
  const rows = [...state.participants.values()].sort((a, b) => a.id - b.id);
  return html`<aside id="writers" class="side" aria-labelledby="writers-title">
    <h2 id="writers-title">${t("Participants ({n})", { n: rows.length })}</h2>
    ${isPrivateNow(bloc)
      ? html`<p class="hint">${t("Écriture privée : les textes s'afficheront au dévoilement.")}</p>`
      : null}
    <ul class="writers">
      ${rows.map((p) => {
        const done = p.done.includes(bloc.id);
        return html`<li key=${p.id} class=${done ? "done" : ""}>
          ${t("{name} — {n} note(s)", { name: p.name || t("Anonyme"), n: p.notes[bloc.id] || 0 })}
          ${bloc.phase === "vote"
            ? t(" · {dots}/{budget} point(s)", { dots: p.dots[bloc.id] || 0, budget: bloc.vote_budget })
            : ""}
          ${done
            ? html`<span class="badge">${t("✓ terminé")}</span>`
            : html`<span class="badge writing">${t("en cours")}</span>`}
          <${RemoveButton} participant=${p} />
        </li>`;
      })}
    </ul>
  </aside>`;
}

// Removing someone from the atelier (their notes stay).
function RemoveButton({ participant: p }) {
  const who = p.name || t("Anonyme n° {id}", { id: p.id });
  const remove = () =>
    confirm(t("Retirer {who} de l'atelier ? Ses notes restent.", { who })) &&
    act("participant:remove", { participant: p.id });
  return html`<button type="button" class="danger remove" aria-label=${t("Retirer {who}", { who })} onclick=${remove}>
    ${t("Retirer")}
  </button>`;
}

export function nextPhase(bloc) {
  const i = PHASES.findIndex(([id]) => id === bloc.phase);
  if (i < PHASES.length - 1) act("bloc:phase", { bloc: bloc.id, phase: PHASES[i + 1][0] });
}

export function Phases({ bloc }) {
  return html`<div id="phases" class="phases" role="group" aria-label=${t("Phase du bloc")}>
    ${PHASES.map(
      ([id, label]) =>
        html`<button
          type="button"
          key=${id}
          class=${id === bloc.phase ? "phase current" : "phase"}
          aria-pressed=${id === bloc.phase ? "true" : "false"}
          onclick=${() => act("bloc:phase", { bloc: bloc.id, phase: id })}
        >
          ${t(label)}
        </button>`,
    )}
  </div>`;
}

export function Board({ state, bloc }) {
  const columns = bloc.columns.length ? bloc.columns : [null];
  const result = state.results.get(bloc.id);
  const side = ["ecriture", "vote"].includes(bloc.phase);
  return html`<div class=${side ? "board-view with-side" : "board-view"}>
    <div class="board-main">
      <${Toolbar} state=${state} bloc=${bloc} />
      <${Offers} state=${state} bloc=${bloc} />
      <${Suggestions} state=${state} bloc=${bloc} />
      ${bloc.phase === "clos" && result
        ? html`<${Results} result=${result}><${RetainedEditor} key=${bloc.id} bloc=${bloc} result=${result} /><//>`
        : null}
      <div id="bloc-notes" class=${`board columns-${columns.length} phase-${bloc.phase}`}>
        ${columns.map(
          (c) =>
            html`<${Column}
              key=${c ? c.id : "all"}
              state=${state}
              bloc=${bloc}
              column=${c}
              signature=${columnSignature(state, bloc, c)}
            />`,
        )}
      </div>
    </div>
    ${side ? html`<${Writers} state=${state} bloc=${bloc} />` : null}
  </div>`;
}
