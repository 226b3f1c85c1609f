"""Length limits (issue 13.12, 14.5): one table for every text field, the same from a command,
a form or an import; anything longer is refused with the limit stated and nothing written."""

from __future__ import annotations

import csv
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.dispatch import Caller, execute_args
from bot.views.deals import deal_lost_form
from bot.views.standup import standup_answer_form
from bot.views.visits import visit_form
from commands.core.errors import UsageError
from commands.core.limits import COMMAND_TEXT, LIMITS
from commands.core.text import split_words, tokenize
from commands.deals.visit import VisitArgs
from commands.dispatch import parse_command
from commands.io.importer.check import plan_import
from commands.io.importer.read import read_rows
from commands.standup.answers import StandupAnswerArgs
from commands.standup.draft import StandupDraft
from commands.warnings.warnings import MAX_REASON
from storage import repo
from storage.models import StandupAnswer
from tests.commands.helpers import writes_nothing
from tests.conftest import Chat, Clock


def test_a_long_stand_up_answer_is_refused_not_cut(team: Chat, clock: Clock) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, 1, 45, tzinfo=UTC)  # Mon 09:45 in Shanghai
    long = "x" * 3001
    with writes_nothing(team), pytest.raises(UsageError) as err:
        team.say("alice", f'/standup answer yesterday:"{long}" today:"demo"')
    assert "`yesterday:` answer is 3,001 characters long; the limit is 3,000" in err.value.message
    team.say("alice", f'/standup answer yesterday:"{"y" * 3000}" today:"demo"')
    with team.deps.session_factory() as session:
        assert len(session.scalars(select(StandupAnswer.yesterday)).one()) == 3000


def test_a_long_stand_up_answer_from_the_form_is_refused(team: Chat, clock: Clock) -> None:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    clock.now = datetime(2026, 11, 23, 1, 45, tzinfo=UTC)
    caller = Caller(team.team_id, "UALICE", team.channel_id, "alice")
    with writes_nothing(team), pytest.raises(UsageError, match="limit is 3,000"):
        execute_args(team.deps, caller, "standup",
                     StandupAnswerArgs("met Acme", "demo", "b" * 10_000))


@pytest.mark.parametrize(("line", "message"), [
    ('/visit "Acme Corp" ' + "n" * 3001, "notes are 3,001 characters long; the limit is 3,000"),
    ('/visit "Acme Corp" next:"' + "s" * 501 + '" Met', "next step is 501 characters long"),
    ('/deal new "' + "d" * 201 + '" customer:"Acme Corp" amount:10k',
     "deal name is 201 characters long; the limit is 200"),
    ('/deal D-1 lost reason:"' + "r" * 501 + '"', "lost reason is 501 characters long"),
    ('/visit "' + "c" * 201 + '" new:yes Met', "customer name is 201 characters long"),
    ('/sales action add <@UBOB|bob> "' + "a" * 501 + '"', "action item is 501 characters"),
    ('/sales holiday add 2026-12-25 "' + "h" * 201 + '"', "holiday name is 201 characters"),
])
def test_every_command_text_field_is_refused_past_its_limit(team: Chat, line: str,
                                                            message: str) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    with writes_nothing(team), pytest.raises(UsageError) as err:
        team.say("mia" if "/sales" in line else "alice", line)
    assert message in err.value.message


def test_a_form_is_held_to_the_same_limits(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" Intro')
    caller = Caller(team.team_id, "UALICE", team.channel_id, "alice")
    with writes_nothing(team), pytest.raises(UsageError, match="limit is 3,000"):
        execute_args(team.deps, caller, "visit",
                     VisitArgs(words=("n" * 3001,), customer="Acme Corp"))


def test_modal_inputs_carry_the_same_limits() -> None:
    def lengths(view: object) -> dict[str, int]:
        blocks = view.to_dict()["blocks"]  # type: ignore[attr-defined]
        return {b["block_id"]: b["element"]["max_length"] for b in blocks
                if b["type"] == "input" and "max_length" in b["element"]}

    today = datetime(2026, 11, 22, tzinfo=UTC).date()
    assert lengths(visit_form(today=today, channel_id=None)) == {
        "notes": LIMITS["notes"], "next": LIMITS["next step"], "deal": 20}
    assert lengths(deal_lost_form("3", None)) == {"reason": LIMITS["lost reason"]}
    draft = StandupDraft(today, "East", today, "", "", "", None)
    assert set(lengths(standup_answer_form(draft, None)).values()) == \
        {LIMITS["stand-up answer"]}
    assert LIMITS["snooze reason"] == MAX_REASON


def test_an_import_is_held_to_the_same_limits(team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = tmp_path / "activities.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([
            ["date", "type", "customer", "person", "notes", "next_step"],
            ["2026-11-20", "visit", "Acme Corp", "alice", "fine", ""],
            ["2026-11-20", "visit", "Globex", "alice", "n" * 3001, "s" * 501],
        ])
    with team.deps.session_factory.begin() as session:
        ws = repo.workspaces.get_workspace(session, team.team_id)
        assert ws is not None
        plan = plan_import("activities", read_rows(path), session=session, workspace=ws,
                           now=clock.now)
    assert [str(p) for p in plan.problems] == [
        "line 3: notes is 3,001 characters long; the limit is 3,000; next_step is 501 "
        "characters long; the limit is 500"]


def test_over_long_command_text_is_refused_before_parsing() -> None:
    text = '"Acme Corp" ' + "x" * COMMAND_TEXT
    with pytest.raises(UsageError) as err:
        parse_command("visit", text)
    assert f"limit is {COMMAND_TEXT:,}" in err.value.message
    with pytest.raises(UsageError, match="limit is"):
        split_words(text)


def test_the_tokenizer_is_linear_in_a_long_word() -> None:
    # shlex took 23 s for this 1 MB word (quadratic); the bound is two orders of magnitude
    # above what a linear pass needs, so only a quadratic splitter misses it.
    word = "x" * 1_000_000
    result: list[list[str]] = []
    worker = threading.Thread(target=lambda: result.append(tokenize(f'a "{word}" b')),
                              daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert result == [["a", word, "b"]]


def _reference(text: str) -> list[str]:
    import shlex

    lexer = shlex.shlex(text.translate(str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"',
                                                      "»": '"', "＂": '"'})), posix=True)
    lexer.quotes, lexer.escape, lexer.whitespace_split, lexer.commenters = '"', "", True, ""
    return list(lexer)


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(st.lists(st.sampled_from(['"', "“", "»", " ", "  ", "\t", "\n", "a", "bc", "'", ":",
                                 "x:", "\u00a0", "é", "\r"]), max_size=16).map("".join))
def test_the_tokenizer_splits_exactly_like_shlex_did(text: str) -> None:
    try:
        expected = _reference(text)
    except ValueError:
        with pytest.raises(UsageError, match="not closed"):
            tokenize(text)
        return
    assert tokenize(text) == expected
