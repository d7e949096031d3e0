"""The synthesis in volets: volets, actions and their soutien."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from facilitate import store
from facilitate.errors import FacilitateError, action_not_found, cluster_not_found, note_not_found
from facilitate.i18n import _
from facilitate.model import Action, Volet
from facilitate.rules import (
    check_facilitator,
    clean_synthesis_text,
)
from facilitate.services.common import (
    Base,
    Change,
    Identity,
    distinct,
    find_or_fail,
    position_in,
    reorder,
)


class SynthesisCases(Base):
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
            volets.insert(position_in(payload, len(volets)), volet)
            reorder(volets, store.save_volet, conn)

        return self._synthesis(identity, apply)

    def update_volet(self, identity: Identity, payload: Any) -> Change:
        """{"volet", "title"?, "position"?}."""
        volet_id = payload["volet"]

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = _volet(volets, volet_id)
            if "title" in payload:
                volet.title = clean_synthesis_text(payload, "title", required=True)
            if "position" in payload:
                volets.remove(volet)
                volets.insert(position_in(payload, len(volets)), volet)
            reorder(volets, store.save_volet, conn)

        return self._synthesis(identity, apply)

    def remove_volet(self, identity: Identity, payload: Any) -> Change:
        """{"volet"}: only an empty volet, so no action is lost by a slip."""
        volet_id = payload["volet"]

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = _volet(volets, volet_id)
            if volet.actions:
                raise FacilitateError(
                    "volet_not_empty", _("Ce volet contient des actions : déplacez-les ou supprimez-les d'abord."), 409
                )
            store.delete_volet(conn, volet.id)
            volets.remove(volet)
            reorder(volets, store.save_volet, conn)

        return self._synthesis(identity, apply)

    def add_action(self, identity: Identity, payload: Any) -> Change:
        """{"volet", "text"?, "soutien"?, "source"?: {"clusters": [ids], "notes": [ids]}}:
        typed by hand, or made from clusters and notes (the text defaults to
        the first one's label or text, and the action remembers them)."""
        volet_id = payload["volet"]
        source = payload.get("source") or {}
        source = {kind: distinct(source[kind]) for kind in ("clusters", "notes") if source.get(kind)}

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = _volet(volets, volet_id)
            labels = [
                *(self._source_label(conn, identity, "clusters", i) for i in source.get("clusters", [])),
                *(self._source_label(conn, identity, "notes", i) for i in source.get("notes", [])),
            ]
            text = clean_synthesis_text(payload, "text", required=not labels) or labels[0]
            soutien = clean_synthesis_text(payload, "soutien", required=False)
            action = Action(0, volet.id, len(volet.actions), text, soutien, source)
            action.id = store.insert_action(conn, identity.workshop.id, action)
            volet.actions.append(action)
            reorder(volet.actions, store.save_action, conn)

        return self._synthesis(identity, apply)

    def _source_label(self, conn: Any, identity: Identity, kind: str, item_id: int) -> str:
        if kind == "clusters":
            cluster = store.get_cluster(conn, identity.workshop.id, item_id)
            if cluster is None:
                raise cluster_not_found()
            return cluster.label
        note = store.get_note(conn, identity.workshop.id, item_id)
        if note is None:
            raise note_not_found()
        return note.text

    def update_action(self, identity: Identity, payload: Any) -> Change:
        """{"action", "text"?, "soutien"?, "volet"?, "position"?}: edit, or move to
        another volet or place."""
        action_id = payload["action"]

        def apply(conn: Any, volets: list[Volet]) -> None:
            volet = next((v for v in volets if any(a.id == action_id for a in v.actions)), None)
            if volet is None:
                raise action_not_found()
            action = find_or_fail(volet.actions, action_id, "unknown_action", "Cette action n'existe pas.")
            if "text" in payload:
                action.text = clean_synthesis_text(payload, "text", required=True)
            if "soutien" in payload:
                action.soutien = clean_synthesis_text(payload, "soutien", required=False)
            target = volet
            if "volet" in payload:
                target = _volet(volets, payload["volet"])
            if target is not volet or "position" in payload:
                volet.actions.remove(action)
                action.volet_id = target.id
                target.actions.insert(position_in(payload, len(target.actions)), action)
                reorder(volet.actions, store.save_action, conn)
            reorder(target.actions, store.save_action, conn)
            store.save_action(conn, action)

        return self._synthesis(identity, apply)

    def remove_action(self, identity: Identity, payload: Any) -> Change:
        """{"action"}."""
        action_id = payload["action"]

        def apply(conn: Any, volets: list[Volet]) -> None:
            for volet in volets:
                for action in volet.actions:
                    if action.id == action_id:
                        store.delete_action(conn, action.id)
                        volet.actions.remove(action)
                        reorder(volet.actions, store.save_action, conn)
                        return
            raise action_not_found()

        return self._synthesis(identity, apply)


def _volet(volets: list[Volet], volet_id: int) -> Volet:
    return find_or_fail(volets, volet_id, "unknown_volet", "Ce volet n'existe pas.")
