"""Dates read one way (issue 13.5): dotted is day first, an ambiguous slashed date is refused,
simple Chinese dates are understood, and an import file's date order comes from all its rows.
Today is Sunday 22 November 2026."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Literal

import pytest
from sqlalchemy import select

from commands.core.dates import parse_day
from commands.core.errors import UsageError
from commands.io.importer.check import day_first, plan_import
from commands.io.importer.read import read_rows
from storage import repo
from storage.models import Activity, Deal
from tests.commands.helpers import writes_nothing
from tests.conftest import Chat, Clock

SUNDAY = date(2026, 11, 22)


@pytest.mark.parametrize("prefer", ["past", "future"])
@pytest.mark.parametrize(("typed", "expected"), [
    ("3.12.2026", date(2026, 12, 3)),
    ("03.12.2026", date(2026, 12, 3)),
    ("3.12.26", date(2026, 12, 3)),
    ("15/12/2026", date(2026, 12, 15)),  # real only day first
    ("12/15/2026", date(2026, 12, 15)),  # real only month first
    ("12/12/2026", date(2026, 12, 12)),
    ("2026/12/03", date(2026, 12, 3)),
])
def test_numeric_dates_are_read_one_way(typed: str, expected: date,
                                        prefer: Literal["past", "future"]) -> None:
    assert parse_day(typed, today=SUNDAY, prefer=prefer) == expected


@pytest.mark.parametrize("typed", ["3/12/2026", "3-12-2026", "03/12/26"])
def test_an_ambiguous_slashed_date_is_refused_with_the_iso_form(typed: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_day(typed, today=SUNDAY, prefer="past")
    assert "2026-12-03" in err.value.message and "2026-03-12" in err.value.message
    assert "3 Dec or 12 Mar" in err.value.message


@pytest.mark.parametrize(("typed", "prefer", "expected"), [
    ("今天", "past", SUNDAY),
    ("昨天", "past", date(2026, 11, 21)),
    ("前天", "past", date(2026, 11, 20)),
    ("明天", "future", date(2026, 11, 23)),
    ("上周二", "past", date(2026, 11, 10)),   # Tuesday of last week (weeks start Monday)
    ("上星期二", "past", date(2026, 11, 10)),
    ("本周二", "past", date(2026, 11, 17)),
    ("下周五", "future", date(2026, 11, 27)),
    ("下礼拜一", "future", date(2026, 11, 23)),
    ("周五", "past", date(2026, 11, 20)),
    ("周五", "future", date(2026, 11, 27)),
    ("本月底", "future", date(2026, 11, 30)),
    ("下月底", "future", date(2026, 12, 31)),
    ("12月3日", "future", date(2026, 12, 3)),
    ("12月3日", "past", date(2025, 12, 3)),
    ("11月20号", "past", date(2026, 11, 20)),
    ("2026年12月3日", "past", date(2026, 12, 3)),
])
def test_simple_chinese_dates(typed: str, prefer: Literal["past", "future"],
                              expected: date) -> None:
    assert parse_day(typed, today=SUNDAY, prefer=prefer) == expected


def test_a_chinese_date_that_is_not_real_is_refused() -> None:
    with pytest.raises(UsageError, match="not a real date"):
        parse_day("2月30日", today=SUNDAY, prefer="past")


def test_visit_on_a_dotted_date_is_logged_day_first(team: Chat) -> None:
    out = team.say("alice", '/visit "Acme Corp" on:3.11.2026 Lunch')
    assert "Tue 03 Nov" in out
    with team.deps.session_factory() as session:
        assert session.scalars(select(Activity.occurred_on)).one() == date(2026, 11, 3)


def test_visit_on_an_ambiguous_slashed_date_writes_nothing(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" Intro')
    with writes_nothing(team), pytest.raises(UsageError, match="2026-11-03"):
        team.say("alice", '/visit "Acme Corp" on:3/11/2026 Lunch')


def test_chinese_dates_work_in_commands(team: Chat) -> None:
    assert "on Tue 10 Nov" in team.say("alice", '/visit "Acme Corp" on:上周二 Lunch')
    out = team.say("alice", '/deal new "Pilot" customer:"Acme Corp" amount:10k close:下周五')
    assert "closes Fri 27 Nov" in out


def test_holiday_takes_a_dotted_or_chinese_date(team: Chat) -> None:
    assert "Fri 25 Dec" in team.say("mia", '/sales holiday add 25.12.2026 "Christmas"')
    assert "Fri 01 Jan 2027" in team.say("mia", '/sales holiday add 2027年1月1日 "New Year"')
    with writes_nothing(team), pytest.raises(UsageError):
        team.say("mia", '/sales holiday add 3/12/2026 "Ambiguous"')


def test_file_date_order_is_decided_by_all_rows() -> None:
    # one impossible date does not turn a month-first file day first
    assert day_first(["12/15/2026", "11/2/2026", "13/45/2026"]) is False
    # the majority of rows real only one way decides
    assert day_first(["15/12/2026", "16/12/2026", "12/15/2026"]) is True
    # nothing says which: the file's slashed dates cannot be read one way
    assert day_first(["03/04/2026", "05/06/2026"]) is None
    assert day_first(["03.04.2026"]) is True


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _problems(chat: Chat, clock: Clock, kind: str, path: Path) -> list[str]:
    with chat.deps.session_factory.begin() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        plan = plan_import(kind, read_rows(path), session=session, workspace=ws, now=clock.now)
    return [str(p) for p in plan.problems]


def test_one_bad_date_is_the_only_bad_row(team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = _write(tmp_path / "deals.csv", [
        ["name", "customer", "owner", "amount", "stage", "expected_close"],
        ["Acme renewal", "Acme Corp", "alice", "120000", "proposal", "12/15/2026"],
        ["Initech pilot", "Initech", "bob", "5000", "lead", "11/30/2026"],
        ["Globex", "Globex", "bob", "5000", "lead", "13/45/2026"],
    ])
    assert _problems(team, clock, "deals", path) == [
        'line 4: expected_close "13/45/2026" is not a real date']


def test_a_row_against_the_files_date_order_says_so(team: Chat, clock: Clock,
                                                    tmp_path: Path) -> None:
    path = _write(tmp_path / "deals.csv", [
        ["name", "customer", "owner", "amount", "stage", "expected_close"],
        ["Acme renewal", "Acme Corp", "alice", "120000", "proposal", "15/12/2026"],
        ["Initech pilot", "Initech", "bob", "5000", "lead", "30/11/2026"],
        ["Globex", "Globex", "bob", "5000", "lead", "12/31/2026"],
    ])
    assert _problems(team, clock, "deals", path) == [
        'line 4: expected_close "12/31/2026" is not a real date read day first like the '
        "file's other dates"]


def test_a_file_that_never_says_its_date_order_is_refused_row_by_row(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = _write(tmp_path / "deals.csv", [
        ["name", "customer", "owner", "amount", "stage", "expected_close"],
        ["Acme renewal", "Acme Corp", "alice", "120000", "proposal", "03/12/2026"],
        ["Initech pilot", "Initech", "bob", "5000", "lead", "2026-12-20"],
    ])
    assert _problems(team, clock, "deals", path) == [
        'line 2: expected_close "03/12/2026" could be 3 Dec or 12 Mar, and no other date in '
        "the file says which; write it like 2026-12-03"]
    with team.deps.session_factory() as session:
        assert session.scalars(select(Deal)).all() == []
