// The team draw: call for volunteers, draw teams (or 1-2-4-Tous pairs), see
// who confirmed. The form's fields keep what was typed across redraws.
import { teamLabel } from "../results.js";
import { act, html, t } from "./ui.js";

function member(m) {
  const mark = m.status === "confirmed" ? " ✓" : m.status === "pending" ? " (?)" : "";
  return `${m.name || t("Anonyme")}${mark}`;
}

export function Draw({ workshop: w }) {
  const run = (e) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const payload = { mode: data.get("mode"), team_size: Number(data.get("team_size")) };
    if (data.get("teams")) payload.teams = Number(data.get("teams"));
    act("draw:run", payload);
  };
  return html`<section id="draw" class="draw" aria-labelledby="draw-title">
    <h2 id="draw-title">${t("Tirage au sort")}</h2>
    <button
      type="button"
      aria-pressed=${String(Boolean(w.volunteering))}
      onclick=${() => act("draw:open", { open: !w.volunteering })}
    >
      ${w.volunteering ? t("Fermer l'appel aux volontaires") : t("Appeler des volontaires")}
    </button>
    <p>${t("{n} volontaire(s)", { n: w.volunteers || 0 })}</p>
    <form class="draw-form" onsubmit=${run}>
      <label for="draw-mode">${t("Formule")}</label>
      <select id="draw-mode" name="mode">
        <option value="teams">${t("Équipes")}</option>
        <option value="1-2-4">${t("1-2-4-Tous (paires puis quatre)")}</option>
      </select>
      <label for="draw-size">${t("Personnes par équipe")}</label>
      <input id="draw-size" name="team_size" type="number" min="1" max="20" defaultValue="4" />
      <label for="draw-teams">${t("Nombre d'équipes (vide : le plus possible)")}</label>
      <input id="draw-teams" name="teams" type="number" min="1" />
      <button type="submit" class="primary">${t("Tirer au sort")}</button>
    </form>
    ${w.draw
      ? html`<p class="hint">${t("{n} volontaire(s) en réserve", { n: w.draw.waiting })}</p>
          <ol class="teams">
            ${w.draw.teams.map(
              (team, i) => html`<li key=${i}>${teamLabel(w.draw, i)}${team.map(member).join(", ")}</li>`,
            )}
          </ol>`
      : null}
  </section>`;
}
