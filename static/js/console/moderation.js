// Moderation: the notes waiting for the facilitator (a bloc with "validation
// avant affichage"), hiding and showing notes, notes typed in from paper,
// muting a participant, and the atelier's identity mode. Every rule is the
// server's (docs/api.md): this view only sends the events and shows refusals.
import { N_, act, html, t } from "./ui.js";

const IDENTITY_MODES = [
  ["named", N_("Nominatif : les prénoms sont visibles de l'animation, du tirage et dans les exports")],
  ["pseudonym", N_("Pseudonymes : seule l'animation voit les noms ; jamais exportés")],
  ["anonymous", N_("Anonyme : aucun nom n'est demandé, ni conservé")],
];

function who(state, note) {
  if (note.paper) return t("papier");
  const p = state.participants.get(note.author);
  return p ? p.name || t("Anonyme n° {id}", { id: p.id }) : t("Animation");
}

function Waiting({ bloc, notes }) {
  return html`<section aria-labelledby="waiting-title">
    <h3 id="waiting-title">${t("Notes en attente ({n})", { n: notes.length })}</h3>
    <label class="check">
      <input
        type="checkbox"
        checked=${Boolean(bloc.moderated)}
        onchange=${(e) => act("bloc:update", { bloc: bloc.id, moderated: e.currentTarget.checked })}
      />
      ${t("Validation avant affichage : les nouvelles notes attendent ici")}
    </label>
    ${notes.length
      ? html`<button type="button" class="primary" onclick=${() => act("note:approve", { bloc: bloc.id })}>
            ${t("Tout laisser passer")}
          </button>
          <ul class="moderation-list">
            ${notes.map(
              (n) =>
                html`<li key=${n.id}>
                  <span class="note-text">${n.text}</span>
                  <button
                    type="button"
                    aria-label=${t("Laisser passer « {text} »", { text: n.text })}
                    onclick=${() => act("note:approve", { note: n.id })}
                  >
                    ${t("Laisser passer")}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    aria-label=${t("Masquer « {text} »", { text: n.text })}
                    onclick=${() => act("note:hide", { note: n.id, hidden: true })}
                  >
                    ${t("Masquer")}
                  </button>
                </li>`,
            )}
          </ul>`
      : html`<p class="hint">${t("Aucune note n'attend.")}</p>`}
  </section>`;
}

function Hiding({ state, notes }) {
  return html`<section aria-labelledby="hiding-title">
    <h3 id="hiding-title">${t("Masquer une note")}</h3>
    <p class="hint">
      ${t("Une note masquée reste ici ; elle quitte le projecteur, les téléphones, le vote et les exports.")}
    </p>
    <ul class="moderation-list">
      ${notes.map(
        (n) =>
          html`<li key=${n.id} class=${n.hidden ? "hidden-note" : ""}>
            <span class="note-text">${n.text}</span>
            <span class="hint">${who(state, n)}${n.hidden ? ` · ${t("masquée")}` : ""}</span>
            <button
              type="button"
              class=${n.hidden ? "" : "danger"}
              aria-pressed=${String(Boolean(n.hidden))}
              aria-label=${n.hidden
                ? t("Afficher « {text} »", { text: n.text })
                : t("Masquer « {text} »", { text: n.text })}
              onclick=${() => act("note:hide", { note: n.id, hidden: !n.hidden })}
            >
              ${n.hidden ? t("Afficher") : t("Masquer")}
            </button>
          </li>`,
      )}
    </ul>
  </section>`;
}

function Paper({ bloc }) {
  const add = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const payload = { bloc: bloc.id, text: data.get("text") };
    if (data.get("column")) payload.column = data.get("column");
    if ((await act("note:paper", payload)).ok) form.reset();
  };
  return html`<section aria-labelledby="paper-title">
    <h3 id="paper-title">${t("Notes papier")}</h3>
    <form class="paper-form" onsubmit=${add}>
      ${bloc.columns.length
        ? html`<label for="paper-column">${t("Colonne ou question")}</label>
            <select id="paper-column" name="column">
              ${bloc.columns.map((c) => html`<option key=${c.id} value=${c.id}>${c.label}</option>`)}
            </select>`
        : null}
      <label for="paper-text">${t("Une note par ligne, telle qu'écrite sur le papier")}</label>
      <textarea id="paper-text" name="text" rows="5" required></textarea>
      <button type="submit" class="primary">${t("Ajouter les notes")}</button>
    </form>
  </section>`;
}

function People({ state }) {
  const rows = [...state.participants.values()].sort((a, b) => a.id - b.id);
  return html`<section aria-labelledby="people-title">
    <h3 id="people-title">${t("Participants ({n})", { n: rows.length })}</h3>
    <ul class="moderation-list">
      ${rows.map((p) => {
        const name = p.name || t("Anonyme n° {id}", { id: p.id });
        return html`<li key=${p.id}>
          <span>${name}${p.muted ? ` · ${t("envois suspendus")}` : ""}</span>
          <button
            type="button"
            class=${p.muted ? "" : "danger"}
            aria-pressed=${String(Boolean(p.muted))}
            aria-label=${p.muted
              ? t("Rétablir les envois de {who}", { who: name })
              : t("Suspendre {who}", { who: name })}
            onclick=${() => act("participant:mute", { participant: p.id, muted: !p.muted })}
          >
            ${p.muted ? t("Rétablir") : t("Suspendre")}
          </button>
        </li>`;
      })}
    </ul>
  </section>`;
}

function Identity({ workshop }) {
  return html`<section aria-labelledby="identity-title">
    <h3 id="identity-title">${t("Identité des participants")}</h3>
    <label for="identity-mode"
      >${t("Mode (plus discret à tout moment, jamais moins une fois l'atelier commencé)")}</label
    >
    <select
      id="identity-mode"
      value=${workshop.identity}
      onchange=${async (e) => {
        const select = e.currentTarget;
        if (!(await act("workshop:identity", { identity: select.value })).ok) select.value = workshop.identity;
      }}
    >
      ${IDENTITY_MODES.map(([id, label]) => html`<option key=${id} value=${id}>${t(label)}</option>`)}
    </select>
  </section>`;
}

export function Moderation({ state, bloc, co = false }) {
  const notes = bloc ? state.notesOf(bloc.id) : [];
  return html`<section id="moderation" class="moderation" aria-labelledby="moderation-title">
    <h2 id="moderation-title">${t("Modération")}</h2>
    ${bloc
      ? html`<${Waiting} bloc=${bloc} notes=${notes.filter((n) => n.pending)} />
          <${Paper} bloc=${bloc} />
          <${Hiding} state=${state} notes=${notes.filter((n) => !n.pending)} />`
      : null}
    <${People} state=${state} />
    ${co ? null : html`<${Identity} workshop=${state.workshop} />`}
  </section>`;
}

// How many notes wait for the facilitator: shown on the view's tab.
export function waitingCount(state, bloc) {
  return bloc ? state.notesOf(bloc.id).filter((n) => n.pending).length : 0;
}
