// The atelier plan: go to a bloc, reorder, edit or remove it, add one (the
// bloc form is the <dialog> of console.html).
import { phaseLabel } from "../live.js";
import { N_, Pure, act, html, t } from "./ui.js";

const KIND_LABELS = { brainstorm: N_("Remue-méninges"), columns: N_("Colonnes"), questions: N_("Questions") };

const dialog = document.getElementById("bloc-dialog");
const form = document.getElementById("bloc-form");
let editing = null; // the bloc being edited, or null when adding

export function openBlocForm(bloc) {
  editing = bloc;
  document.getElementById("bloc-form-title").textContent = bloc
    ? t("Modifier « {title} »", { title: bloc.title })
    : t("Ajouter un bloc");
  const f = form.elements;
  f.kind.value = bloc ? bloc.kind : "brainstorm";
  f.kind.disabled = Boolean(bloc);
  f.title.value = bloc ? bloc.title : "";
  f.prompt.value = bloc ? bloc.prompt : "";
  f.columns.value = bloc ? bloc.columns.map((c) => c.label).join("\n") : "";
  f.timer.value = bloc && bloc.timer_seconds ? Math.round(bloc.timer_seconds / 60) : "";
  f.vote_budget.value = bloc ? bloc.vote_budget : 5;
  for (const flag of ["private_writing", "fondamentaux", "participants_group", "vote_stacking"])
    f[flag].checked = bloc ? bloc[flag] : false;
  dialog.showModal();
  f.title.focus();
}

export function setupBlocForm() {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements;
    const labels = f.columns.value
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    // Lines keep the id of the column at the same place, so its notes stay.
    const columns = labels.map((label, i) =>
      editing && editing.columns[i] ? { id: editing.columns[i].id, label } : { label },
    );
    const minutes = f.timer.value;
    const payload = {
      title: f.title.value,
      prompt: f.prompt.value,
      timer_seconds: minutes ? Math.round(Number(minutes) * 60) : null,
      vote_budget: Number(f.vote_budget.value),
    };
    for (const flag of ["private_writing", "fondamentaux", "participants_group", "vote_stacking"])
      payload[flag] = f[flag].checked;
    if (f.kind.value !== "brainstorm") payload.columns = columns;
    const ack = editing
      ? await act("bloc:update", { bloc: editing.id, ...payload })
      : await act("bloc:add", { kind: f.kind.value, ...payload });
    if (ack.ok) dialog.close();
    else document.getElementById("bloc-form-error").textContent = ack.error.message;
  });
  document.getElementById("bloc-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => (document.getElementById("bloc-form-error").textContent = ""));
  document.getElementById("add-bloc").addEventListener("click", () => openBlocForm(null));
}

// Redrawn only when its bloc (a new object on each patch of it) or its place changed.
class PlanItem extends Pure {
  render({ bloc: b, i, last, current }) {
    return html`<li class="plan-item">
      <button
        type="button"
        class=${current ? "bloc current" : "bloc"}
        aria-current=${current ? "step" : null}
        onclick=${() => act("bloc:goto", { bloc: b.id })}
      >
        ${i + 1}. ${b.title}
        <span class="bloc-phase">${t(KIND_LABELS[b.kind])} · ${phaseLabel(b.phase)}</span>
      </button>
      <div class="plan-tools">
        <button
          type="button"
          aria-label=${t("Monter « {title} »", { title: b.title })}
          disabled=${i === 0}
          onclick=${() => act("bloc:move", { bloc: b.id, position: i - 1 })}
        >
          ↑
        </button>
        <button
          type="button"
          aria-label=${t("Descendre « {title} »", { title: b.title })}
          disabled=${last}
          onclick=${() => act("bloc:move", { bloc: b.id, position: i + 1 })}
        >
          ↓
        </button>
        <button
          type="button"
          aria-label=${t("Modifier « {title} »", { title: b.title })}
          onclick=${() => openBlocForm(b)}
        >
          ✎
        </button>
        <button
          type="button"
          class="danger"
          aria-label=${t("Retirer « {title} »", { title: b.title })}
          onclick=${() =>
            confirm(t("Retirer le bloc « {title} » ? Ses notes restent conservées.", { title: b.title })) &&
            act("bloc:remove", { bloc: b.id })}
        >
          ✕
        </button>
      </div>
    </li>`;
  }
}

export function Plan({ state }) {
  const blocs = state.sortedBlocs();
  return blocs.map(
    (b, i) =>
      html`<${PlanItem}
        key=${b.id}
        bloc=${b}
        i=${i}
        last=${i === blocs.length - 1}
        current=${b.id === state.workshop.current_bloc}
      />`,
  );
}
