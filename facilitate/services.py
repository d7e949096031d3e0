"""Use cases. Each mutation is one transaction that bumps the atelier's seq and
returns a `Change` saying who must hear about it; callers broadcast after
the commit, never before."""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from facilitate import countdown, store
from facilitate.db import Database
from facilitate.draw import answer, draw_teams
from facilitate.voting import check_vote, items_of, ranking, retained
from facilitate.errors import FacilitateError, bad_key, bad_request, unknown_workshop
from facilitate.model import (
    Action,
    Bloc,
    BlocKind,
    Cluster,
    Column,
    Note,
    Participant,
    Phase,
    Role,
    Volet,
    Workshop,
)
from facilitate.projection import build_patch, note_json
from facilitate.rules import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Viewer,
    apply_bloc_settings,
    check_can_change_note,
    check_can_group,
    clean_cluster_label,
    clean_synthesis_text,
    check_can_write,
    check_column,
    check_facilitator,
    clean_display_name,
    clean_note_text,
)
from facilitate.session_templates import BlocTemplate, SessionTemplate, TemplateError, save_template, slugify

MAX_CLIENT_ID_LENGTH = 100


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Change:
    """A committed mutation: the atelier, its new seq, and the participants who
    must get a personal patch (the author of a private note, for instance)."""

    workshop_id: str
    seq: int
    participant_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Identity:
    """Who a connection is, established once at connect."""

    workshop: Workshop
    viewer: Viewer
    participant: Participant | None = None


@dataclass
class Service:
    db: Database
    templates: dict[str, SessionTemplate]
    join_url_for: Callable[[str], str]
    user_templates_dir: Path
    max_participants: int = 500
    now: Callable[[], str] = field(default=utc_now)
    clock: Callable[[], float] = field(default=time.time)  # for countdowns, Unix seconds

    # -- ateliers ---------------------------------------------------------------

    def create_workshop(self, payload: Any) -> Workshop:
        if not isinstance(payload, dict):
            raise bad_request("un objet JSON est attendu.")
        template = self.templates.get(payload.get("template"))  # type: ignore[arg-type]
        if template is None:
            raise FacilitateError(
                "unknown_template",
                f"Modèle inconnu : {payload.get('template')!r}. Modèles disponibles : "
                + ", ".join(sorted(self.templates)),
                400,
            )
        fields = {}
        for name in ("title", "event", "date", "facilitator_name", "organisation"):
            value = payload.get(name, "")
            if value is None:
                value = ""
            if not isinstance(value, str) or len(value) > 200:
                raise bad_request(f"le champ « {name} » doit être un texte de 200 caractères au plus.")
            fields[name] = value.strip()
        now = self.now()
        with self.db.transaction() as conn:
            workshop = Workshop(
                id=secrets.token_hex(4),
                code=self.new_code(conn),
                title=fields["title"] or template.title,
                facilitator_key=secrets.token_urlsafe(24),
                template_id=template.id,
                event=fields["event"] or template.event,
                date=fields["date"],
                facilitator_name=fields["facilitator_name"],
                organisation=fields["organisation"],
                seq=1,
                meta_seq=1,
                created_at=now,
                synthesis_seq=1,
            )
            store.insert_workshop(conn, workshop)
            for position, title in enumerate(template.volets):
                store.insert_volet(conn, workshop.id, position, title)
            first_bloc = None
            for position, bt in enumerate(template.blocs):
                bloc_id = store.insert_bloc(
                    conn,
                    Bloc(
                        id=0,
                        workshop_id=workshop.id,
                        position=position,
                        title=bt.title,
                        kind=bt.kind,
                        prompt=bt.prompt,
                        columns=[Column(f"c{i + 1}", label) for i, label in enumerate(bt.columns)],
                        timer_seconds=bt.timer,
                        vote_budget=bt.vote_budget,
                        private_writing=bt.private,
                        fondamentaux=bt.fondamentaux,
                        seq=1,
                    ),
                )
                first_bloc = first_bloc or bloc_id
            if first_bloc is not None:
                store.set_current_bloc(conn, workshop.id, first_bloc, 1)
                workshop.current_bloc = first_bloc
            # The facilitator is a participant row too, so every note has an author.
            store.insert_participant(
                conn, workshop.id, secrets.token_urlsafe(24), workshop.facilitator_name or None,
                Role.FACILITATOR, 1, now,
            )
        return workshop

    def new_code(self, conn: Any) -> str:
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if not store.code_in_use(conn, code):
                return code

    def list_workshops(self) -> list[Workshop]:
        with self.db.reading() as conn:
            return store.list_workshops(conn)

    def delete_workshop(self, workshop_id: str) -> None:
        with self.db.transaction() as conn:
            if not store.delete_workshop(conn, workshop_id):
                raise FacilitateError("unknown_workshop", "Atelier introuvable.", 404)

    def workshop_for_key(self, workshop_id: str, key: object) -> Workshop:
        """The atelier if `key` is its facilitator key (compared in constant time)."""
        with self.db.reading() as conn:
            workshop = store.get_workshop(conn, workshop_id)
        if workshop is None:
            raise FacilitateError("unknown_workshop", "Atelier introuvable.", 404)
        if not isinstance(key, str) or not secrets.compare_digest(key, workshop.facilitator_key):
            raise bad_key()
        return workshop

    # -- identities ------------------------------------------------------------

    def identify(self, auth: Any) -> tuple[Identity, Change | None]:
        """Turn Socket.IO connect auth into an identity. A new participant is a
        mutation (the staff see them arrive), hence the optional Change."""
        if not isinstance(auth, dict) or not isinstance(auth.get("code"), str):
            raise FacilitateError("bad_request", "Code d'atelier manquant.")
        code = auth["code"].strip().upper()
        with self.db.reading() as conn:
            workshop = store.get_workshop_by_code(conn, code)
        if workshop is None:
            raise unknown_workshop()
        if "facilitator_key" in auth:
            workshop = self.workshop_for_key(workshop.id, auth["facilitator_key"])
            role = Role.PROJECTOR if auth.get("role") == "projector" else Role.FACILITATOR
            with self.db.reading() as conn:
                me = store.get_facilitator_participant(conn, workshop.id)
            return Identity(workshop, Viewer(role, me.id), me), None
        token = auth.get("token")
        if isinstance(token, str) and token:
            with self.db.reading() as conn:
                known = store.find_participant_by_token(conn, workshop.id, token)
            if known is not None and known.role == Role.PARTICIPANT:
                return Identity(workshop, Viewer(Role.PARTICIPANT, known.id), known), None
        name = clean_display_name(auth.get("name"))
        with self.db.transaction() as conn:
            if store.count_participants(conn, workshop.id) >= self.max_participants:
                raise FacilitateError(
                    "workshop_full",
                    f"L'atelier est complet ({self.max_participants} participants). Parlez-en à l'animation.",
                    409,
                )
            seq = store.bump_seq(conn, workshop.id)
            participant = store.insert_participant(
                conn, workshop.id, secrets.token_urlsafe(24), name, Role.PARTICIPANT, seq, self.now()
            )
        identity = Identity(workshop, Viewer(Role.PARTICIPANT, participant.id), participant)
        return identity, Change(workshop.id, seq)

    # -- reading -----------------------------------------------------------------

    def patch(self, workshop_id: str, viewer: Viewer, since: int = 0) -> dict[str, Any]:
        """What `viewer` may see that changed after `since` (0: everything)."""
        with self.db.reading() as conn:
            workshop = store.get_workshop(conn, workshop_id)
            if workshop is None:
                raise FacilitateError("unknown_workshop", "Atelier introuvable.", 404)
            if since > workshop.seq or since < 0:
                since = 0  # a seq from another life of the database: start afresh
            blocs = store.list_blocs(conn, workshop_id, with_deleted=True)
            changed_bloc_ids = [b.id for b in blocs if b.seq > since]
            notes = store.notes_for_patch(conn, workshop_id, since, changed_bloc_ids)
            if viewer.is_staff:
                participants = store.participants_since(conn, workshop_id, since)
            elif viewer.participant_id is not None:
                participants = store.participants_since(conn, workshop_id, since, only=viewer.participant_id)
            else:
                participants = []
            ids = [p.id for p in participants]
            counts, done, votes = store.note_counts(conn, ids), store.done_blocs(conn, ids), store.my_votes(conn, ids)
            clusters = store.clusters_since(conn, workshop_id, since, changed_bloc_ids)
            touched = set(changed_bloc_ids) | {n.bloc_id for n, _ in notes} | {c.bloc_id for c in clusters}
            results = {
                b.id: self._results(conn, b) for b in blocs if b.id in touched and b.phase == Phase.CLOS and not b.deleted
            }
            meta_changed = workshop.meta_seq > since
            draw = store.latest_draw(conn, workshop_id) if meta_changed else None
            names = store.participant_names(conn, workshop_id) if draw else {}
            volunteers = len(store.volunteer_ids(conn, workshop_id)) if meta_changed else 0
            wants_synthesis = viewer.is_staff and workshop.synthesis_seq > since
            volets = store.synthesis(conn, workshop_id) if wants_synthesis else None
        return build_patch(
            viewer=viewer,
            since=since,
            seq=workshop.seq,
            workshop=workshop,
            join_url=self.join_url_for(workshop.code),
            blocs=blocs,
            notes=notes,
            participants=participants,
            counts=counts,
            done=done,
            draw=draw,
            names=names,
            volunteers=volunteers,
            now=self.clock(),
            clusters=clusters,
            votes=votes,
            results=results,
            synthesis=volets,
        )

    def _results(self, conn: Any, bloc: Bloc) -> dict[str, Any]:
        """The vote's ranking and the fondamentaux of a closed bloc."""
        items = items_of(store.clusters_of_bloc(conn, bloc.id), store.notes_of_bloc(conn, bloc.id))
        ranked = ranking(items, store.vote_totals(conn, [bloc.id])[bloc.id])
        return {"ranking": ranked, "retained": retained(bloc, ranked)}

    # -- notes ------------------------------------------------------------------

    def add_note(self, identity: Identity, payload: Any) -> tuple[dict[str, Any], Change | None]:
        """Add a note; the same client_id sent again returns the same note."""
        if not isinstance(payload, dict):
            raise bad_request("un objet est attendu.")
        client_id = payload.get("client_id")
        if client_id is not None and (not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID_LENGTH):
            raise bad_request("client_id doit être une chaîne courte.")
        text = clean_note_text(payload.get("text"))
        bloc_id = _int_field(payload, "bloc")
        author_id = identity.viewer.participant_id
        assert author_id is not None
        workshop_id = identity.workshop.id
        now = self.now()
        with self.db.transaction() as conn:
            if client_id:
                existing = store.find_note_by_client_id(conn, author_id, client_id)
                if existing is not None:
                    return self._note_view(existing, identity), None
            bloc = _existing_bloc(conn, workshop_id, bloc_id)
            check_can_write(identity.viewer, bloc)
            column = check_column(bloc, payload.get("column"))
            seq = store.bump_seq(conn, workshop_id)
            note = store.insert_note(
                conn,
                Note(0, workshop_id, bloc.id, author_id, text, column, client_id or None, now, now, seq=seq),
            )
            store.touch_participant(conn, author_id, seq)
        return self._note_view(note, identity), Change(workshop_id, seq, (author_id,))

    def edit_note(self, identity: Identity, payload: Any) -> tuple[dict[str, Any], Change]:
        if not isinstance(payload, dict):
            raise bad_request("un objet est attendu.")
        text = clean_note_text(payload.get("text"))
        with self.db.transaction() as conn:
            note, bloc = self._changeable_note(conn, identity, payload)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.update_note_text(conn, note.id, text, seq, self.now())
            note.text, note.seq = text, seq
        return self._note_view(note, identity), Change(identity.workshop.id, seq, (note.participant_id,))

    def delete_note(self, identity: Identity, payload: Any) -> tuple[dict[str, Any], Change]:
        if not isinstance(payload, dict):
            raise bad_request("un objet est attendu.")
        with self.db.transaction() as conn:
            note, _ = self._changeable_note(conn, identity, payload)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.delete_note(conn, note.id, seq, self.now())
            store.touch_participant(conn, note.participant_id, seq)
        return {"id": note.id}, Change(identity.workshop.id, seq, (note.participant_id,))

    def _changeable_note(self, conn: Any, identity: Identity, payload: dict[str, Any]) -> tuple[Note, Bloc]:
        note = store.get_note(conn, identity.workshop.id, _int_field(payload, "id"))
        if note is None:
            raise FacilitateError("unknown_note", "Cette note n'existe pas ou a été supprimée.", 404)
        bloc = _existing_bloc(conn, identity.workshop.id, note.bloc_id)
        check_can_change_note(identity.viewer, note, bloc)
        return note, bloc

    def _note_view(self, note: Note, identity: Identity) -> dict[str, Any]:
        return note_json(note, identity.viewer)

    # -- facilitation -------------------------------------------------------------

    def goto_bloc(self, identity: Identity, payload: Any) -> Change:
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_current_bloc(conn, identity.workshop.id, bloc.id, seq)
        return Change(identity.workshop.id, seq)

    def set_phase(self, identity: Identity, payload: Any) -> Change:
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        try:
            phase = Phase(payload.get("phase"))
        except ValueError:
            raise FacilitateError(
                "unknown_phase", "Phase inconnue : choisissez " + ", ".join(p.value for p in Phase) + "."
            ) from None
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_bloc_phase(conn, bloc.id, phase, seq)
        return Change(identity.workshop.id, seq)


    # -- rhythm: timers, "j'ai terminé" -------------------------------------------

    def control_timer(self, identity: Identity, payload: Any) -> Change:
        """{"bloc", "action": start|pause|extend|reset, "seconds"?}: extend adds
        `seconds` (negative removes); reset goes back to `seconds` or the bloc's duration."""
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        action = payload.get("action")
        seconds = payload.get("seconds")
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))):
            raise bad_request("« seconds » doit être un nombre.")
        now = self.clock()
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
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
                raise bad_request("« action » est start, pause, extend ou reset.")
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_timer(conn, bloc.id, timer, seq)
        return Change(identity.workshop.id, seq)

    def set_done(self, identity: Identity, payload: Any) -> Change:
        """A participant says "j'ai terminé" for a bloc ({"bloc", "done": bool})."""
        if identity.viewer.role != Role.PARTICIPANT:
            raise FacilitateError("forbidden", "Seuls les participants signalent qu'ils ont terminé.", 403)
        bloc_id = _int_field(payload, "bloc")
        done = payload.get("done", True)
        if not isinstance(done, bool):
            raise bad_request("« done » doit valoir true ou false.")
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_done(conn, identity.viewer.participant_id, bloc.id, done, seq)
        return Change(identity.workshop.id, seq, (identity.viewer.participant_id,))

    # -- tirage au sort ---------------------------------------------------------

    def open_volunteering(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"open": bool} lets participants volunteer (or stops it)."""
        check_facilitator(identity.viewer)
        open_ = payload.get("open", True) if isinstance(payload, dict) else None
        if not isinstance(open_, bool):
            raise bad_request("« open » doit valoir true ou false.")
        with self.db.transaction() as conn:
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_volunteering(conn, identity.workshop.id, open_, seq)
        return Change(identity.workshop.id, seq)

    def volunteer(self, identity: Identity, payload: Any) -> Change:
        """Participant: {"volunteer": bool} while volunteering is open."""
        if identity.viewer.role != Role.PARTICIPANT:
            raise FacilitateError("forbidden", "Seuls les participants se portent volontaires.", 403)
        wanted = payload.get("volunteer", True) if isinstance(payload, dict) else None
        if not isinstance(wanted, bool):
            raise bad_request("« volunteer » doit valoir true ou false.")
        with self.db.transaction() as conn:
            workshop = store.get_workshop(conn, identity.workshop.id)
            if not workshop.volunteering:
                raise FacilitateError("volunteering_closed", "L'appel aux volontaires n'est pas ouvert.", 409)
            seq = store.bump_seq(conn, workshop.id)
            store.set_volunteer(conn, identity.viewer.participant_id, wanted, seq)
            store.touch_workshop(conn, workshop.id, seq)  # the volunteer count shows on the projector
        return Change(workshop.id, seq, (identity.viewer.participant_id,))

    def run_draw(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"mode": "teams"|"1-2-4", "team_size", "teams"?, "seed"?}
        draws the volunteers at random (a seed replays a draw exactly); the draw
        is kept with the atelier and closes the call for volunteers."""
        check_facilitator(identity.viewer)
        if not isinstance(payload, dict):
            raise bad_request("un objet est attendu.")
        mode = payload.get("mode", "teams")
        team_size = payload.get("team_size", 2)
        teams = payload.get("teams")
        seed = payload.get("seed")
        for name, value in (("team_size", team_size), ("teams", teams), ("seed", seed)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise bad_request(f"« {name} » doit être un nombre entier.")
        with self.db.transaction() as conn:
            volunteers = store.volunteer_ids(conn, identity.workshop.id)
            members = draw_teams(volunteers, mode, team_size, teams, random.Random(seed) if seed is not None else random.SystemRandom())
            seq = store.bump_seq(conn, identity.workshop.id)
            store.insert_draw(conn, identity.workshop.id, mode, 2 if mode == "1-2-4" else team_size, members, self.now())
            store.set_volunteering(conn, identity.workshop.id, False, seq)
        return Change(identity.workshop.id, seq)

    def answer_draw(self, identity: Identity, payload: Any) -> Change:
        """Drawn participant: {"accept": bool}; a decline frees the place for the next volunteer."""
        accept = payload.get("accept") if isinstance(payload, dict) else None
        if not isinstance(accept, bool):
            raise bad_request("« accept » doit valoir true ou false.")
        with self.db.transaction() as conn:
            draw = store.latest_draw(conn, identity.workshop.id)
            if draw is None:
                raise FacilitateError("no_draw", "Aucun tirage au sort n'a eu lieu.", 409)
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
        if not isinstance(payload, dict):
            raise bad_request("un objet est attendu.")
        try:
            kind = BlocKind(payload.get("kind"))
        except ValueError:
            raise FacilitateError("bloc_invalid", "Type de bloc inconnu : brainstorm, columns ou questions.") from None
        if "title" not in payload:
            raise FacilitateError("bloc_invalid", "Donnez un titre au bloc.")
        blank = Bloc(0, identity.workshop.id, 0, "", kind, "")
        if kind != BlocKind.BRAINSTORM and "columns" not in payload:
            payload = {**payload, "columns": []}  # reports "au moins ..." below
        bloc = apply_bloc_settings(blank, payload)
        with self.db.transaction() as conn:
            seq = store.bump_seq(conn, identity.workshop.id)
            bloc.seq = seq
            bloc.id = store.insert_bloc(conn, bloc)
            order = [b for b in store.list_blocs(conn, identity.workshop.id) if b.id != bloc.id]
            order.insert(_position(payload, len(order)), bloc)
            _renumber(conn, order, seq)
        return Change(identity.workshop.id, seq)

    def update_bloc(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc", and any of title, prompt, columns, timer_seconds,
        vote_budget, private_writing, fondamentaux}."""
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        with self.db.transaction() as conn:
            bloc = apply_bloc_settings(_existing_bloc(conn, identity.workshop.id, bloc_id), payload)
            kept = {c.id for c in bloc.columns}
            orphans = sum(n for column, n in store.note_counts_by_column(conn, bloc.id).items() if column not in kept)
            if bloc.columns and orphans:
                raise FacilitateError(
                    "column_has_notes",
                    f"Cette colonne contient encore {orphans} note(s) : déplacez-les ou supprimez-les d'abord.",
                    409,
                )
            bloc.seq = store.bump_seq(conn, identity.workshop.id)
            store.update_bloc(conn, bloc)
        return Change(identity.workshop.id, bloc.seq)

    def move_bloc(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc", "position"} (0-based) reorders the plan."""
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            order = [b for b in store.list_blocs(conn, identity.workshop.id) if b.id != bloc.id]
            order.insert(_position(payload, len(order)), bloc)
            seq = store.bump_seq(conn, identity.workshop.id)
            _renumber(conn, order, seq)
        return Change(identity.workshop.id, seq)

    def remove_bloc(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc"}. Its notes are kept in the database, out of sight."""
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            others = [b for b in store.list_blocs(conn, identity.workshop.id) if b.id != bloc.id]
            if not others:
                raise FacilitateError("bloc_invalid", "Un atelier garde au moins un bloc.", 409)
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
        if not isinstance(payload, dict):
            raise bad_request("un objet est attendu.")
        with self.db.reading() as conn:
            workshop = store.get_workshop(conn, workshop_id)
            blocs = store.list_blocs(conn, workshop_id)
            volets = store.synthesis(conn, workshop_id)
        title = payload.get("title") or workshop.title
        if not isinstance(title, str) or len(title) > 200:
            raise bad_request("« title » doit être un texte de 200 caractères au plus.")
        template = SessionTemplate(
            id=slugify(title),
            title=title.strip(),
            description=str(payload.get("description") or ""),
            event=workshop.event,
            volets=tuple(v.title for v in volets),
            blocs=tuple(
                BlocTemplate(
                    id=slugify(b.title, fallback=f"bloc-{i + 1}") + ("" if i == 0 else f"-{i + 1}"),
                    title=b.title, kind=b.kind, prompt=b.prompt, columns=tuple(c.label for c in b.columns),
                    timer=b.timer_seconds, vote_budget=b.vote_budget, private=b.private_writing,
                    fondamentaux=b.fondamentaux,
                )
                for i, b in enumerate(blocs)
            ),
        )
        if template.id in self.templates:
            raise FacilitateError(
                "template_exists", f"Un modèle « {template.id} » existe déjà : choisissez un autre titre.", 409
            )
        try:
            save_template(template, self.user_templates_dir)
        except TemplateError as error:
            raise FacilitateError("template_invalid", str(error)) from None
        except FileExistsError:
            raise FacilitateError(
                "template_exists", f"Un modèle « {template.id} » existe déjà : choisissez un autre titre.", 409
            ) from None
        self.templates[template.id] = template
        return template


    # -- regroupement --------------------------------------------------------------

    def _grouping(self, identity: Identity, bloc_id: int, apply: Callable[[Any, Bloc, int], None]) -> Change:
        """Run one grouping action on a bloc as one transaction and one undo step."""
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            check_can_group(identity.viewer, bloc)
            store.push_undo(conn, bloc.id, _grouping_snapshot(conn, bloc.id))
            seq = store.bump_seq(conn, identity.workshop.id)
            apply(conn, bloc, seq)
            _drop_empty_clusters(conn, bloc.id, seq)
        return Change(identity.workshop.id, seq)

    def group_notes(self, identity: Identity, payload: Any) -> Change:
        """{"bloc", "clusters": [{"label"?, "notes": [ids]}]}: each list of notes
        becomes a new cluster (its label defaults to its first note). Used to
        group a selection, to split a cluster, and to accept suggestions."""
        bloc_id = _int_field(payload, "bloc")
        groups = payload.get("clusters")
        if not isinstance(groups, list) or not groups or not all(isinstance(g, dict) for g in groups):
            raise bad_request("« clusters » est une liste de groupes {label, notes}.")

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            notes = {n.id: n for n in store.notes_of_bloc(conn, bloc.id)}
            for group in groups:
                ids = _id_list(group.get("notes"), "notes")
                if not ids or any(i not in notes for i in ids):
                    raise FacilitateError("unknown_note", "Une de ces notes n'existe pas dans ce bloc.", 404)
                label = clean_cluster_label(group.get("label") or notes[ids[0]].text)
                columns = {notes[i].column for i in ids}
                cluster_id = store.insert_cluster(
                    conn, Cluster(0, bloc.workshop_id, bloc.id, label, columns.pop() if len(columns) == 1 else None, seq=seq)
                )
                store.set_note_cluster(conn, ids, cluster_id, seq)

        return self._grouping(identity, bloc_id, apply)

    def move_notes(self, identity: Identity, payload: Any) -> Change:
        """{"notes": [ids], "cluster": id | null}: into a cluster, or out of every one."""
        note_ids = _id_list(payload.get("notes") if isinstance(payload, dict) else None, "notes")
        target = payload.get("cluster")
        if target is not None and (isinstance(target, bool) or not isinstance(target, int)):
            raise bad_request("« cluster » est un identifiant ou null.")
        with self.db.reading() as conn:
            first = store.get_note(conn, identity.workshop.id, note_ids[0]) if note_ids else None
        if first is None:
            raise FacilitateError("unknown_note", "Cette note n'existe pas ou a été supprimée.", 404)

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            in_bloc = {n.id for n in store.notes_of_bloc(conn, bloc.id)}
            if any(i not in in_bloc for i in note_ids):
                raise FacilitateError("unknown_note", "Une de ces notes n'existe pas dans ce bloc.", 404)
            if target is not None:
                cluster = store.get_cluster(conn, bloc.workshop_id, target)
                if cluster is None or cluster.bloc_id != bloc.id:
                    raise FacilitateError("unknown_cluster", "Ce regroupement n'existe pas dans ce bloc.", 404)
            store.set_note_cluster(conn, note_ids, target, seq)

        return self._grouping(identity, first.bloc_id, apply)

    def rename_cluster(self, identity: Identity, payload: Any) -> Change:
        """{"cluster", "label"}."""
        cluster = self._cluster(identity, payload)
        label = clean_cluster_label(payload.get("label"))

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            cluster.label, cluster.seq = label, seq
            store.save_cluster(conn, cluster)

        return self._grouping(identity, cluster.bloc_id, apply)

    def merge_clusters(self, identity: Identity, payload: Any) -> Change:
        """{"clusters": [ids]}: every note goes to the first cluster, which keeps its label."""
        ids = _id_list(payload.get("clusters") if isinstance(payload, dict) else None, "clusters")
        if len(ids) < 2:
            raise bad_request("il faut au moins deux regroupements à fusionner.")
        first = self._cluster(identity, {"cluster": ids[0]})

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            for other_id in ids[1:]:
                other = store.get_cluster(conn, bloc.workshop_id, other_id)
                if other is None or other.bloc_id != bloc.id:
                    raise FacilitateError("unknown_cluster", "Ce regroupement n'existe pas dans ce bloc.", 404)
                members = [n.id for n in store.notes_of_bloc(conn, bloc.id) if n.cluster == other.id]
                store.set_note_cluster(conn, members, first.id, seq)

        return self._grouping(identity, first.bloc_id, apply)

    def ungroup(self, identity: Identity, payload: Any) -> Change:
        """{"cluster"}: its notes go back to the pile, the cluster disappears."""
        cluster = self._cluster(identity, payload)

        def apply(conn: Any, bloc: Bloc, seq: int) -> None:
            members = [n.id for n in store.notes_of_bloc(conn, bloc.id) if n.cluster == cluster.id]
            store.set_note_cluster(conn, members, None, seq)

        return self._grouping(identity, cluster.bloc_id, apply)

    def undo_grouping(self, identity: Identity, payload: Any) -> Change:
        """{"bloc"}: back to the grouping before the last action."""
        bloc_id = _int_field(payload, "bloc")
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            check_can_group(identity.viewer, bloc)
            snapshot = store.pop_undo(conn, bloc.id)
            if snapshot is None:
                raise FacilitateError("nothing_to_undo", "Il n'y a rien à annuler.", 409)
            seq = store.bump_seq(conn, identity.workshop.id)
            _restore_grouping(conn, bloc, snapshot, seq)
        return Change(identity.workshop.id, seq)

    def suggest_clusters(self, identity: Identity, payload: Any) -> dict[str, Any]:
        """{"bloc"} -> {"clusters": [{"label", "notes": [ids]}]}: a proposal
        computed on this laptop, nothing saved. Singletons are left out."""
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        with self.db.reading() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            notes = [n for n in store.notes_of_bloc(conn, bloc.id) if n.cluster is None]
        from facilitate.clustering import suggest_clusters  # scikit-learn: loaded on first use

        proposals = []
        for column in {n.column for n in notes}:  # never mix columns or questions
            part = [n for n in notes if n.column == column]
            for suggestion in suggest_clusters([n.text for n in part], prompt=bloc.prompt):
                if len(suggestion.indexes) > 1:
                    proposals.append({"label": suggestion.label, "notes": [part[i].id for i in suggestion.indexes]})
        proposals.sort(key=lambda p: (-len(p["notes"]), p["notes"][0]))
        return {"clusters": proposals}

    def _cluster(self, identity: Identity, payload: Any) -> Cluster:
        cluster_id = _int_field(payload, "cluster")
        with self.db.reading() as conn:
            cluster = store.get_cluster(conn, identity.workshop.id, cluster_id)
        if cluster is None:
            raise FacilitateError("unknown_cluster", "Ce regroupement n'existe pas (ou plus).", 404)
        return cluster

    # -- vote --------------------------------------------------------------------------

    def vote(self, identity: Identity, payload: Any) -> Change:
        """Participant: {"bloc", "item": "c<id>"|"n<id>", "dots": N} sets how many
        of your dots are on that item (0 takes them back). Setting, not adding,
        makes a resend after a drop harmless."""
        if identity.viewer.role != Role.PARTICIPANT:
            raise FacilitateError("forbidden", "Seuls les participants votent.", 403)
        bloc_id = _int_field(payload, "bloc")
        dots = _int_field(payload, "dots")
        item = payload.get("item")
        if not isinstance(item, str):
            raise bad_request("« item » désigne un regroupement (c12) ou une note (n34).")
        participant_id = identity.viewer.participant_id
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            keys = {i.key for i in items_of(store.clusters_of_bloc(conn, bloc.id), store.notes_of_bloc(conn, bloc.id))}
            check_vote(bloc, keys, store.votes_of(conn, participant_id, bloc.id), item, dots)
            seq = store.bump_seq(conn, identity.workshop.id)
            store.set_vote(conn, participant_id, bloc.id, item, dots)
            store.touch_participant(conn, participant_id, seq)
        return Change(identity.workshop.id, seq, (participant_id,))

    def set_retained(self, identity: Identity, payload: Any) -> Change:
        """Facilitator: {"bloc", "retained": [labels] | null} (null: automatic again)."""
        check_facilitator(identity.viewer)
        bloc_id = _int_field(payload, "bloc")
        labels = payload.get("retained")
        if labels is not None and (
            not isinstance(labels, list) or not all(isinstance(x, str) and x.strip() for x in labels) or len(labels) > 50
        ):
            raise bad_request("« retained » est une liste de textes (50 au plus), ou null.")
        with self.db.transaction() as conn:
            bloc = _existing_bloc(conn, identity.workshop.id, bloc_id)
            bloc.retained = None if labels is None else [clean_cluster_label(x) for x in labels]
            bloc.seq = store.bump_seq(conn, identity.workshop.id)
            store.update_bloc(conn, bloc)
        return Change(identity.workshop.id, bloc.seq)


    # -- synthèse en volets ---------------------------------------------------------

    def _synthesis(self, identity: Identity, apply: Callable[[Any, list[Volet]], None]) -> Change:
        check_facilitator(identity.viewer)
        with self.db.transaction() as conn:
            apply(conn, store.synthesis(conn, identity.workshop.id))
            seq = store.bump_seq(conn, identity.workshop.id)
            store.touch_synthesis(conn, identity.workshop.id, seq)
        return Change(identity.workshop.id, seq)

    def add_volet(self, identity: Identity, payload: Any) -> Change:
        """{"title", "position"?}."""
        title = clean_synthesis_text(payload, "title", required=True)

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = Volet(0, identity.workshop.id, len(volets), title)
            volet.id = store.insert_volet(conn, volet.workshop_id, volet.position, title)
            volets.insert(_position(payload, len(volets)), volet)
            _reorder(volets, store.save_volet, conn)

        return self._synthesis(identity, apply)

    def update_volet(self, identity: Identity, payload: Any) -> Change:
        """{"volet", "title"?, "position"?}."""
        volet_id = _int_field(payload, "volet")

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = _find(volets, volet_id, "unknown_volet", "Ce volet n'existe pas.")
            if "title" in payload:
                volet.title = clean_synthesis_text(payload, "title", required=True)
            if "position" in payload:
                volets.remove(volet)
                volets.insert(_position(payload, len(volets)), volet)
            _reorder(volets, store.save_volet, conn)

        return self._synthesis(identity, apply)

    def remove_volet(self, identity: Identity, payload: Any) -> Change:
        """{"volet"}: only an empty volet, so no action is lost by a slip."""
        volet_id = _int_field(payload, "volet")

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = _find(volets, volet_id, "unknown_volet", "Ce volet n'existe pas.")
            if volet.actions:
                raise FacilitateError(
                    "volet_not_empty", "Ce volet contient des actions : déplacez-les ou supprimez-les d'abord.", 409
                )
            store.delete_volet(conn, volet.id)
            volets.remove(volet)
            _reorder(volets, store.save_volet, conn)

        return self._synthesis(identity, apply)

    def add_action(self, identity: Identity, payload: Any) -> Change:
        """{"volet", "text"?, "soutien"?, "source"?: {"clusters": [ids], "notes": [ids]}}:
        typed by hand, or made from clusters and notes (the text defaults to
        the first one's label or text, and the action remembers them)."""
        volet_id = _int_field(payload, "volet")
        source = payload.get("source") or {}
        if not isinstance(source, dict) or set(source) - {"clusters", "notes"}:
            raise bad_request("« source » est {\"clusters\": [...], \"notes\": [...]}.")
        source = {kind: _id_list(source[kind], kind) for kind in ("clusters", "notes") if source.get(kind)}

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = _find(volets, volet_id, "unknown_volet", "Ce volet n'existe pas.")
            labels = [
                *(self._source_label(conn, identity, "clusters", i) for i in source.get("clusters", [])),
                *(self._source_label(conn, identity, "notes", i) for i in source.get("notes", [])),
            ]
            text = clean_synthesis_text(payload, "text", required=not labels) or labels[0]
            soutien = clean_synthesis_text(payload, "soutien", required=False)
            action = Action(0, volet.id, len(volet.actions), text, soutien, source)
            action.id = store.insert_action(conn, identity.workshop.id, action)
            volet.actions.append(action)
            _reorder(volet.actions, store.save_action, conn)

        return self._synthesis(identity, apply)

    def _source_label(self, conn: Any, identity: Identity, kind: str, item_id: int) -> str:
        if kind == "clusters":
            cluster = store.get_cluster(conn, identity.workshop.id, item_id)
            if cluster is None:
                raise FacilitateError("unknown_cluster", "Ce regroupement n'existe pas (ou plus).", 404)
            return cluster.label
        note = store.get_note(conn, identity.workshop.id, item_id)
        if note is None:
            raise FacilitateError("unknown_note", "Cette note n'existe pas ou a été supprimée.", 404)
        return note.text

    def update_action(self, identity: Identity, payload: Any) -> Change:
        """{"action", "text"?, "soutien"?, "volet"?, "position"?}: edit, or move to
        another volet or place."""
        action_id = _int_field(payload, "action")

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = next((v for v in volets if any(a.id == action_id for a in v.actions)), None)
            if volet is None:
                raise FacilitateError("unknown_action", "Cette action n'existe pas.", 404)
            action = _find(volet.actions, action_id, "unknown_action", "Cette action n'existe pas.")
            if "text" in payload:
                action.text = clean_synthesis_text(payload, "text", required=True)
            if "soutien" in payload:
                action.soutien = clean_synthesis_text(payload, "soutien", required=False)
            target = volet
            if "volet" in payload:
                target = _find(volets, _int_field(payload, "volet"), "unknown_volet", "Ce volet n'existe pas.")
            if target is not volet or "position" in payload:
                volet.actions.remove(action)
                action.volet_id = target.id
                target.actions.insert(_position(payload, len(target.actions)), action)
                _reorder(volet.actions, store.save_action, conn)
            _reorder(target.actions, store.save_action, conn)
            store.save_action(conn, action)

        return self._synthesis(identity, apply)

    def remove_action(self, identity: Identity, payload: Any) -> Change:
        """{"action"}."""
        action_id = _int_field(payload, "action")

        def apply(conn: Any, volets: list[Volet]) -> None:
            for volet in volets:
                for action in volet.actions:
                    if action.id == action_id:
                        store.delete_action(conn, action.id)
                        volet.actions.remove(action)
                        _reorder(volet.actions, store.save_action, conn)
                        return
            raise FacilitateError("unknown_action", "Cette action n'existe pas.", 404)

        return self._synthesis(identity, apply)


def _find(items: list[Any], item_id: int, code: str, message: str) -> Any:
    found = next((i for i in items if i.id == item_id), None)
    if found is None:
        raise FacilitateError(code, message, 404)
    return found


def _reorder(items: list[Any], save: Callable[[Any, Any], None], conn: Any) -> None:
    """Positions 0..n-1 in list order, saving only what moved."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            save(conn, item)


def _grouping_snapshot(conn: Any, bloc_id: int) -> dict[str, Any]:
    return {
        "clusters": [{"id": c.id, "label": c.label, "column": c.column} for c in store.clusters_of_bloc(conn, bloc_id)],
        "notes": {str(n.id): n.cluster for n in store.notes_of_bloc(conn, bloc_id)},
    }


def _restore_grouping(conn: Any, bloc: Bloc, snapshot: dict[str, Any], seq: int) -> None:
    before = {c["id"]: c for c in snapshot["clusters"]}
    for cluster in store.clusters_of_bloc(conn, bloc.id):
        if cluster.id not in before:
            cluster.deleted, cluster.seq = True, seq
            store.save_cluster(conn, cluster)
    for cluster_id, data in before.items():
        store.save_cluster(conn, Cluster(cluster_id, bloc.workshop_id, bloc.id, data["label"], data["column"], seq=seq))
    for note in store.notes_of_bloc(conn, bloc.id):
        wanted = snapshot["notes"].get(str(note.id))
        if note.cluster != wanted:
            store.set_note_cluster(conn, [note.id], wanted, seq)


def _drop_empty_clusters(conn: Any, bloc_id: int, seq: int) -> None:
    used = {n.cluster for n in store.notes_of_bloc(conn, bloc_id)}
    for cluster in store.clusters_of_bloc(conn, bloc_id):
        if cluster.id not in used:
            cluster.deleted, cluster.seq = True, seq
            store.save_cluster(conn, cluster)


def _id_list(value: Any, name: str) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise bad_request(f"« {name} » est une liste d'identifiants.")
    return list(dict.fromkeys(value))


def _position(payload: dict[str, Any], length: int) -> int:
    position = payload.get("position", length)
    if isinstance(position, bool) or not isinstance(position, int):
        raise bad_request("« position » doit être un nombre entier.")
    return max(0, min(length, position))


def _renumber(conn: Any, order: list[Bloc], seq: int) -> None:
    """Blocs at positions 0..n-1 in this order; the ones that moved are marked changed."""

    def save(conn: Any, bloc: Bloc) -> None:
        bloc.seq = seq
        store.update_bloc(conn, bloc)

    _reorder(order, save, conn)


def _int_field(payload: Any, name: str) -> int:
    if not isinstance(payload, dict):
        raise bad_request("un objet est attendu.")
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"« {name} » doit être un identifiant numérique.")
    return value


def _existing_bloc(conn: Any, workshop_id: str, bloc_id: int) -> Bloc:
    bloc = store.get_bloc(conn, workshop_id, bloc_id)
    if bloc is None:
        raise FacilitateError("unknown_bloc", "Ce bloc n'existe pas (ou plus) dans cet atelier.", 404)
    return bloc
