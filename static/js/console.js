// The facilitator's console. Each panel is a module of ./console/ (plan,
// board, synthesis, draw, shortcuts) drawn with Preact: a change redraws
// what it touched, so an open menu or a half-typed field stays as it is
// when someone else acts. A new panel is one module and one entry in VIEWS.
import { render } from "../vendor/preact.module.js";
import { connectLive } from "./live.js";
import { facilitatorKey } from "./staff.js";
import { Board, Phases } from "./console/board.js";
import { Draw } from "./console/draw.js";
import { Moderation, waitingCount } from "./console/moderation.js";
import { Tables } from "./console/tables.js";
import { Plan, setupBlocForm } from "./console/plan.js";
import { ShortcutsHelp, setupShortcuts } from "./console/shortcuts.js";
import { Synthesis } from "./console/synthesis.js";
import { N_, act, app, html, showMessage, staffFetch, t, ui } from "./console/ui.js";

const root = document.getElementById("app");
const $ = (id) => document.getElementById(id);
app.workshopId = root.dataset.workshop;
app.key = facilitatorKey(app.workshopId);

const VIEWS = [
  ["board", N_("Tableau"), ({ state, bloc }) => (bloc ? html`<${Board} state=${state} bloc=${bloc} />` : null)],
  ["synthesis", N_("Synthèse"), ({ state }) => html`<${Synthesis} state=${state} />`],
  ["draw", N_("Tirage au sort"), ({ state }) => html`<${Draw} workshop=${state.workshop} />`],
  ["tables", N_("Tables"), ({ state, bloc }) => html`<${Tables} state=${state} bloc=${bloc} />`],
  ["moderation", N_("Modération"), ({ state, bloc }) => html`<${Moderation} state=${state} bloc=${bloc} />`],
];

function Main({ state }) {
  const bloc = state.currentBloc;
  const view = VIEWS.find(([id]) => id === ui.view) || VIEWS[0];
  return html` <div class="bloc-head">
      <div class="bloc-text">
        <h2 id="bloc-title">${bloc ? bloc.title : ""}</h2>
        <p id="bloc-prompt" class="prompt-text">${bloc ? bloc.prompt : ""}</p>
      </div>
      ${bloc ? html`<${Phases} bloc=${bloc} />` : null}
    </div>
    <nav class="views" aria-label=${t("Vues")}>
      ${VIEWS.map(
        ([id, label]) =>
          html`<button
            type="button"
            key=${id}
            class=${id === view[0] ? "view current" : "view"}
            aria-pressed=${String(id === view[0])}
            onclick=${() => {
              ui.view = id;
              app.refresh();
            }}
          >
            ${t(label)}${id === "moderation" && waitingCount(state, bloc) ? ` (${waitingCount(state, bloc)})` : ""}
          </button>`,
      )}
      <button
        type="button"
        class="view help"
        aria-label=${t("Raccourcis clavier")}
        title=${t("Raccourcis clavier (?)")}
        onclick=${() => $("shortcuts-dialog").showModal()}
      >
        ?
      </button>
    </nav>
    <${view[2]} state=${state} bloc=${bloc} />
    <${ShortcutsHelp} />`;
}

// Patches can arrive 10 times a second or more: draw at most every 250 ms,
// up to a second for a board of 1,000 notes (a click's own redraw comes at
// once), so the main thread stays free for typing and dragging.
const redrawMs = () => Math.min(1000, Math.max(250, app.live.state.notes.size));
let pending = false;
let drawnAt = 0;
let fallback = 0;
function draw() {
  pending = false;
  clearTimeout(fallback);
  drawnAt = performance.now();
  const state = app.live.state;
  const w = state.workshop;
  if (!w) return;
  document.title = t("Console — {title}", { title: w.title });
  $("workshop-title").textContent = w.title;
  $("join-url").textContent = w.join_url;
  $("join-code").textContent = w.code;
  renderLock(w);
  renderResultsToggle(w);
  render(html`<${Plan} state=${state} />`, $("plan"));
  render(html`<${Main} state=${state} />`, $("main"));
}
app.refresh = (soon = true) => {
  if (pending || !app.live) return;
  pending = true;
  const wait = soon ? 0 : Math.max(0, drawnAt + redrawMs() - performance.now());
  setTimeout(() => {
    const frame = requestAnimationFrame(draw);
    fallback = setTimeout(() => cancelAnimationFrame(frame) || draw(), 100); // a hidden tab gets no frames
  }, wait);
};

// -- the top bar: exports, template, deletion ------------------------------------------

// The room closed to new arrivals, or open again.
function renderLock(w) {
  $("lock-workshop").textContent = w.locked ? t("Rouvrir aux arrivées") : t("Fermer aux arrivées");
  $("lock-workshop").setAttribute("aria-pressed", w.locked ? "true" : "false");
  $("lock-workshop").onclick = () => act("workshop:lock", { locked: !w.locked });
}

// The results at the join address, once every bloc is closed: the facilitator's choice.
function renderResultsToggle(w) {
  $("publish-results").textContent = w.results_public
    ? t("Retirer les résultats publiés")
    : t("Publier les résultats à l'adresse de l'atelier (une fois tous les blocs clos)");
  $("publish-results").setAttribute("aria-pressed", w.results_public ? "true" : "false");
  $("publish-results").onclick = () => act("workshop:results", { public: !w.results_public });
}

async function download(fmt) {
  const response = await staffFetch(`/export.${fmt}`);
  if (!response.ok) return showMessage((await response.json()).error.message, "error");
  const name = (response.headers.get("Content-Disposition") || "").match(/filename="(.+)"/);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name ? name[1] : `atelier.${fmt}`;
  document.body.append(link);
  link.click();
  link.remove();
}
for (const button of document.querySelectorAll("[data-export]"))
  button.addEventListener("click", () => download(button.dataset.export));

$("save-template").addEventListener("click", async () => {
  const title = prompt(t("Titre du nouveau modèle de séance :"), app.live.state.workshop.title);
  if (!title) return;
  const response = await staffFetch("/template", { method: "POST", body: JSON.stringify({ title }) });
  const data = await response.json();
  showMessage(
    response.ok ? t("Modèle « {title} » enregistré.", { title: data.title }) : data.error.message,
    response.ok ? "info" : "error",
  );
});

$("delete-workshop").addEventListener("click", async () => {
  if (!confirm(t("Supprimer définitivement cet atelier et toutes ses données (notes, votes, synthèse) ?"))) return;
  const response = await staffFetch("", { method: "DELETE" });
  if (!response.ok) return showMessage((await response.json()).error.message, "error");
  localStorage.removeItem(`facilitate:key:${app.workshopId}`);
  location.href = "/";
});

if (!app.key) {
  showMessage(t("Clé d'animation manquante : ouvrez cette console depuis la page d'accueil de ce portable."), "error");
} else {
  $("projector-link").href = `/w/${app.workshopId}/projecteur#key=${encodeURIComponent(app.key)}`;
  setupBlocForm();
  setupShortcuts();
  app.live = connectLive({
    auth: { code: root.dataset.code, facilitator_key: app.key },
    render: () => app.refresh(false),
    onStatus: (online) => {
      $("status").textContent = online ? t("En ligne") : t("Hors ligne — reconnexion…");
      $("status").className = `status ${online ? "online" : "offline"}`;
    },
    onRefused: (error) => showMessage(error.message, "error"),
  });
  // Several workers and Redis out of reach: screens served by another worker stop seeing this console's changes.
  app.live.socket.on("server:status", (status) =>
    showMessage(
      status.queue === "down"
        ? t(
            "Les autres serveurs sont injoignables (Redis) : les écrans branchés ailleurs ne voient plus vos changements. Ils se remettront à jour au retour.",
          )
        : t("Les serveurs se parlent de nouveau : tous les écrans se remettent à jour."),
      status.queue === "down" ? "error" : "info",
    ),
  );
  app.live.socket.on("cluster:offer", (offer) => {
    ui.offers.set(offer.note, offer);
    app.refresh();
  });
}
