"""Socket.IO handlers: identify -> service -> broadcast.

Client contract (default namespace; see docs/api.md for the full text):
- connect with auth {"code", "name"?} (new participant), {"code", "token"}
  (same participant again), or {"code", "facilitator_key", "role"?:
  "projector"} (staff). Add "since": SEQ to get only what changed since.
  A refused connection's connect_error carries data {"code", "message"}.
- on connect the server emits `state`: a patch (see read_model.patch and projection.build_patch)
  plus "me". Afterwards every committed change reaches the client as a
  `change` patch carrying "seq" and "since".
- every client event takes an acknowledgement callback and gets
  {"ok": true, ...} after the commit, or {"ok": false, "error": {"code", "message"}};
  a handler never drops the connection.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from flask import current_app, g, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room, leave_room

from facilitate.broadcast import (
    Broadcaster,
    audiences_of,
    projector_room_of,
    room_of,
    seat_room_of,
    shard_of,
    staff_room_of,
)
from facilitate.errors import FacilitateError
from facilitate.i18n import _
from facilitate.model import Role
from facilitate.payloads import EVENTS, read
from facilitate.projection import note_json
from facilitate.ratelimit import Limits, guarded_guess
from facilitate.read_model import patch
from facilitate.rules import acting_viewer
from facilitate.seats import Presence
from facilitate.services import Change, Identity, Service
from facilitate.shared_state import CONTROL_EVENT, CONTROL_ROOM, PRESENCE_SECONDS

log = logging.getLogger(__name__)
audit = logging.getLogger("facilitate.audit")  # who did what to which atelier (never note texts)
socketio = SocketIO()

# sid -> who that connection is, set once at connect and checked on every event.
_identities: dict[str, Identity] = {}
# Who is connected to which atelier, from which address: the seats a single source
# may hold (seats.py), and, with workers, what this one serves (shared_state.SharedPresence).
_presence = Presence()
# Which room (the whole room, or a table) each participant connection is in.
_seats: dict[str, str] = {}


def service() -> Service:
    return current_app.extensions["facilitate"]


def broadcaster() -> Broadcaster:
    return current_app.extensions["facilitate_broadcast"]


def publish(change: Change | None) -> None:
    """Send each audience what it may see of a committed change (coalesced:
    broadcast.py). The event's ack says at which seq it was committed."""
    if change is not None:
        g.committed_seq = max(change.seq, g.get("committed_seq", 0))
    broadcaster().changed(change)


def tell_workers(message: dict[str, Any]) -> None:
    """Act on every worker's connections (each worker knows only its own):
    through the message queue when there is one, here otherwise."""
    if current_app.extensions.get("facilitate_queue"):
        socketio.emit(CONTROL_EVENT, message, to=CONTROL_ROOM)
    else:
        on_control(message)


def on_control(message: dict[str, Any]) -> None:
    """A control message from any worker (this one included), for this worker's connections."""
    workshop_id, kind = message["workshop"], message["kind"]
    if kind == "room_changed":
        broadcaster().forget_snapshots(workshop_id)
    elif kind == "reseat":
        _reseat_here(workshop_id)
    elif kind == "forget":
        broadcaster().forget(workshop_id)
        _cut_off_here(workshop_id, lambda identity: True, disconnect=False)
    elif kind == "cut_off":
        participant = message.get("participant")
        whom: Callable[[Identity], bool] = {
            "staff": lambda identity: identity.viewer.is_staff,
            "cofacilitators": lambda identity: identity.viewer.role == Role.COFACILITATOR,
            "participant": lambda identity: (
                identity.viewer.participant_id == participant and not identity.viewer.is_staff
            ),
        }[message["whom"]]
        _cut_off_here(workshop_id, whom, message.get("event", ""), message.get("message", ""))


def announce_deleted(workshop_id: str) -> None:
    """Tell every screen of a deleted atelier, and forget their identities so
    that nothing they send can reach the data again."""
    for room in (room_of(workshop_id), staff_room_of(workshop_id), projector_room_of(workshop_id)):
        socketio.emit("workshop:deleted", {"message": "Cet atelier a été supprimé par l'animation."}, to=room)
    tell_workers({"kind": "forget", "workshop": workshop_id})


def _cut_off(workshop_id: str, whom: str, event: str = "", message: str = "", participant: int | None = None) -> None:
    """Disconnect the atelier's connections `whom` names (staff, cofacilitators,
    participant), on every worker, telling them `event` first, if any."""
    tell_workers(
        {
            "kind": "cut_off",
            "workshop": workshop_id,
            "whom": whom,
            "event": event,
            "message": message,
            "participant": participant,
        }
    )


def _cut_off_here(
    workshop_id: str, whom: Callable[[Identity], bool], event: str = "", message: str = "", disconnect: bool = True
) -> None:
    for sid, identity in list(_identities.items()):
        if identity.workshop.id == workshop_id and whom(identity):
            if event:
                socketio.emit(event, {"message": message}, to=sid)
            _identities.pop(sid, None)
            if disconnect:
                socketio.server.disconnect(sid, namespace="/")


def revoke_staff(workshop_id: str) -> None:
    """Disconnect the atelier's consoles and projectors after a new facilitator
    key: they must connect again, with the new key."""
    _cut_off(workshop_id, "staff")


def revoke_cofacilitators(workshop_id: str) -> None:
    """Disconnect the co-animation views of a revoked (or replaced) invitation."""
    _cut_off(
        workshop_id,
        "cofacilitators",
        "cofacilitator:revoked",
        _("L'animation a retiré cette invitation de co-animation."),
    )


def queue_status(up: bool) -> None:
    """Redis went away or came back: this worker's consoles are told (the
    screens on other workers stop, or start again, seeing their changes);
    when it is back, every screen here resyncs what it missed meanwhile."""
    if up:
        log.warning("file de messages Redis de retour : les écrans se resynchronisent")
    else:
        log.error("file de messages Redis injoignable : les autres serveurs ne reçoivent plus les changements d'ici")
    for sid, identity in list(_identities.items()):
        if identity.viewer.is_staff:
            socketio.emit("server:status", {"queue": "up" if up else "down"}, to=sid, ignore_queue=True)
        if up:
            socketio.emit("resync", {}, to=sid, ignore_queue=True)


def share_presence_forever(app: Any) -> None:
    """With workers: this worker's screens and participants, in Redis every second (shared_state.SharedPresence)."""
    presence = app.extensions["facilitate_presence"]
    while True:
        presence.publish(_presence.ateliers())
        socketio.sleep(PRESENCE_SECONDS)


def _since(auth: Any) -> int:
    since = auth.get("since") if isinstance(auth, dict) else None
    return since if isinstance(since, int) and not isinstance(since, bool) and since > 0 else 0


def _me(identity: Identity) -> dict[str, Any]:
    me: dict[str, Any] = {"role": identity.viewer.role.value}
    if identity.viewer.role == Role.PARTICIPANT and identity.participant:
        me.update(id=identity.participant.id, name=identity.participant.name, token=identity.participant.token)
    return me


def limits() -> Limits:
    return current_app.extensions["facilitate_limits"]


def client_address() -> str:
    return request.remote_addr or "?"


def _identify(auth: Any) -> tuple[Identity, Change | None]:
    """Identify a connection; wrong codes and keys count against the client's
    address, so join codes cannot be guessed by brute force."""
    return guarded_guess(
        limits().wrong_codes,
        client_address(),
        time.monotonic(),
        lambda: service().identify(auth, client_address(), present),
    )


def present(workshop_id: str) -> Mapping[int, str]:
    """The atelier's connected participants, each with the address they came
    from: on every worker when there are several (shared_state.SharedPresence)."""
    shared = current_app.extensions.get("facilitate_presence")
    return shared.present(workshop_id) if shared else local_presence(workshop_id)


def local_presence(workshop_id: str) -> Mapping[int, str]:
    """This worker's connected participants of the atelier, with their addresses."""
    return _presence.of(workshop_id)


def local_screens(workshop_id: str) -> int:
    """This worker's connections (any screen) to the atelier."""
    return _presence.screens(workshop_id)


def _arrives(connection: str, identity: Identity) -> None:
    participant = identity.viewer.participant_id if identity.viewer.role == Role.PARTICIPANT else None
    _presence.arrive(connection, identity.workshop.id, participant, client_address())
    shared = current_app.extensions.get("facilitate_presence")
    if shared and _presence.screens(identity.workshop.id) == 1:  # the first here: the others must use Redis now
        shared.publish(_presence.ateliers())


@socketio.on("connect")
def on_connect(auth: Any = None) -> None:
    try:
        identity, change = _identify(auth)
    except FacilitateError as error:
        # Seen by clients as connect_error {"message", "data": {"code", "message"}}.
        raise ConnectionRefusedError(error.message, error.to_dict()) from None
    workshop_id = identity.workshop.id
    _identities[request.sid] = identity
    _arrives(request.sid, identity)
    table = identity.participant.table if identity.participant else None
    rooms = audiences_of(identity, request.sid, table)
    for room in rooms:
        join_room(room)
    if identity.viewer.is_staff:
        from facilitate.views.hosting import actor

        audit.info(
            "%s connecté atelier=%s %s connexion=%s", identity.viewer.role.value, workshop_id, actor(), request.sid
        )
    else:
        _seats[request.sid] = rooms[0]
    # Rooms are joined before the snapshot is read, so nothing committed in
    # between is missed; a change seen twice is harmless (patches are idempotent).
    if change is not None and identity.viewer.role == Role.PARTICIPANT:
        state = broadcaster().newcomer_state(identity)  # shared by the phones joining together
    else:
        state = patch(service(), workshop_id, identity.viewer, _since(auth))
    broadcaster().connected(workshop_id, rooms, state["seq"])
    state["me"] = _me(identity)
    socketio.emit("state", state, to=request.sid)
    publish(change)


@socketio.on("disconnect")
def on_disconnect(*_: Any) -> None:
    _identities.pop(request.sid, None)
    _presence.leave(request.sid)
    _seats.pop(request.sid, None)


def client_event(name: str) -> Callable[[Callable[[Identity, Any], dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register a handler taking (identity, payload) and returning the ack's
    fields; errors become {"ok": false, "error": ...} acks. The payload
    reaches it already read against the event's declared shape
    (payloads.EVENTS), which every event must have."""
    shape = EVENTS[name]

    def decorator(fn: Callable[[Identity, Any], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @functools.wraps(fn)
        def handler(*args: Any) -> dict[str, Any]:
            identity = _identities.get(request.sid)
            if identity is None:
                return _error_ack(FacilitateError("not_connected", _("Connexion non reconnue : rechargez la page.")))
            if not identity.viewer.is_staff and not _within_limits(identity, name):
                return _error_ack(
                    FacilitateError(
                        "rate_limited", _("Vous envoyez trop vite : attendez quelques secondes, puis réessayez."), 429
                    )
                )
            try:
                acting = replace(identity, viewer=acting_viewer(identity.viewer, name))  # co-animation's limits
                ack = {"ok": True, **fn(acting, read(shape, args[0] if args else None))}
                if "committed_seq" in g:
                    ack["seq"] = g.pop("committed_seq")
                if identity.viewer.is_facilitator and name not in ("sync", "cluster:suggest"):
                    audit.info("%s atelier=%s connexion=%s", name, identity.workshop.id, request.sid)
                return ack
            except FacilitateError as error:
                return _error_ack(error)
            except Exception:
                log.exception("event %s failed", name)
                return _error_ack(FacilitateError("internal", _("Erreur interne du serveur : réessayez.")))

        socketio.on_event(name, handler)
        return handler

    return decorator


def _within_limits(identity: Identity, event: str) -> bool:
    """Per participant: so many messages a minute, and fewer notes."""
    key, now = f"{identity.workshop.id}:{identity.viewer.participant_id}", time.monotonic()
    if event == "note:add" and limits().notes.exceeded(key, now):
        return False
    if not limits().messages.allow(key, now):
        return False
    return event != "note:add" or limits().notes.allow(key, now)


def _error_ack(error: FacilitateError) -> dict[str, Any]:
    return {"ok": False, "error": error.to_dict()}


@client_event("cluster:suggest")
def on_cluster_suggest(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"bloc"} -> {"ok", "placements": [{"note", "cluster", "words", "closest"}],
    "clusters": [{"label", "notes": [ids]}]}, nothing saved."""
    return service().suggest_clusters(identity, payload)


@client_event("sync")
def on_sync(identity: Identity, payload: Any) -> dict[str, Any]:
    """{"since": SEQ} -> {"ok", "state": patch of what changed since SEQ}."""
    return {"state": patch(service(), identity.workshop.id, identity.viewer, payload.get("since", 0))}


@client_event("note:add")
def on_note_add(identity: Identity, payload: Any) -> dict[str, Any]:
    """{"bloc", "text", "column"?, "client_id"?} -> {"ok", "note"}."""
    note, change = service().add_note(identity, payload)
    publish(change)
    if change is not None and identity.viewer.role == Role.PARTICIPANT:
        offer_late_note(identity.workshop.id, note.id)
    return {"note": note_json(note, identity.viewer)}


def offer_late_note(workshop_id: str, note_id: int) -> None:
    """A note written while its bloc is in regroupement: tell the staff which
    cluster it resembles (`cluster:offer`). Computed after the ack, off the
    writer's path."""
    svc = service()

    def offer() -> None:
        try:
            found = svc.offer_late_note(workshop_id, note_id)
        except Exception:
            log.exception("late note offer failed")
            return
        if found:
            socketio.emit("cluster:offer", found, to=staff_room_of(workshop_id))

    socketio.start_background_task(offer)


@client_event("cluster:accept")
def on_cluster_accept(identity: Identity, payload: Any) -> dict[str, Any]:
    """{"bloc", "placements": [{"note", "cluster"}], "clusters": [{"label"?, "notes"}]}
    -> {"ok", "skipped": [note ids grouped meanwhile, left where they are]}: one undo step."""
    skipped, change = service().accept_suggestions(identity, payload)
    publish(change)
    return {"skipped": skipped}


@client_event("note:edit")
def on_note_edit(identity: Identity, payload: Any) -> dict[str, Any]:
    """{"id", "text"} -> {"ok", "note"}: your own notes only (the facilitator: any)."""
    note, change = service().edit_note(identity, payload)
    publish(change)
    return {"note": note_json(note, identity.viewer)}


@client_event("note:delete")
def on_note_delete(identity: Identity, payload: Any) -> dict[str, Any]:
    """{"id"} -> {"ok", "note": {"id"}}: your own notes only (the facilitator: any)."""
    note, change = service().delete_note(identity, payload)
    publish(change)
    return {"note": note}


# Events whose ack is just {"ok": true}: the change itself reaches every
# screen as a patch. Payloads are documented in docs/api.md.
SIMPLE_EVENTS: dict[str, str] = {  # event -> Service method
    "bloc:goto": "goto_bloc",  # facilitator {"bloc"}
    "bloc:phase": "set_phase",  # facilitator {"bloc", "phase"}
    "bloc:add": "add_bloc",  # facilitator {"kind", "title", ...}
    "bloc:update": "update_bloc",  # facilitator {"bloc", fields...}
    "bloc:move": "move_bloc",  # facilitator {"bloc", "position"}
    "bloc:remove": "remove_bloc",  # facilitator {"bloc"}
    "timer": "control_timer",  # facilitator {"bloc", "action", "seconds"?}
    "bloc:done": "set_done",  # participant {"bloc", "done"}
    "draw:open": "open_volunteering",  # facilitator {"open"}
    "draw:volunteer": "volunteer",  # participant {"volunteer"}
    "draw:run": "run_draw",  # facilitator {"mode", "team_size", "teams"?, "seed"?}
    "draw:answer": "answer_draw",  # drawn participant {"accept"}
    "cluster:group": "group_notes",  # {"bloc", "clusters": [{"label"?, "notes"}]}
    "cluster:move": "move_notes",  # {"notes", "cluster": id | null}
    "cluster:rename": "rename_cluster",  # {"cluster", "label"}
    "cluster:merge": "merge_clusters",  # {"clusters": [ids]}
    "cluster:ungroup": "ungroup",  # {"cluster"}
    "cluster:undo": "undo_grouping",  # {"bloc"}
    "vote": "vote",  # participant {"bloc", "item", "dots"}
    "bloc:retained": "set_retained",  # facilitator {"bloc", "retained": [labels] | null}
    "volet:add": "add_volet",  # facilitator {"title", "position"?}
    "volet:update": "update_volet",  # facilitator {"volet", "title"?, "position"?}
    "volet:remove": "remove_volet",  # facilitator {"volet"} (empty only)
    "action:add": "add_action",  # facilitator {"volet", "text"?, "soutien"?, "source"?}
    "action:update": "update_action",  # facilitator {"action", "text"?, "soutien"?, "volet"?, "position"?}
    "action:remove": "remove_action",  # facilitator {"action"}
}


def _register_simple(name: str, method: str) -> None:
    @client_event(name)
    def handler(identity: Identity, payload: Any) -> dict[str, Any]:
        publish(getattr(service(), method)(identity, payload))
        return {}


for _name, _method in SIMPLE_EVENTS.items():
    _register_simple(_name, _method)


@client_event("workshop:lock")
def on_workshop_lock(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"locked": bool} closes (or reopens) the atelier to new arrivals."""
    publish(service().lock_workshop(identity, payload))
    return {}


@client_event("participant:remove")
def on_participant_remove(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"participant": ID}. Their screens get `participant:removed`
    and are disconnected; their token no longer opens the atelier."""
    publish(service().remove_participant(identity, payload))
    _cut_off(
        identity.workshop.id,
        "participant",
        "participant:removed",
        "L'animation vous a retiré de cet atelier.",
        participant=payload["participant"],
    )
    return {}


# -- moderation and the room's identity ------------------------------------------------


@client_event("note:hide")
def on_note_hide(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"note", "hidden"}: off every screen but the staff's (who see it marked)."""
    publish(service().hide_note(identity, payload))
    return {}


@client_event("note:approve")
def on_note_approve(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"note"} or {"bloc"} lets waiting notes through."""
    publish(service().approve_notes(identity, payload))
    return {}


@client_event("participant:mute")
def on_participant_mute(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"participant", "muted"}."""
    publish(service().mute_participant(identity, payload))
    return {}


@client_event("workshop:identity")
def on_workshop_identity(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"identity": "named" | "pseudonym" | "anonymous"}."""
    publish(service().set_identity_mode(identity, payload))
    return {}


@client_event("workshop:results")
def on_workshop_results(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"public"}: the join address shows the results once every bloc is closed."""
    publish(service().publish_results(identity, payload))
    return {}


@client_event("note:paper")
def on_note_paper(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"bloc", "column"?, "text"} -> {"ok", "notes": [ids]}, one note per line."""
    notes, change = service().add_paper_notes(identity, payload)
    publish(change)
    return {"notes": [n.id for n in notes]}


# -- sub-group tables -------------------------------------------------------------------


def _reseat(workshop_id: str) -> None:
    tell_workers({"kind": "reseat", "workshop": workshop_id})


def _reseat_here(workshop_id: str) -> None:
    """Move the connections of participants whose table changed to their new
    table's room, and give them a fresh snapshot of what that table sees."""
    tables = service().seats(workshop_id)
    for sid, identity in list(_identities.items()):
        if identity.workshop.id != workshop_id or identity.viewer.role != Role.PARTICIPANT:
            continue
        wanted = seat_room_of(workshop_id, tables.get(identity.viewer.participant_id or 0), shard_of(sid))
        if _seats.get(sid) == wanted:
            continue
        if sid in _seats:
            leave_room(_seats[sid], sid=sid, namespace="/")
        join_room(wanted, sid=sid, namespace="/")
        _seats[sid] = wanted
        state = patch(service(), workshop_id, identity.viewer)
        broadcaster().connected(workshop_id, [wanted], state["seq"])
        state["me"] = _me(identity)
        socketio.emit("state", state, to=sid)


@client_event("tables:set")
def on_tables_set(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"count", "choose"?, "from_draw"?}."""
    publish(service().set_tables(identity, payload))
    _reseat(identity.workshop.id)
    return {}


@client_event("table:seat")
def on_table_seat(identity: Identity, payload: Any) -> dict[str, Any]:
    """{"table": N | null, "participant"?}: the facilitator seats anyone, a participant themselves (if allowed)."""
    publish(service().seat(identity, payload))
    _reseat(identity.workshop.id)
    return {}


@client_event("table:rapporteur")
def on_table_rapporteur(identity: Identity, payload: Any) -> dict[str, Any]:
    """Facilitator: {"table", "participant"}."""
    publish(service().set_rapporteur(identity, payload))
    return {}


@client_event("table:group")
def on_table_group(identity: Identity, payload: Any) -> dict[str, Any]:
    """A table's rapporteur: {"bloc", "notes": [ids], "label"?}."""
    publish(service().group_for_table(identity, payload))
    return {}


@client_event("table:rank")
def on_table_rank(identity: Identity, payload: Any) -> dict[str, Any]:
    """A table's rapporteur: {"bloc", "clusters": [ids in order]}."""
    publish(service().rank_table(identity, payload))
    return {}
