"""Shared by the tests of commands/ (and the reliability tests that reuse them): a check that
a command wrote nothing, an import run as the CLI runs it, alice's progress on hand-computed
numbers, and the fragments the parser fuzzing builds its text from."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commands.io.export import export_tables
from commands.io.importer.check import plan_import
from commands.io.importer.layouts import sheet_of
from commands.io.importer.plan import ImportPlan, ImportResult
from commands.io.importer.read import read_rows
from commands.io.importer.write import apply_import
from commands.plan.activity import ActivityRates
from commands.reports.digest import DigestResult, build_digest
from commands.warnings.deviations import Progress
from storage import repo
from storage.models import Base, Team, Workspace
from tests.conftest import Chat

D = Decimal

FRAGMENTS = [
    '"', "“", "”", "„", "«", "»", "＂", "'", " ", "  ", "\n", "\t",
    "key:", "type:", "type:demo", "outcome:", "outcom:", "on:", "on:yesterday", "next:",
    "deal:", "deal:D-", "tier:", "tier:A", "new:", "new:yes", "customer:", "amount:",
    "amount:12", "stage:", "close:", "currency:", "name:", "reason:", "tz:", "team:",
    "<@U1|x>", "<@U1>", "<@W", "<#C1|east>", "@", "@alice", "&amp;", "&lt;", "&", ">",
    "D-", "d-", "#", "0", "1", "9", "12", "120k", "1,200", "1.25", "万", "$", "¥", "€",
    "new", "list", "won", "lost", "team", "create", "add", "remove", "show", "role",
    "manager", "admin", "rep", "help", "Acme", "Corp", "http://x.y", "mailto:a@b",
    "\x00", "٣", "Ａ", "é",
]


def row_counts(chat: Chat) -> dict[str, int]:
    """How many rows every table holds."""
    with chat.deps.session_factory() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@contextmanager
def writes_nothing(chat: Chat) -> Iterator[None]:
    before = row_counts(chat)
    yield
    assert row_counts(chat) == before


def team_of(session: Session, chat: Chat) -> tuple[Workspace, Team]:
    """The chat's workspace and the team of its channel."""
    ws = repo.workspaces.get_workspace(session, chat.team_id)
    assert ws is not None
    team = repo.workspaces.team_by_channel(session, ws.id, chat.channel_id)
    assert team is not None
    return ws, team


def digest_of(chat: Chat, now: datetime) -> DigestResult:
    """The weekly digest of the chat's team at `now`."""
    with chat.deps.session_factory() as session:
        return build_digest(session, *team_of(session, chat), now)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def run_import(chat: Chat, kind: str, path: Path, now: datetime, *,
               apply: bool = True) -> tuple[ImportPlan, ImportResult | None]:
    """Check the file and, when every row is fine and `apply`, write it: as the CLI does."""
    with chat.deps.session_factory.begin() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        rows = read_rows(path, sheet=sheet_of(kind))
        plan = plan_import(kind, rows, session=session, workspace=ws, now=now)
        result = apply_import(plan, session=session) if apply and plan.ok else None
    return plan, result


# 36,000 a deal, half of closed deals won, 0.45 opportunities per visit.
ALICE_RATES = ActivityRates(avg_deal_size=D(36000), win_rate=D("0.5"),
                            opportunities_per_visit=D("0.45"), source="rep")


def alice(**changes: Any) -> Progress:
    """Alice on 18 December: 101,000 of 245,000 with 13 of 21 working days gone."""
    fields: dict[str, Any] = dict(
        subject="member:12", who="Alice", period_name="December", target=D(245000),
        actual=D(101000), elapsed_working_days=13, remaining_working_days=8, rates=ALICE_RATES,
    )
    fields.update(changes)
    return Progress(**fields)


def tables_of(chat: Chat) -> dict[str, pd.DataFrame]:
    with chat.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        return export_tables(session, ws.id)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.drop(columns="workspace").to_dict("records")


def same_people_elsewhere(team: Chat, team_id: str = "T0COPY") -> Chat:
    """A second, empty workspace with the same people as `team` (mia, alice, bob)."""
    copy = Chat(team.deps, team_id=team_id, channel_id="C0COPY")
    copy.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    copy.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")
    return copy
