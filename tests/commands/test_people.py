"""People named in commands: every name or mention resolves to who it must be, or is refused
with a "did you mean" and nothing changes; naming someone never creates them, except where
the command is there to add someone. Through the chat, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine

from commands.errors import UsageError
from tests.conftest import Chat
from tests.reliability.helpers import changed_tables, counts, snapshot


def _engine(chat: Chat) -> Engine:
    bind = chat.deps.session_factory.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


@contextmanager
def unchanged(chat: Chat) -> Iterator[None]:
    """Every row of every table is the same afterwards (not only the row counts)."""
    before = snapshot(_engine(chat))
    yield
    after = snapshot(_engine(chat))
    assert changed_tables(before, after) == [], counts(after)


def test_a_misspelt_weight_is_refused_and_the_target_kept(team: Chat) -> None:
    team.say("mia", "/target set team revenue 900k quarter:2026-Q4")
    with unchanged(team), pytest.raises(UsageError, match=r"bobb.*Did you mean @bob\?"):
        team.say("mia", "/target set team revenue 1.2M quarter:2026-Q4 split:weights alice:2 "
                        "bobb:1")
    out = team.say("mia", "/target show team quarter:2026-Q4")
    assert "2026-Q4: target 900,000 USD" in out


def test_a_weight_for_someone_not_a_rep_of_the_team_is_refused(team: Chat) -> None:
    team.say("mia", '/sales team create "West"', channel="C0WEST")
    team.say("mia", "/sales team add <@UCARL|carl>", channel="C0WEST")
    with unchanged(team), pytest.raises(UsageError, match="carl is not a rep of East"):
        team.say("mia", "/target set team revenue 90k month:2026-12 split:weights alice:2 "
                        "bob:1 carl:1")


def test_a_rep_left_out_of_the_weights_is_refused(team: Chat) -> None:
    with unchanged(team), pytest.raises(UsageError, match="bob has none"):
        team.say("mia", "/target set team revenue 90k month:2026-12 split:weights alice:2")
    out = team.say("mia", "/target set team revenue 90k month:2026-12 split:weights alice:2 "
                          "bob:0")
    assert "alice 90,000 USD, bob 0 USD" in out


def test_weights_take_mentions_and_any_case(team: Chat) -> None:
    out = team.say("mia", "/target set team revenue 90k month:2026-12 split:weights "
                          "<@UALICE|alice>:2 @BOB:1")
    assert "alice 60,000 USD, bob 30,000 USD" in out
    # the stored weights give the same shares when the rep's target is read back
    assert "2026-12 (implied): target 30,000 USD" in team.say("mia", "/target show @bob "
                                                               "month:2026-12")


def test_removing_someone_unknown_creates_nobody(team: Chat) -> None:
    with unchanged(team), pytest.raises(UsageError, match="has not used salesbot"):
        team.say("mia", "/sales team remove <@UNOBODY|nobody>")
    with unchanged(team), pytest.raises(UsageError, match="I don't know anyone called @nobody"):
        team.say("mia", "/sales team remove @nobody")


def test_removing_someone_not_in_the_team_is_refused(team: Chat) -> None:
    team.say("mia", "/sales role <@UCAROL|carol> rep")  # known, in no team
    with unchanged(team), pytest.raises(UsageError, match="carol is not in East"):
        team.say("mia", "/sales team remove @carol @bob")
    assert "@bob" in team.say("mia", "/sales team")


def test_a_typo_in_a_removal_suggests_the_member(team: Chat) -> None:
    with unchanged(team), pytest.raises(UsageError, match=r"Did you mean @alice\?"):
        team.say("mia", "/sales team remove @alicee")


@pytest.mark.parametrize("line", [
    "/plan <@UDAVE|dave>",
    "/pipeline <@UDAVE|dave>",
    "/sales report <@UDAVE|dave>",
    "/deal list <@UDAVE|dave>",
    "/target show <@UDAVE|dave>",
    "/target set <@UDAVE|dave> revenue 300k month:2026-12",
    "/sales member <@UDAVE|dave> start:2026-10-01",
    '/sales action add <@UDAVE|dave> "Call Acme"',
    "/sales action list <@UDAVE|dave>",
])
def test_mentioning_someone_salesbot_does_not_know_creates_nobody(team: Chat, line: str) -> None:
    with unchanged(team), pytest.raises(UsageError, match="@dave has not used salesbot"):
        team.say("mia", line)


@pytest.mark.parametrize("line", [
    "/plan @alicia", "/pipeline @alicia", "/sales report @alicia", "/deal list @alicia",
    "/target show @alicia", "/target set @alicia revenue 300k month:2026-12",
    "/sales member @alicia start:2026-10-01", '/sales action add @alicia "Call Acme"',
    "/sales role @alicia manager",
])
def test_a_misspelt_name_gets_a_suggestion_everywhere(team: Chat, line: str) -> None:
    with unchanged(team), pytest.raises(UsageError, match=r"Did you mean @alice\?"):
        team.say("mia", line)


def test_adding_someone_new_registers_them(team: Chat) -> None:
    out = team.say("mia", "/sales team add <@UDAVE|dave>")
    assert "Added dave to East" in out


def test_a_plain_name_matches_ignoring_case(team: Chat) -> None:
    out = team.say("mia", "/target set @ALICE revenue 300k month:2026-12")
    assert "Set alice's revenue target" in out
