"""The rhythm of an atelier: current bloc and phase, countdowns, "j'ai terminé", team draws, and the plan itself."""

from __future__ import annotations

import random
from typing import Any

from facilitate import countdown, store
from facilitate.draw import answer, draw_teams
from facilitate.errors import FacilitateError, bad_request, bloc_untitled, template_exists
from facilitate.i18n import _
from facilitate.model import Bloc, BlocKind, Phase, Role
from facilitate.payloads import TemplateSave, read
from facilitate.rules import (
    apply_bloc_settings,
    check_facilitator,
)
from facilitate.services.common import (
    Base,
    Change,
    Identity,
    existing_bloc,
    position_in,
    reorder,
)
from facilitate.session_templates import SessionTemplate, TemplateError, plan_to_template, save_template


class FlowCases(Base):
    # -- facilitation -------------------------------------------------------------

    def goto_bloc(self, identity: Identity, payload: Any) -> Change:
        check_facilitator(identity.viewer)
        bloc_id = payload["bloc"]
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_current_bloc(conn, identity.workshop.id, bloc.id, seq)
        return Change(identity.workshop.id, seq)

    def set_phase(self, identity: Identity, payload: Any) -> Change:
        check_facilitator(identity.viewer)
        bloc_id = payload["bloc"]
        try:
            phase = Phase(payload.get("phase"))
        except ValueError:
            raise FacilitateError(
                "unknown_phase", _("Phase inconnue : choisissez ") + ", ".join(p.value for p in Phase) + "."
            ) from None
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_bloc_phase(conn, bloc.id, phase, seq)
        return Change(identity.workshop.id, seq)

    # -- rhythm: timers, "j'ai terminé" -------------------------------------------

    def control_timer(self, identity: Identity, payload: Any) -> Change:
        """{"bloc", "action": start|pause|extend|reset, "seconds"?}: extend adds
        `seconds` (negative removes); reset goes back to `seconds` or the bloc's duration."""
        check_facilitator(identity.viewer)
        bloc_id = payload["bloc"]
        action = payload.get("action")
        seconds = payload.get("seconds")
        now = self.clock()
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            timer = bloc.timer or countdown.reset(bloc.timer_seconds or 0)
            if action == "start":
                timer = countdown.start(timer, now)
            elif action == "pause":
                timer = countdown.pause(timer, now)
            elif action == "extend":
                timer = countdown.extend(timer, seconds if seconds is not None else 60, now)
            elif action == "reset":
                timer = countdown.reset(min(countdown.MAX_TIMER_SECONDS, max(0, seconds or bloc.timer_seconds or 0)))
            else:
                raise bad_request(_("« action » est start, pause, extend ou reset."))
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_timer(conn, bloc.id, timer, seq)
        return Change(identity.workshop.id, seq)

    def set_done(self, identity: Identity, payload: Any) -> Change:
        """A participant says "j'ai terminé" for a bloc ({"bloc", "done": bool})."""
        if identity.viewer.role != Role.PARTICIPANT:
            raise FacilitateError("forbidden", _("Seuls les participants signalent qu'ils ont terminé."), 403)
        bloc_id = payload["bloc"]
        done = payload.get("done", True)
        with self.db.transaction() as conn:
            bloc = existing_bloc(conn, identity.workshop.id, bloc_id)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_done(conn, identity.viewer.participant_id, bloc.id, done, seq)
        return Change(identity.workshop.id, seq, (identity.viewer.participant_id,))

    # -- tirage au sort ---------------------------------------------------------

    def open_volunteering(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"open": bool} lets participants volunteer (or stops it)."""
        check_facilitator(identity.viewer)
        open_ = payload.get("open", True)
        with self.db.transaction() as conn:
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_volunteering(conn, identity.workshop.id, open_, seq)
        return Change(identity.workshop.id, seq)

    def volunteer(self, identity: Identity, payload: Any) -> Change:
        """Participant: {"volunteer": bool} while volunteering is open."""
        if identity.viewer.role != Role.PARTICIPANT:
            raise FacilitateError("forbidden", _("Seuls les participants se portent volontaires."), 403)
        wanted = payload.get("volunteer", True)
        with self.db.transaction() as conn:
            workshop = store.get_workshop(conn, identity.workshop.id)
            if not workshop.volunteering:
                raise FacilitateError("volunteering_closed", _("L'appel aux volontaires n'est pas ouvert."), 409)
            seq = store.bump_seq(conn, workshop.id)
            store.set_volunteer(conn, identity.viewer.participant_id, wanted, seq)
            store.touch_workshop(conn, workshop.id, seq)  # the volunteer count shows on the projector
        return Change(workshop.id, seq, (identity.viewer.participant_id,))

    def run_draw(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"mode": "teams"|"1-2-4", "team_size", "teams"?, "seed"?}
        draws the volunteers at random (a seed replays a draw exactly); the draw
        is kept with the atelier and closes the call for volunteers."""
        check_facilitator(identity.viewer)
        mode = payload.get("mode", "teams")
        team_size = payload.get("team_size", 2)
        teams = payload.get("teams")
        seed = payload.get("seed")
        with self.db.transaction() as conn:
            volunteers = store.volunteer_ids(conn, identity.workshop.id)
            rng = random.Random(seed) if seed is not None else random.SystemRandom()
            members = draw_teams(volunteers, mode, team_size, teams, rng)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.insert_draw(conn, identity.workshop.id, mode, 2 if mode == "1-2-4" else team_size, members)
            store.set_volunteering(conn, identity.workshop.id, False, seq)
        return Change(identity.workshop.id, seq)

    def answer_draw(self, identity: Identity, payload: Any) -> Change:
        """Drawn participant: {"accept": bool}; a decline frees the place for the next volunteer."""
        accept = payload["accept"]
        with self.db.transaction() as conn:
            draw = store.latest_draw(conn, identity.workshop.id)
            if draw is None:
                raise FacilitateError("no_draw", _("Aucun tirage au sort n'a eu lieu."), 409)
            changed = answer(draw, identity.viewer.participant_id, accept)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.update_draw_members(conn, draw.id, changed)
            store.touch_workshop(conn, identity.workshop.id, seq)
        return Change(identity.workshop.id, seq)

    # -- the atelier's plan ---------------------------------------------------------

    def add_bloc(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"kind", "title", "prompt"?, "columns"?, "timer_seconds"?,
        "vote_budget"?, "private_writing"?, "position"?} (default: at the end)."""
        check_facilitator(identity.viewer)
        try:
            kind = BlocKind(payload.get("kind"))
        except ValueError:
            raise FacilitateError(
                "bloc_invalid", _("Type de bloc inconnu : brainstorm, columns ou questions.")
            ) from None
        if "title" not in payload:
            raise bloc_untitled()
        blank = Bloc(0, identity.workshop.id, 0, "", kind, "")
        if kind != BlocKind.BRAINSTORM and "columns" not in payload:
            payload = {**payload, "columns": []}  # reports "au moins ..." below
        bloc = apply_bloc_settings(blank, payload)
        with self.db.transaction() as conn:
            seq = store.bump_seq(conn, identity.workshop.id)
            bloc.seq = seq
            bloc.id = store.insert_bloc(conn, bloc)
            order = [b for b in store.list_blocs(conn, identity.workshop.id) if b.id != bloc.id]
            order.insert(position_in(payload, len(order)), bloc)
            _renumber(conn, order, seq)
        return Change(identity.workshop.id, seq)

    def update_bloc(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc", and any of title, prompt, columns, timer_seconds,
        vote_budget, private_writing, fondamentaux}."""
        check_facilitator(identity.viewer)
        bloc_id = payload["bloc"]
        with self.db.transaction() as conn:
            bloc = apply_bloc_settings(existing_bloc(conn, identity.workshop.id, bloc_id), payload)
            kept = {c.id for c in bloc.columns}
            orphans = sum(n for column, n in store.note_counts_by_column(conn, bloc.id).items() if column not in kept)
            if bloc.columns and orphans:
                raise FacilitateError(
                    "column_has_notes",
                    _(
                        "Cette colonne contient encore {orphans} note(s) : déplacez-les ou supprimez-les d'abord.",
                        orphans=orphans,
                    ),
                    409,
                )
            bloc.seq = store.bump_seq(conn, identity.workshop.id)
            store.update_bloc(conn, bloc)
        return Change(identity.workshop.id, bloc.seq)

    def move_bloc(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc", "position"} (0-based) reorders the plan."""
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            bloc, order = _bloc_and_the_others(conn, identity.workshop.id, payload["bloc"])
            order.insert(position_in(payload, len(order)), bloc)
            seq = store.bump_seq(conn, identity.workshop.id)
            _renumber(conn, order, seq)
        return Change(identity.workshop.id, seq)

    def remove_bloc(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc"}. Its notes are kept in the database, out of sight."""
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            bloc, others = _bloc_and_the_others(conn, identity.workshop.id, payload["bloc"])
            if not others:
                raise FacilitateError("bloc_invalid", _("Un atelier garde au moins un bloc."), 409)
            seq = store.bump_seq(conn, identity.workshop.id)
            bloc.deleted, bloc.seq = True, seq
            store.update_bloc(conn, bloc)
            _renumber(conn, others, seq)
            workshop = store.get_workshop(conn, identity.workshop.id)
            if workshop.current_bloc == bloc.id:
                following = [b for b in others if b.position > bloc.position]
                store.set_current_bloc(conn, workshop.id, (following or others[-1:])[0].id, seq)
        return Change(identity.workshop.id, seq)

    def save_as_template(self, workshop_id: str, payload: Any) -> SessionTemplate:
        """The atelier's current plan as a new template file in the user's folder."""
        payload = read(TemplateSave, payload)
        with self.db.reading() as conn:
            workshop = store.get_workshop(conn, workshop_id)
            blocs = store.list_blocs(conn, workshop_id)
            volets = store.synthesis(conn, workshop_id)
        title = (payload.get("title") or workshop.title).strip()
        template = plan_to_template(
            title,
            payload.get("description") or "",
            workshop.event,
            [v.title for v in volets],
            blocs,
            workshop.language,
        )
        if template.id in self.templates:
            raise template_exists(template.id)
        try:
            save_template(template, self.user_templates_dir)
        except TemplateError as error:
            raise FacilitateError("template_invalid", str(error)) from None
        except FileExistsError:
            raise template_exists(template.id) from None
        self.templates[template.id] = template
        return template


def _bloc_and_the_others(conn: Any, workshop_id: str, bloc_id: int) -> tuple[Bloc, list[Bloc]]:
    """A bloc of the plan, and the plan's other blocs in order."""
    bloc = existing_bloc(conn, workshop_id, bloc_id)
    return bloc, [b for b in store.list_blocs(conn, workshop_id) if b.id != bloc.id]


def _renumber(conn: Any, order: list[Bloc], seq: int) -> None:
    """Blocs at positions 0..n-1 in this order; the ones that moved are marked changed."""

    def save(conn: Any, bloc: Bloc) -> None:
        bloc.seq = seq
        store.update_bloc(conn, bloc)

    reorder(order, save, conn)
