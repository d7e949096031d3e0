// The projector: join instructions in large type and the current bloc's
// notes live (during private writing, only how many were written).
import { connectLive, el, foldIdentical, isPrivateNow, rankingChart, tickCountdown } from "./live.js";
import { facilitatorKey } from "./staff.js";

const root = document.getElementById("app");
const workshopId = root.dataset.workshop;
const code = root.dataset.code;
const key = facilitatorKey(workshopId);
const $ = (id) => document.getElementById(id);

function renderDraw(w) {
  const box = $("draw");
  box.hidden = !(w.volunteering || w.draw);
  if (box.hidden) return;
  if (w.volunteering) {
    box.replaceChildren(el("h2", {}, "Appel aux volontaires"), el("p", { class: "big-count" }, `${w.volunteers} volontaire(s)`));
    return;
  }
  box.replaceChildren(
    el("h2", {}, "Tirage au sort"),
    el(
      "ol",
      { class: "teams" },
      w.draw.teams.map((team, i) =>
        el("li", {}, el("strong", {}, w.draw.mode === "1-2-4" ? `Paire ${i + 1} (quatre n° ${Math.floor(i / 2) + 1}) : ` : `Équipe ${i + 1} : `),
          team.map((m) => m.name || "Anonyme").join(", ")),
      ),
    ),
  );
}

function render(state) {
  const w = state.workshop;
  if (!w) return;
  $("join-url").textContent = w.join_url;
  renderDraw(w);
  const bloc = state.currentBloc;
  $("bloc-title").textContent = bloc ? bloc.title : "";
  $("bloc-prompt").textContent = bloc ? bloc.prompt : "";
  if (!bloc) return;
  const hidden = isPrivateNow(bloc);
  const counts = [...state.participants.values()].reduce((sum, p) => sum + (p.notes[bloc.id] || 0), 0);
  $("private-count").hidden = !hidden;
  $("private-count").textContent = `${counts} note(s) écrite(s) — elles s'afficheront au dévoilement`;
  const result = state.results.get(bloc.id);
  if (bloc.phase === "clos" && result) {
    $("wall").className = "wall";
    $("wall").replaceChildren(
      el("section", {}, el("h2", {}, "Résultats du vote"), rankingChart(result.ranking)),
      result.retained.length
        ? el("section", {}, el("h2", {}, "Grands fondamentaux retenus"), el("ul", { class: "retained" }, result.retained.map((l) => el("li", {}, l))))
        : null,
    );
    return;
  }
  const noteCards = (notes) =>
    foldIdentical(notes).map((f) => el("li", { class: "note" }, f.text, f.notes.length > 1 ? ` (${f.notes.length})` : ""));
  const byColumn = bloc.columns.length ? bloc.columns : [{ id: null, label: "" }];
  $("wall").className = `wall columns-${byColumn.length}`;
  $("wall").replaceChildren(
    ...byColumn.map((c) => {
      const { clusters, loose } = state.board(bloc.id, c.id === null ? undefined : c.id);
      return el(
        "section",
        { class: "column" },
        c.label ? el("h2", {}, c.label) : null,
        clusters.map((g) =>
          el("section", { class: "cluster" }, el("h3", {}, `${g.cluster.label} (${g.notes.length})`), el("ul", { class: "notes" }, noteCards(g.notes))),
        ),
        el("ul", { class: "notes" }, noteCards(loose)),
      );
    }),
  );
}

if (key) {
  const live = connectLive({
    auth: { code, facilitator_key: key, role: "projector" },
    render,
    onStatus: (online) => ($("status").hidden = online),
  });
  tickCountdown($("timer"), live.state, () => live.state.currentBloc);
} else {
  $("status").hidden = false;
  $("status").textContent = "Clé d'animation manquante : ouvrez le projecteur depuis la console.";
}
