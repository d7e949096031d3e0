// Sub-group tables: how many, who sits where (from the draw, set here, or
// chosen by participants), each table's rapporteur, running the current bloc
// by table, every table's board side by side, and the plenary that brings
// them together. The rules are the server's (docs/api.md, "tables").
import { act, html, t } from "./ui.js";

function Settings({ workshop: w }) {
  const save = (e) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    act("tables:set", { count: Number(data.get("count")), choose: data.get("choose") === "on" });
  };
  return html`<form class="tables-form" onsubmit=${save}>
    <label for="tables-count">${t("Nombre de tables")}</label>
    <input id="tables-count" name="count" type="number" min="0" max="50" defaultValue=${w.tables} />
    <label class="check">
      <input type="checkbox" name="choose" defaultChecked=${w.tables_choice} />
      ${t("Les participants choisissent leur table sur leur téléphone")}
    </label>
    <button type="submit" class="primary">${t("Enregistrer les tables")}</button>
    <button type="button" onclick=${() => act("tables:set", { from_draw: true })}>
      ${t("Reprendre les équipes du tirage au sort")}
    </button>
  </form>`;
}

function Seats({ state, tables }) {
  const people = [...state.participants.values()].sort((a, b) => a.id - b.id);
  return html`<ul class="moderation-list">
    ${people.map((p) => {
      const name = p.name || t("Anonyme n° {id}", { id: p.id });
      return html`<li key=${p.id}>
        <label for=${`seat-${p.id}`}>${name}${p.rapporteur ? ` · ${t("rapporteur")}` : ""}</label>
        <select
          id=${`seat-${p.id}`}
          value=${p.table || ""}
          onchange=${(e) =>
            act("table:seat", {
              participant: p.id,
              table: e.currentTarget.value ? Number(e.currentTarget.value) : null,
            })}
        >
          <option value="">${t("Aucune table")}</option>
          ${tables.map((n) => html`<option key=${n} value=${n}>${t("Table {n}", { n })}</option>`)}
        </select>
        ${p.table && !p.rapporteur
          ? html`<button
              type="button"
              aria-label=${t("Nommer {who} rapporteur de la table {n}", { who: name, n: p.table })}
              onclick=${() => act("table:rapporteur", { table: p.table, participant: p.id })}
            >
              ${t("Rapporteur de la table {n}", { n: p.table })}
            </button>`
          : null}
      </li>`;
    })}
  </ul>`;
}

function Boards({ state, bloc }) {
  return html`<div class="table-boards">
    ${state.tableBoards(bloc.id).map(
      (b) =>
        html`<section key=${b.table} class="table-board" aria-labelledby=${`table-${b.table}`}>
          <h3 id=${`table-${b.table}`}>${t("Table {n}", { n: b.table })} (${b.count})</h3>
          <ol class="table-groups">
            ${b.groups.map(
              (g) => html`<li key=${g.cluster.id}><strong>${g.cluster.label}</strong> (${g.notes.length})</li>`,
            )}
          </ol>
          <ul class="notes">
            ${b.loose.map((n) => html`<li key=${n.id} class="note">${n.text}</li>`)}
          </ul>
        </section>`,
    )}
  </div>`;
}

export function Tables({ state, bloc }) {
  const w = state.workshop;
  const tables = Array.from({ length: w.tables }, (_, i) => i + 1);
  return html`<section id="tables" class="moderation" aria-labelledby="tables-title">
    <h2 id="tables-title">${t("Tables")}</h2>
    <${Settings} key=${`${w.tables}:${w.tables_choice}`} workshop=${w} />
    ${w.tables ? html`<${Seats} state=${state} tables=${tables} />` : null}
    ${bloc && w.tables
      ? html`<label class="check">
            <input
              type="checkbox"
              checked=${Boolean(bloc.by_table)}
              onchange=${(e) => act("bloc:update", { bloc: bloc.id, by_table: e.currentTarget.checked })}
            />
            ${t("Ce bloc se fait par table : chaque table ne voit que ses notes")}
          </label>
          ${bloc.by_table
            ? html`<button
                  type="button"
                  class="primary"
                  onclick=${() => act("bloc:update", { bloc: bloc.id, plenary: !bloc.plenary })}
                >
                  ${bloc.plenary ? t("Revenir au travail par table") : t("Réunir les tables en plénière")}
                </button>
                <${Boards} state=${state} bloc=${bloc} />`
            : null}`
      : null}
  </section>`;
}
