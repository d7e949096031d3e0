"""Use cases, one module per area. Each mutation is one transaction that
bumps the atelier's seq and returns a `Change` saying who must hear about it;
callers broadcast after the commit, never before."""

from __future__ import annotations

from dataclasses import dataclass

from facilitate.services.archive import ArchiveCases
from facilitate.services.common import Change, Identity, utc_now
from facilitate.services.flow import FlowCases
from facilitate.services.grouping import GroupingCases
from facilitate.services.hosting import HostingCases
from facilitate.services.moderation import ModerationCases
from facilitate.services.notes import NoteCases
from facilitate.services.room import RoomCases
from facilitate.services.synthesis import SynthesisCases
from facilitate.services.tables import TableCases
from facilitate.services.workshops import WorkshopCases

__all__ = ["Change", "Identity", "Service", "utc_now"]


@dataclass
class Service(
    ArchiveCases,
    WorkshopCases,
    NoteCases,
    FlowCases,
    GroupingCases,
    SynthesisCases,
    RoomCases,
    ModerationCases,
    TableCases,
    HostingCases,
):
    """Every use case of facilitate over one database (see common.Base for the fields)."""
