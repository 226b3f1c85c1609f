"""Two workspaces alike down to their user and channel ids (team East in C0EAST, mia, alice
and bob) stay apart in what is scheduled and what is exported: each workspace's weekly
digest and deviation warnings go to its own channel, with its own token and its own
figures; `salesbot workspace export T…` and `/sales export` hold that workspace's rows only.
Runs on every backend of the db fixtures (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.dispatch import Deps
from jobs.digest import DigestPost, DigestSource
from jobs.due import Source
from jobs.notify import Notifier
from jobs.ticker import Ticker
from jobs.tokens import NotifiersByToken
from jobs.warnings import WarningPost, WarningSource
from tests.conftest import Chat, Clock
from tests.jobs.recording import RecordingNotifier, past_first_check, utc

DIGEST_AT = utc(2026, 11, 23, 8, 30)  # Monday 08:30 UTC, mia's timezone
CHECK_AT = utc(2026, 11, 23, 2)  # Monday 10:00 in Shanghai, East's timezone

# each workspace's own figures: its target, and the deal bob won on Sunday
FIGURES = {"T0TEST": ("300k", "Initech", "150k"), "T0OTHER": ("600k", "Globex", "90k")}


class Tokens:
    """Each workspace's installation token."""

    def bot_token(self, slack_team_id: str) -> str | None:
        return {"T0TEST": "xoxb-test", "T0OTHER": "xoxb-other"}.get(slack_team_id)


@pytest.fixture
def two(team: Chat, clock: Clock) -> dict[str, Chat]:
    """T0TEST and T0OTHER with the same ids; a November target and a won deal each, their
    amounts and names differing; every team past its first (calm summary) warning post."""
    other = Chat(team.deps, team_id="T0OTHER", channel_id="C0EAST")
    other.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    other.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")
    chats = {"T0TEST": team, "T0OTHER": other}
    now = clock.now
    for name, chat in chats.items():
        target, customer, amount = FIGURES[name]
        clock.now = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)
        chat.say("mia", f"/target set team revenue {target} month:2026-11")
        clock.now = now
        chat.say("bob", f'/deal new "{customer} pilot" customer:"{customer}" amount:{amount}')
        chat.say("bob", "/deal D-1 won")
        chat.say("alice", f'/visit "{customer}" tier:A type:demo Met the {customer} CTO')
        chat.say("alice", f'/forecast submit commit:{amount} best:{target} '
                          f'note:"{customer} call"')
    past_first_check(team.deps.session_factory)
    return chats


def ticker(deps: Deps, source: Source) -> tuple[Ticker, dict[str, RecordingNotifier]]:
    """A ticker posting through a notifier per workspace; the notifiers by token."""
    made: dict[str, RecordingNotifier] = {}

    def connect(token: str) -> Notifier:
        made[token] = RecordingNotifier()
        return made[token]

    return Ticker(deps.session_factory, NotifiersByToken(Tokens(), connect),
                  [source]), made


def test_each_workspace_gets_its_own_digest_with_its_token_and_figures(
        two: dict[str, Chat], deps: Deps) -> None:
    tick, made = ticker(deps, DigestSource())
    assert len(tick.tick(DIGEST_AT).sent) == 2
    assert set(made) == {"xoxb-test", "xoxb-other"}
    for token, customer, amount in (("xoxb-test", "Initech", 150_000),
                                    ("xoxb-other", "Globex", 90_000)):
        [post] = made[token].of(DigestPost)
        assert post.to == "DUMIA"
        digest = post.message.digest  # type: ignore[attr-defined]
        assert digest.team_name == "East" and digest.manager_ids == ("UMIA",)
        assert [(name, won) for _, name, _, won in digest.won] == [(f"{customer} pilot",
                                                                     amount)]
        assert set(made[token].dms_opened) == {"UMIA"}


def test_each_workspace_gets_its_own_warnings_with_its_token_and_figures(
        two: dict[str, Chat], deps: Deps) -> None:
    tick, made = ticker(deps, WarningSource())
    assert len(tick.tick(CHECK_AT).sent) == 2
    assert set(made) == {"xoxb-test", "xoxb-other"}
    for token, share in (("xoxb-test", "50%"), ("xoxb-other", "15%")):
        [sent] = made[token].sent
        assert sent.to == "C0EAST"
        assert isinstance(sent.message, WarningPost)
        [pace] = [d for d in sent.message.warnings if d.key.startswith("behind_pace:team:")]
        assert pace.message.startswith(f"East: {share} of November's target"), pace.message


def _rows(data: bytes | str) -> list[dict[str, str]]:
    text = data.decode() if isinstance(data, bytes) else data
    return list(csv.DictReader(io.StringIO(text)))


def _exported(files: dict[str, bytes | str]) -> dict[str, set[str]]:
    """What the export names: its customers, its deals, its targets' amounts, the notes of
    its activities and of its forecast calls."""
    def pick(suffix: str, column: str) -> set[str]:
        [data] = [d for name, d in files.items() if name.endswith(suffix)]
        return {row[column] for row in _rows(data)}

    return {"customers": pick("customers.csv", "name"), "deals": pick("deals.csv", "name"),
            "targets": pick("targets.csv", "target"),
            "activities": pick("activities.csv", "notes"),
            "forecast_calls": pick("forecast_calls.csv", "note")}


@pytest.mark.usefixtures("clean_env")
def test_workspace_export_holds_that_workspaces_rows_only(
        two: dict[str, Chat], db_url: str, tmp_path: Path) -> None:
    for team, customer, target in (("T0OTHER", "Globex", "600000"),
                                   ("T0TEST", "Initech", "300000")):
        out = tmp_path / team
        result = CliRunner().invoke(cli, ["workspace", "export", team, "--out", str(out),
                                          "--database-url", db_url])
        assert result.exit_code == 0, result.output
        files = {p.name: p.read_text() for p in out.iterdir()}
        got = _exported(files)  # type: ignore[arg-type]
        assert got["customers"] == {customer} and got["deals"] == {f"{customer} pilot"}
        assert {t.split(".")[0].replace(",", "") for t in got["targets"]} == {target}
        assert got["activities"] == {f"Met the {customer} CTO"}
        assert got["forecast_calls"] == {f"{customer} call"}
        everything = "".join(files.values())
        other = "Initech" if customer == "Globex" else "Globex"
        assert other not in everything


def test_sales_export_holds_the_callers_workspace_only(two: dict[str, Chat]) -> None:
    for team, customer, other in (("T0OTHER", "Globex", "Initech"),
                                  ("T0TEST", "Initech", "Globex")):
        reply = two[team].as_("mia", "/sales export")
        assert reply is not None and reply.files
        files = dict(reply.files)
        got = _exported(files)  # type: ignore[arg-type]
        assert got["customers"] == {customer} and got["deals"] == {f"{customer} pilot"}
        assert got["activities"] == {f"Met the {customer} CTO"}
        assert got["forecast_calls"] == {f"{customer} call"}
        assert all(other.encode() not in data for data in files.values())
