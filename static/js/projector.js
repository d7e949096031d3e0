// The projector: join instructions in large type and the current bloc's
// notes, clusters or results, fitted to the screen. Cards start large and
// shrink as notes arrive, down to a size still readable from the back of the
// room; past that, each column shows its count and pages that turn on their
// own. The newest notes come first and arrive with a short animation.
import { render } from "../vendor/preact.module.js";
import { useEffect, useLayoutEffect, useRef, useState } from "../vendor/preact-hooks.module.js";
import { html } from "./html.js";
import { connectLive, foldIdentical, isPrivateNow, tickCountdown } from "./live.js";
import { Ranking, hasVotes, teamLabel } from "./results.js";
import { facilitatorKey } from "./staff.js";
import { t } from "./i18n.js";

const root = document.getElementById("app");
const $ = (id) => document.getElementById(id);
const key = facilitatorKey(root.dataset.workshop);
const SIZES = 6; // card sizes, .size-0 (largest) to .size-5 (smallest readable), in app.css
const PAGE_SECONDS = 8;

function Draw({ workshop: w }) {
  if (w.volunteering) {
    return html`<h2>${t("Appel aux volontaires")}</h2>
      <p class="big-count">${t("{n} volontaire(s)", { n: w.volunteers })}</p>`;
  }
  return html`<h2>${t("Tirage au sort")}</h2>
    <ol class="teams">
      ${w.draw.teams.map(
        (team, i) =>
          html`<li key=${i}>
            <strong>${teamLabel(w.draw, i)}</strong> ${team.map((m) => m.name || t("Anonyme")).join(", ")}
          </li>`,
      )}
    </ol>`;
}

const noteCards = (notes) =>
  foldIdentical([...notes].reverse()).map(
    (f) =>
      html`<li key=${f.notes[0].id} class="note">${f.text}${f.notes.length > 1 ? ` (${f.notes.length})` : ""}</li>`,
  );

// A column's items (cluster sections or note cards), newest first.
function columnItems(state, bloc, column, level) {
  const { clusters, loose } = state.board(bloc.id, column.id);
  const H = `h${level}`;
  return [
    ...clusters.map(
      (g) => html`<li key=${`c${g.cluster.id}`} class="cluster">
      <${H} class="cluster-label">${g.cluster.label} (${g.notes.length})</${H}><ul class="notes">${noteCards(g.notes)}</ul></li>`,
    ),
    ...noteCards(loose),
  ];
}

// Shrink the cards until the wall fits; at the smallest size, page instead.
function Wall({ columns, signature }) {
  const ref = useRef(null);
  const [fit, setFit] = useState({ signature, size: 0, perPage: null });
  const [page, setPage] = useState(0);
  const current =
    fit.signature === signature.split("|")[0] ? fit : { signature: signature.split("|")[0], size: 0, perPage: null };

  useLayoutEffect(() => {
    if (current !== fit) return setFit(current);
    const lists = [...ref.current.querySelectorAll(".wall-column > ul")];
    const overflowing = lists.some((ul) => ul.scrollHeight > ul.clientHeight + 1);
    if (!overflowing || current.perPage) return;
    if (current.size < SIZES - 1) setFit({ ...current, size: current.size + 1 });
    else setFit({ ...current, perPage: Math.max(1, ...lists.map(visibleItems)) });
  });
  // New notes bring the first page (the newest) back; pages turn when the room is quiet.
  useEffect(() => {
    setPage(0);
    const timer = setInterval(() => setPage((p) => p + 1), PAGE_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [signature]);

  return html`<div ref=${ref} class=${`wall columns-${columns.length} size-${current.size}`}>
    ${columns.map((c, i) => {
      const pages = current.perPage ? Math.ceil(c.items.length / current.perPage) : 1;
      const shown =
        pages > 1 ? c.items.slice((page % pages) * current.perPage, ((page % pages) + 1) * current.perPage) : c.items;
      return html`<section key=${i} class="wall-column" aria-label=${c.label || t("Notes")}>
        ${c.label || pages > 1
          ? html`<h2>
              ${c.label} ${c.count ? html`<span class="count">(${c.count})</span>` : null}
              ${pages > 1
                ? html`<span class="pages">${t("page {p} / {n}", { p: (page % pages) + 1, n: pages })}</span>`
                : null}
            </h2>`
          : null}
        <ul class="notes">
          ${shown}
        </ul>
      </section>`;
    })}
  </div>`;
}

function visibleItems(ul) {
  const bottom = ul.getBoundingClientRect().bottom;
  return [...ul.children].filter((li) => li.getBoundingClientRect().bottom <= bottom + 1).length;
}

function Stage({ state }) {
  const w = state.workshop;
  const bloc = state.currentBloc;
  const draw =
    w.volunteering || w.draw
      ? html`<section id="draw" class="draw-wall" aria-label=${t("Tirage au sort")}><${Draw} workshop=${w} /></section>`
      : null;
  if (!bloc) return draw;
  const head = html`<header class="stage-head">
      <div>
        <h1 id="bloc-title">${bloc.title}</h1>
        <p id="bloc-prompt" class="prompt-text">${bloc.prompt}</p>
      </div>
      <p id="timer" class="timer big" role="timer" aria-label=${t("Temps restant")} hidden></p>
    </header>
    ${draw}`;
  if (isPrivateNow(bloc)) {
    const written = [...state.participants.values()].reduce((sum, p) => sum + (p.notes[bloc.id] || 0), 0);
    return html`${head}
      <p id="private-count" class="private-count">
        ${t("{n} note(s) écrite(s) — elles s'afficheront au dévoilement", { n: written })}
      </p>`;
  }
  const result = state.results.get(bloc.id);
  const retained =
    bloc.phase === "clos" && result && result.retained.length
      ? html`<section class="retained-wall">
          <h2>${t("Grands fondamentaux retenus")}</h2>
          <ul class="retained">
            ${result.retained.map((l) => html`<li key=${l}>${l}</li>`)}
          </ul>
        </section>`
      : null;
  if (bloc.phase === "clos" && hasVotes(result)) {
    return html`${head}
      <div class="wall results-wall">
        <section>
          <h2>${t("Résultats du vote")}</h2>
          <${Ranking} ranking=${result.ranking} />
        </section>
        ${retained}
      </div>`;
  }
  if (bloc.by_table && !bloc.plenary && state.workshop.tables) {
    // Every table side by side, each with its own board.
    const tables = state.tableBoards(bloc.id).map((b) => ({
      label: t("Table {n}", { n: b.table }),
      count: b.count,
      items: [
        ...b.groups.map(
          (g) =>
            html`<li key=${`c${g.cluster.id}`} class="cluster">
              <h3 class="cluster-label">${g.cluster.label} (${g.notes.length})</h3>
              <ul class="notes">
                ${noteCards(g.notes)}
              </ul>
            </li>`,
        ),
        ...noteCards(b.loose),
      ],
    }));
    const signature = `${bloc.id}:${bloc.phase}:tables|${state.notesOf(bloc.id).length}`;
    return html`${head}<${Wall} columns=${tables} signature=${signature} />`;
  }
  const byColumn = bloc.columns.length ? bloc.columns : [{ id: undefined, label: "" }];
  const columns = byColumn.map((c) => ({
    label: c.label,
    count: state.notesOf(bloc.id, c.id).length,
    items: columnItems(state, bloc, c, c.label ? 3 : 2), // under the column's h2, or the bloc's h1
  }));
  // The fit starts over for a new bloc or phase; new notes only shrink it further.
  const signature = `${bloc.id}:${bloc.phase}|${state.notesOf(bloc.id).length}`;
  return html`${head}${retained}<${Wall} columns=${columns} signature=${signature} />`;
}

// The join address breaks only between its host and its path, never inside
// the port number, and shrinks to the panel's width.
function showJoinUrl(url) {
  const box = $("join-url");
  const cut = url.indexOf("/", url.indexOf("//") + 2);
  const parts = cut > 0 ? [url.slice(0, cut), url.slice(cut)] : [url];
  box.replaceChildren(
    ...parts.flatMap((part, i) => {
      const span = document.createElement("span");
      span.className = "nobr";
      span.textContent = part;
      return i ? [document.createElement("wbr"), span] : [span];
    }),
  );
  box.style.fontSize = "";
  const widest = Math.max(...[...box.querySelectorAll(".nobr")].map((s) => s.getBoundingClientRect().width));
  if (widest > box.clientWidth)
    box.style.fontSize = `${(parseFloat(getComputedStyle(box).fontSize) * box.clientWidth) / widest}px`;
}

if (key) {
  let shownUrl = "";
  const live = connectLive({
    auth: { code: root.dataset.code, facilitator_key: key, role: "projector" },
    render: (state) => {
      if (!state.workshop) return;
      if (state.workshop.join_url !== shownUrl) showJoinUrl((shownUrl = state.workshop.join_url));
      render(html`<${Stage} state=${state} />`, $("stage"));
    },
    onStatus: (online) => ($("status").hidden = online),
  });
  tickCountdown(
    () => $("timer"),
    live.state,
    () => live.state.currentBloc,
  );
  addEventListener("resize", () => shownUrl && showJoinUrl(shownUrl));
} else {
  $("status").hidden = false;
  $("status").textContent = t("Clé d'animation manquante : ouvrez le projecteur depuis la console.");
}
