"""Random command lines: every parser answers anything with a result or a UsageError, and
running them for a set-up team only ever fails with a user-facing error that wrote nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from commands.core.errors import UsageError, UserFacingError
from commands.dispatch import COMMANDS, SALES_VERBS
from tests.commands.helpers import FRAGMENTS
from tests.conftest import Chat
from tests.reliability.helpers import changed_tables, snapshot

# Every parser a user's text reaches: each slash command, and each /sales verb on its own.
PARSERS: dict[str, Callable[[str], Any]] = {
    **{f"/{name}": spec.parse for name, spec in COMMANDS.items()},
    **{f"/sales {verb}": parse for verb, (parse, _, _) in SALES_VERBS.items()},
}

# The words of the commands beyond /visit, /deal and /sales team (which FRAGMENTS covers).
MORE_FRAGMENTS = [
    "set", "show", "lock", "revenue", "wins", "visits", "new_customers", "opportunities",
    "quarter:2026-Q4", "quarter:2026-Q5", "month:2026-12", "month:2026-13", "year:2026",
    "year:0", "week:2026-W49", "week:2026-W54", "split:weights", "split:seasonal",
    "split:even", "alice:2", "bob:0", "stretch:", "challenge:360k", "answer", "skip", "ooo",
    "now", "config", "report", "status", "time:09:30", "time:25:00", "time:9pm", "days:mon-fri",
    "days:fri-mon", "days:", "tz:local", "window:2h", "window:0", "reminder:off",
    "reminder:90m", "yesterday:", "today:", "blockers:none", "2026-12-20..2027-01-02", "..",
    "tomorrow", "digest:mon-08:30", "digest:off", "digest:sun-24:00", "warnings",
    "stale_days:3", "pace_threshold:0.9", "pace_threshold:", "cooldown:", "rules:",
    "due:friday", "due:", "done", "A-1", "a1", "all", "off", "on", "leaderboard", "by:",
    "period:", "metric:", "start:2026-10-01", "start:", "holiday", "member", "export",
    "snooze", "ack", "-1", "1e9", "999999999999999999999", "0.001", "NaN", "inf", "2026-11-20",
]
WORDS = FRAGMENTS + MORE_FRAGMENTS

built = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
glued = st.lists(st.sampled_from(WORDS), max_size=10).map("".join)
texts = st.one_of(built, glued, st.text(max_size=40),
                  st.lists(st.one_of(st.text(max_size=6), built), max_size=4).map(" ".join))

PARSE_FUZZ = settings(max_examples=100, deadline=None, database=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("parser", sorted(PARSERS))
@PARSE_FUZZ
@given(text=texts)
def test_every_parser_answers_anything_with_a_result_or_a_usage_error(
        parser: str, text: str) -> None:
    with contextlib.suppress(UsageError):
        PARSERS[parser](text)


# --- through execute, on a database ----------------------------------------------------------

# Real lines of each command, to be sent as they are, with noise after them, or cut to their
# first words with noise instead: most examples then get past the first word, many succeed.
GOOD: dict[str, list[str]] = {
    "visit": ['"Acme Corp" Met the CTO', "Acme Corp call", 'Initech new:yes tier:A Intro',
              '"Globex" type:call outcome:neutral on:yesterday next:"demo" deal:D-2'],
    "deal": ['new "Big one" customer:"Acme Corp" amount:50k close:2026-12-15', "list", "",
             "D-1 stage:negotiation amount:150k", "D-2 won", 'D-1 lost reason:"price"', "D-1",
             "list <@UBOB|bob>"],
    "target": ["set team revenue 900k month:2026-12", "set <@UBOB|bob> wins 3 month:2026-12",
               "show team", "show <@UALICE|alice> month:2026-11", "lock quarter:2026-Q4",
               "set team revenue 1M year:2026 split:seasonal", "show", ""],
    "plan": ["", "team", "<@UBOB|bob> month:2026-12"],
    "pipeline": ["", "team", "<@UALICE|alice>"],
    "sales": ["team", "team add <@UNEW|new>", "team remove <@UBOB|bob>", "help",
              "role <@UBOB|bob> manager", "holiday add 2026-12-24 Eve", "holiday",
              "member <@UBOB|bob> start:2026-10-01", "report team", 'action add "Do it" '
              "due:friday", "action done A-1", "action list all", "config digest:tue-09:00",
              "config warnings stale_days:7", 'team create "North" tz:Europe/Berlin',
              *SALES_VERBS],
    "standup": ['answer yesterday:"calls" today:"demo" blockers:none', "skip", "now",
                "ooo 2026-12-20..2027-01-02", "ooo off", "config time:10:00 days:mon-fri",
                "report", "report 2026-11-20", ""],
}


def noisy(command: str) -> st.SearchStrategy[tuple[str, str]]:
    good = GOOD.get(command, [""])
    heads = sorted({" ".join(g.split()[:n]) for g in good for n in (1, 2)})
    return st.one_of(
        st.sampled_from(good),
        st.tuples(st.sampled_from(good), texts).map(" ".join),
        st.tuples(st.sampled_from(heads), texts).map(" ".join),
    ).map(lambda text: (command, text))


lines = st.sampled_from(sorted(COMMANDS)).flatmap(noisy)
people = st.sampled_from(["mia", "alice", "bob", "nina"])  # admin, reps, someone new
channels = st.sampled_from(["C0EAST", "DUALICE", "C0ELSEWHERE"])

EXECUTE_FUZZ = settings(max_examples=100, deadline=None, database=None, derandomize=True,
                        suppress_health_check=[HealthCheck.too_slow,
                                               HealthCheck.function_scoped_fixture])


@pytest.fixture
def busy_team(team: Chat) -> Chat:
    """East with deals, a target, a stand-up, an action item and a holiday."""
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k stage:proposal')
    team.say("bob", '/deal new "Globex pilot" customer:"Globex" amount:30k')
    team.say("bob", '/visit "Globex" type:demo outcome:positive Showed the pilot')
    team.say("mia", "/target set team revenue 1.2M quarter:2026-Q4")
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    team.say("mia", '/sales action add <@UBOB|bob> "Call Globex"')
    team.say("mia", '/sales holiday add 2026-12-25 "Christmas"')
    return team


def test_random_command_lines_fail_only_with_a_user_facing_error_that_wrote_nothing(
        busy_team: Chat, engine: Engine) -> None:
    seen = {"ok": 0, "refused": 0}
    state = {"now": snapshot(engine)}  # what the database holds between examples

    @EXECUTE_FUZZ
    @given(line=lines, user=people, channel=channels)
    def run(line: tuple[str, str], user: str, channel: str) -> None:
        command, text = line
        before = state["now"]
        try:
            reply = busy_team.as_(user, f"/{command} {text}", channel=channel)
        except UserFacingError:
            after = snapshot(engine)
            assert after == before, f"a refused command wrote to {changed_tables(before, after)}"
            seen["refused"] += 1
            return
        except Exception:
            state["now"] = snapshot(engine)  # keep the next example's comparison honest
            raise
        state["now"] = snapshot(engine)
        seen["ok"] += 1
        if reply is not None:  # it renders as a valid Slack message and as text
            reply.as_message()
            reply.plain()

    run()
    assert seen["ok"] >= 20 and seen["refused"] >= 20, seen  # both paths were exercised
