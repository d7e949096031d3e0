// The results block of a closed bloc, shared by the console, the projector
// and the phones: the ranking (only when someone voted) and the grands fondamentaux.
import { html } from "./html.js";
import { t } from "./i18n.js";

// A closed bloc that never had a vote has no results to show, only zeros.
export function hasVotes(result) {
  return Boolean(result) && result.ranking.some((r) => r.dots > 0);
}

// A horizontal bar chart (text, not an image: readable by screen readers and
// from the back of the room) of what got dots, best first.
export function Ranking({ ranking, most = 12 }) {
  const shown = ranking.filter((r) => r.dots > 0).slice(0, most);
  const max = Math.max(1, ...shown.map((r) => r.dots));
  return html`<ol class="ranking">
    ${shown.map(
      (r) =>
        html`<li key=${r.label}>
          <span class="rank-label">${r.label}${r.size > 1 ? ` (${r.size})` : ""}</span>
          <span class="bar" style=${`width: ${Math.max(2, (100 * r.dots) / max)}%`}></span>
          <span class="rank-dots">${r.dots > 1 ? t("{n} points", { n: r.dots }) : t("{n} point", { n: r.dots })}</span>
        </li>`,
    )}
  </ol>`;
}

export function Results({ result, headingLevel = 3, children }) {
  const H = `h${headingLevel}`;
  return html`<div class="results">
    ${hasVotes(result)
      ? html`<${H}>${t("Résultats du vote")}</${H}><${Ranking} ranking=${result.ranking} />`
      : html`<p class="hint">${t("Aucun vote pour ce bloc.")}</p>`}
    ${result.retained.length || children
      ? html`<${H} class="retained-title">${t("Grands fondamentaux retenus (qui reviennent le plus souvent)")}</${H}>
          <ul class="retained">${result.retained.map((label) => html`<li key=${label}>${label}</li>`)}</ul>`
      : null}
    ${children}
  </div>`;
}

// "Équipe 2 : " or, in 1-2-4-Tous, "Paire 3 (quatre n° 2) : ".
export function teamLabel(draw, i) {
  return draw.mode === "1-2-4"
    ? t("Paire {pair} (quatre n° {four}) : ", { pair: i + 1, four: Math.floor(i / 2) + 1 })
    : t("Équipe {n} : ", { n: i + 1 });
}
