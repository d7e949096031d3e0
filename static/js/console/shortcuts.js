// Keyboard shortcuts for the frequent actions, listed by "?". They never
// fire while a field has the focus (typing "n" in a note is not "next phase").
import { groupSelection, nextPhase, toggleTimer, undo } from "./board.js";
import { N_, app, html, t, ui } from "./ui.js";

export const SHORTCUTS = [
  ["n", N_("Phase suivante"), (bloc) => nextPhase(bloc)],
  ["t", N_("Démarrer ou mettre en pause la minuterie"), (bloc) => toggleTimer(bloc)],
  ["g", N_("Regrouper les notes sélectionnées"), (bloc) => groupSelection(bloc)],
  ["z", N_("Annuler le dernier regroupement"), (bloc) => undo(bloc)],
  ["b", N_("Voir le tableau"), () => show("board")],
  ["s", N_("Voir la synthèse"), () => show("synthesis")],
  ["d", N_("Voir le tirage au sort"), () => show("draw")],
  ["m", N_("Voir la modération"), () => show("moderation")],
  ["?", N_("Afficher cette aide"), () => document.getElementById("shortcuts-dialog").showModal()],
];

function show(view) {
  ui.view = view;
  app.refresh();
}

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable], dialog[open]");
}

export function setupShortcuts() {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || !app.live) return;
    const shortcut = SHORTCUTS.find(([key]) => key === event.key.toLowerCase() || key === event.key);
    const bloc = app.live.state.currentBloc;
    if (!shortcut || (!bloc && shortcut[0] !== "?")) return;
    event.preventDefault();
    shortcut[2](bloc);
  });
}

export function ShortcutsHelp() {
  return html`<dialog id="shortcuts-dialog" aria-labelledby="shortcuts-title">
    <h2 id="shortcuts-title">${t("Raccourcis clavier")}</h2>
    <dl class="shortcuts">
      ${SHORTCUTS.map(
        ([key, label]) =>
          html`<div key=${key}>
            <dt><kbd>${key.toUpperCase()}</kbd></dt>
            <dd>${t(label)}</dd>
          </div>`,
      )}
    </dl>
    <form method="dialog"><button type="submit">${t("Fermer")}</button></form>
  </dialog>`;
}
