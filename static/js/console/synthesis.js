// The synthesis in volets, in its own view: clusters of the current bloc
// (drag one onto a volet), then each volet's actions, editable in place.
// Fields are not controlled: a redraw caused by someone else never takes
// what is being typed.
import { Field, act, html, t } from "./ui.js";

function voletDrop(voletId) {
  return {
    ondragover: (e) => e.preventDefault(),
    ondrop: (e) => {
      e.preventDefault();
      const cluster = e.dataTransfer.getData("application/x-facilitate-cluster");
      const notes = JSON.parse(e.dataTransfer.getData("text/plain") || "[]");
      if (cluster) act("action:add", { volet: voletId, source: { clusters: [Number(cluster)] } });
      else if (notes.length) act("action:add", { volet: voletId, source: { notes } });
    },
  };
}

function ActionRow({ action, volet, volets }) {
  return html`<li class="action">
    <${Field}
      as="textarea"
      rows="2"
      aria-label=${t("Action")}
      value=${action.text}
      onchange=${(e) => act("action:update", { action: action.id, text: e.currentTarget.value })}
    />
    <label class="soutien"
      >${t("Soutien")}
      <${Field}
        aria-label=${t("Soutien de « {text} »", { text: action.text })}
        value=${action.soutien}
        onchange=${(e) => act("action:update", { action: action.id, soutien: e.currentTarget.value })}
    /></label>
    <select
      aria-label=${t("Volet de « {text} »", { text: action.text })}
      onchange=${(e) => act("action:update", { action: action.id, volet: Number(e.currentTarget.value) })}
    >
      ${volets.map(
        (v) => html`<option key=${v.id} value=${String(v.id)} selected=${v.id === volet.id}>${v.title}</option>`,
      )}
    </select>
    <button
      type="button"
      class="danger"
      aria-label=${t("Supprimer l'action « {text} »", { text: action.text })}
      onclick=${() => act("action:remove", { action: action.id })}
    >
      ✕
    </button>
  </li>`;
}

function Volet({ volet, i, volets }) {
  const add = (e) => {
    e.preventDefault();
    const field = e.currentTarget.elements.text;
    if (!field.value.trim()) return;
    act("action:add", { volet: volet.id, text: field.value }).then((ack) => ack.ok && (field.value = ""));
  };
  return html`<section class="volet" aria-label=${t("Volet {title}", { title: volet.title })} ...${voletDrop(volet.id)}>
    <div class="toolbar">
      <span class="volet-number">${i + 1}-</span>
      <${Field}
        class="volet-title"
        aria-label=${t("Titre du volet {n}", { n: i + 1 })}
        value=${volet.title}
        onchange=${(e) => act("volet:update", { volet: volet.id, title: e.currentTarget.value })}
      />
      <button
        type="button"
        aria-label=${t("Monter le volet « {title} »", { title: volet.title })}
        disabled=${i === 0}
        onclick=${() => act("volet:update", { volet: volet.id, position: i - 1 })}
      >
        ↑
      </button>
      <button
        type="button"
        aria-label=${t("Descendre le volet « {title} »", { title: volet.title })}
        disabled=${i === volets.length - 1}
        onclick=${() => act("volet:update", { volet: volet.id, position: i + 1 })}
      >
        ↓
      </button>
      <button
        type="button"
        class="danger"
        aria-label=${t("Retirer le volet « {title} »", { title: volet.title })}
        onclick=${() => act("volet:remove", { volet: volet.id })}
      >
        ✕
      </button>
    </div>
    <ol class="actions">
      ${volet.actions.map((a) => html`<${ActionRow} key=${a.id} action=${a} volet=${volet} volets=${volets} />`)}
    </ol>
    <form class="toolbar" onsubmit=${add}>
      <input
        name="text"
        aria-label=${t("Nouvelle action du volet « {title} »", { title: volet.title })}
        placeholder=${t("Nouvelle action…")}
      />
      <button type="submit">${t("Ajouter")}</button>
    </form>
  </section>`;
}

function ClusterSource({ state, bloc }) {
  const groups = bloc ? state.board(bloc.id).clusters : [];
  if (!groups.length) return null;
  return html`<section class="sources" aria-labelledby="sources-title">
    <h3 id="sources-title">${t("Regroupements du bloc « {title} »", { title: bloc.title })}</h3>
    <ul class="chips">
      ${groups.map(
        (g) =>
          html`<li
            key=${g.cluster.id}
            class="chip"
            draggable="true"
            aria-label=${t("Regroupement {label}", { label: g.cluster.label })}
            ondragstart=${(e) => e.dataTransfer.setData("application/x-facilitate-cluster", String(g.cluster.id))}
          >
            ${g.cluster.label} (${g.notes.length})
          </li>`,
      )}
    </ul>
  </section>`;
}

export function Synthesis({ state }) {
  const volets = state.synthesis;
  const addVolet = (e) => {
    e.preventDefault();
    const field = e.currentTarget.elements.title;
    if (field.value.trim()) act("volet:add", { title: field.value }).then((ack) => ack.ok && (field.value = ""));
  };
  return html`<section class="synthesis" aria-labelledby="synthesis-title">
    <h2 id="synthesis-title">${t("Synthèse en volets")}</h2>
    <p class="hint">
      ${t("Glissez un regroupement sur un volet, ou utilisez le menu ⋯ d'un regroupement sur le tableau.")}
    </p>
    <${ClusterSource} state=${state} bloc=${state.currentBloc} />
    <div id="volets">${volets.map((v, i) => html`<${Volet} key=${v.id} volet=${v} i=${i} volets=${volets} />`)}</div>
    <form id="add-volet" class="toolbar" onsubmit=${addVolet}>
      <input
        name="title"
        aria-label=${t("Titre du nouveau volet")}
        placeholder=${t("Nouveau volet…")}
        maxlength="200"
      />
      <button type="submit">${t("Ajouter un volet")}</button>
    </form>
  </section>`;
}
