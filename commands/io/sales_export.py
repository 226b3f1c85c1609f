"""/sales export: the caller's data as CSV files, within what their role may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from commands.core.access import readable_member_ids
from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.io.export import csv_bytes, export_tables


@dataclass(frozen=True)
class ExportArgs:
    pass


def parse_export(text: str) -> ExportArgs:
    """`/sales export` takes nothing more."""
    if text.strip():
        raise UsageError("`/sales export` takes nothing more: it sends you what you may see, "
                         "as CSV files, in a direct message.")
    return ExportArgs()


@dataclass(frozen=True)
class ExportResult:
    scope: str  # what the files cover, as the reply says it
    files: tuple[tuple[str, bytes], ...]  # file name, CSV content
    rows: tuple[tuple[str, int], ...]  # table, data rows


def run_export(args: ExportArgs, *, session: Session, actor: Actor,
               now: datetime) -> ExportResult:
    """Export what the caller may see: a rep their own, a manager their teams', an admin all."""
    me = actor.member
    ids = readable_member_ids(me)
    if ids is None:
        scope = f"everything in {actor.workspace.name}"
    elif me.managed_teams:
        scope = "your team" + ("s " if len(me.managed_teams) > 1 else " ") + ", ".join(
            t.name for t in me.managed_teams)
    else:
        scope = "your own customers, visits, deals, targets and follow-ups"
    tables = export_tables(session, actor.workspace.id, ids)
    day = local_today(now, me.timezone).isoformat()
    files = tuple((f"salesbot-{day}-{name}", data) for name, data in csv_bytes(tables).items())
    return ExportResult(scope.strip(), files, tuple((n, len(f)) for n, f in tables.items()))
