// The co-animation view, for a second device (a phone at 360 px, a tablet):
// the phases and the timer, moderation and grouping, nothing else. It
// connects with the invitation's key (`cofacilitator_key`); the server
// refuses every other facilitator action (docs/api.md, co-animation).
import { render } from "../vendor/preact.module.js";
import { connectLive } from "./live.js";
import { Phases, TimerControls } from "./console/board.js";
import { Moderation } from "./console/moderation.js";
import { keyFromFragment } from "./staff.js";
import { act, app, html, showMessage, t, ui } from "./console/ui.js";

const root = document.getElementById("app");
const $ = (id) => document.getElementById(id);
app.workshopId = root.dataset.workshop;

// The invitation's key arrives in the URL fragment (never in a request line), kept for reloads.
const invitationKey = () => keyFromFragment(`facilitate:co:${app.workshopId}`);

// Tick notes of the current bloc, then group them.
function Grouping({ state, bloc }) {
  const { clusters, loose } = state.board(bloc.id);
  const pick = (id, on) => {
    on ? ui.selectedNotes.add(id) : ui.selectedNotes.delete(id);
    app.refresh();
  };
  const group = async () => {
    const notes = loose.map((n) => n.id).filter((id) => ui.selectedNotes.has(id));
    if (!notes.length) return showMessage(t("Cochez au moins une note."), "error");
    if ((await act("cluster:group", { bloc: bloc.id, clusters: [{ notes }] })).ok) ui.selectedNotes.clear();
  };
  return html`<section class="card" aria-labelledby="co-grouping-title">
    <h2 id="co-grouping-title">${t("Regroupement")}</h2>
    <ul class="moderation-list">
      ${clusters.map(
        (g) => html`<li key=${`c${g.cluster.id}`}><strong>${g.cluster.label}</strong> (${g.notes.length})</li>`,
      )}
      ${loose.map(
        (n) =>
          html`<li key=${n.id}>
            <input
              type="checkbox"
              id=${`co-note-${n.id}`}
              checked=${ui.selectedNotes.has(n.id)}
              onchange=${(e) => pick(n.id, e.currentTarget.checked)}
            />
            <label for=${`co-note-${n.id}`}>${n.text}</label>
          </li>`,
      )}
    </ul>
    <button type="button" class="primary" onclick=${group}>${t("Regrouper les notes cochées")}</button>
    <button type="button" onclick=${() => act("cluster:undo", { bloc: bloc.id })}>${t("Annuler")}</button>
  </section>`;
}

function Co({ state }) {
  const bloc = state.currentBloc;
  if (!bloc) return null;
  return html`<section class="card" aria-labelledby="co-bloc-title">
      <h2 id="co-bloc-title">${bloc.title}</h2>
      <${Phases} bloc=${bloc} />
      <${TimerControls} state=${state} bloc=${bloc} />
    </section>
    <${Grouping} state=${state} bloc=${bloc} />
    <${Moderation} state=${state} bloc=${bloc} co=${true} />`;
}

app.refresh = () => {
  if (app.live && app.live.state.workshop) render(html`<${Co} state=${app.live.state} />`, $("co"));
};

const key = invitationKey();
if (!key) {
  showMessage(t("Invitation manquante : ouvrez le lien de co-animation reçu."), "error");
} else {
  app.live = connectLive({
    auth: { code: root.dataset.code, cofacilitator_key: key },
    render: () => app.refresh(),
    onStatus: (online) => {
      $("status").textContent = online ? t("En ligne") : t("Hors ligne — reconnexion…");
      $("status").className = `status ${online ? "online" : "offline"}`;
    },
    onRefused: (error) => showMessage(error.message, "error"),
  });
  app.live.socket.on("cofacilitator:revoked", (data) => {
    localStorage.removeItem(`facilitate:co:${app.workshopId}`);
    showMessage(data.message, "error");
    render(null, $("co"));
  });
}
