"""People named in commands: every name or mention resolves to who it must be, or is refused
with a "did you mean" and nothing changes; naming someone never creates them, except where
the command is there to add someone. Through the chat, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine

from commands.core.errors import PermissionDenied, UsageError
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


# --- a second manager -----------------------------------------------------------------------


def test_a_manager_made_before_joining_manages_the_team_they_join(team: Chat) -> None:
    out = team.say("mia", "/sales role <@UCAROL|carol> manager")
    assert "Add them to a team" in out
    out = team.say("mia", "/sales team add <@UCAROL|carol>")
    assert "Added carol to East as a manager" in out
    assert "Managers: @carol, @mia" in team.say("alice", "/sales team")
    assert "Set East's revenue target" in team.say(
        "carol", "/target set team revenue 900k quarter:2026-Q4")


def test_a_member_made_manager_manages_their_team(team: Chat) -> None:
    team.say("mia", "/sales team add <@UCAROL|carol>")
    assert "They manage East" in team.say("mia", "/sales role @carol manager")
    assert "Managers: @carol, @mia" in team.say("alice", "/sales team")
    assert "Set East's revenue target" in team.say(
        "carol", "/target set team revenue 900k quarter:2026-Q4")


def test_a_manager_of_a_named_team_from_anywhere(team: Chat) -> None:
    out = team.say("mia", '/sales role <@UCAROL|carol> manager team:"East"', channel="DMIA")
    assert "carol is now a manager. They manage East." in out
    assert "Managers: @carol, @mia" in team.say("alice", "/sales team")


def test_a_manager_is_removed_and_can_no_longer_set_targets(team: Chat) -> None:
    team.say("mia", '/sales role <@UCAROL|carol> manager team:"East"')
    assert "Removed carol from East" in team.say("mia", "/sales team remove @carol")
    assert "Managers: @mia" in team.say("alice", "/sales team")
    with pytest.raises(PermissionDenied):
        team.say("carol", "/target set team revenue 900k quarter:2026-Q4")


def test_a_manager_demoted_to_rep_manages_nothing_and_the_reply_says_who_is_left(
        team: Chat) -> None:
    team.say("mia", '/sales role <@UCAROL|carol> manager team:"East"')
    assert "has no manager" not in team.say("mia", "/sales role @carol rep")
    assert "Managers: @mia" in team.say("alice", "/sales team")
    team.say("mia", "/sales role @bob admin")
    out = team.say("bob", "/sales role @mia rep")
    assert "East has no manager now" in out


def test_the_last_manager_of_a_team_is_not_removed(team: Chat) -> None:
    with unchanged(team), pytest.raises(UsageError, match="only manager of East"):
        team.say("mia", "/sales team remove @mia")
    assert "Managers: @mia" in team.say("alice", "/sales team")


# --- moves between teams --------------------------------------------------------------------


@pytest.fixture
def two_teams(team: Chat) -> Chat:
    """East (mia, admin; alice, bob) and West (wes, manager)."""
    team.say("mia", "/sales role <@UWES|wes> manager")
    team.say("wes", '/sales team create "West" tz:Europe/Berlin', channel="C0WEST")
    return team


@pytest.mark.parametrize("who", ["@bob", "@mia"])
def test_a_manager_cannot_take_people_from_another_team(two_teams: Chat, who: str) -> None:
    with unchanged(two_teams), pytest.raises(PermissionDenied, match="manager of both"):
        two_teams.say("wes", f"/sales team add {who}", channel="C0WEST")
    out = two_teams.say("alice", "/sales team")
    assert "Managers: @mia" in out and "@bob" in out


def test_a_manager_of_both_teams_moves_a_rep(two_teams: Chat) -> None:
    two_teams.say("mia", '/sales role @wes manager team:"East"')
    out = two_teams.say("wes", "/sales team add @bob", channel="C0WEST")
    assert "Moved bob from East to West" in out
    assert "@bob" not in two_teams.say("alice", "/sales team")


def test_an_admin_moves_a_rep(two_teams: Chat) -> None:
    out = two_teams.say("mia", '/sales team add @bob team:"West"')
    assert "Moved bob from East to West" in out


def test_a_move_never_takes_a_teams_last_manager(two_teams: Chat) -> None:
    with unchanged(two_teams), pytest.raises(UsageError, match="only manager of East"):
        two_teams.say("mia", '/sales team add @mia team:"West"')
    two_teams.say("mia", "/sales role @alice manager")  # East now has two managers
    assert "Moved mia from East to West" in two_teams.say("mia", '/sales team add @mia '
                                                                 'team:"West"')
    assert "Managers: @alice" in two_teams.say("bob", "/sales team", channel="C0EAST")


# --- a lock is a team's ---------------------------------------------------------------------


def test_a_teams_lock_leaves_other_teams_targets_open(two_teams: Chat) -> None:
    out = two_teams.say("mia", "/target lock quarter:2026-Q4")
    assert "Locked East's targets for 2026-Q4" in out
    out = two_teams.say("wes", "/target set team revenue 500k month:2026-12", channel="C0WEST")
    assert "Set West's revenue target for 2026-12" in out
    two_teams.say("mia", '/sales role <@UCARL|carl> manager team:"East"')
    with unchanged(two_teams), pytest.raises(PermissionDenied, match="East's targets for "
                                                                      "2026-12 are locked"):
        two_teams.say("carl", "/target set team revenue 500k month:2026-12")


def test_a_manager_locks_their_own_team_only(two_teams: Chat) -> None:
    out = two_teams.say("wes", "/target lock quarter:2026-Q4", channel="C0WEST")
    assert "Locked West's targets for 2026-Q4" in out
    with unchanged(two_teams), pytest.raises(PermissionDenied, match="manager of East"):
        two_teams.say("wes", '/target lock quarter:2026-Q4 team:"East"', channel="C0WEST")
    assert "Set East's revenue target" in two_teams.say(
        "mia", "/target set team revenue 900k quarter:2026-Q4")


def test_a_teams_lock_covers_its_reps_and_a_reps_lock_only_them(two_teams: Chat) -> None:
    two_teams.say("mia", '/sales role <@UCARL|carl> manager team:"East"')
    two_teams.say("mia", "/target lock @alice month:2026-12")
    with pytest.raises(PermissionDenied, match="alice's targets for 2026-12 are locked"):
        two_teams.say("carl", "/target set @alice revenue 300k month:2026-12")
    assert "Set bob's revenue target" in two_teams.say(
        "carl", "/target set @bob revenue 300k month:2026-12")
    two_teams.say("mia", "/target lock month:2026-11")
    with pytest.raises(PermissionDenied, match="East's targets for 2026-11 are locked"):
        two_teams.say("carl", "/target set @bob revenue 300k month:2026-11")


def test_only_an_admin_locks_every_team_and_says_so(two_teams: Chat) -> None:
    with unchanged(two_teams), pytest.raises(PermissionDenied, match="Only an admin"):
        two_teams.say("wes", "/target lock all quarter:2026-Q4", channel="C0WEST")
    out = two_teams.say("mia", "/target lock all quarter:2026-Q4")
    assert "Locked every team's targets for 2026-Q4" in out
    with unchanged(two_teams), pytest.raises(PermissionDenied, match="Every team's targets"):
        two_teams.say("wes", "/target set team revenue 500k month:2026-12", channel="C0WEST")


def test_locking_twice_says_it_already_is(team: Chat) -> None:
    team.say("mia", "/target lock quarter:2026-Q4")
    with unchanged(team):
        assert "already locked" in team.say("mia", "/target lock quarter:2026-Q4")


# --- rep targets inside a team target ---------------------------------------------------------


def test_a_reps_own_target_that_breaks_the_teams_sum_is_pointed_out(team: Chat) -> None:
    out = team.say("mia", "/target set team revenue 900k quarter:2026-Q4")
    assert "add up to" not in out
    out = team.say("mia", "/target set @alice revenue 500k quarter:2026-Q4")
    gap = ("The reps' revenue targets for 2026-Q4 add up to 950,000 USD, 50,000 USD more "
           "than East's 900,000 USD (alice has 500,000 USD of their own instead of a "
           "450,000 USD share).")
    assert gap in out
    assert gap in team.say("mia", "/target show team quarter:2026-Q4")
    assert gap in team.say("mia", "/target show @alice quarter:2026-Q4")


def test_a_month_of_a_rep_against_the_teams_quarter(team: Chat) -> None:
    team.say("mia", "/target set team revenue 660k quarter:2026-Q4")
    # December: 23 of the quarter's 66 working days of 660k is 230k, alice's half 115k
    out = team.say("mia", "/target set @alice revenue 100k month:2026-12")
    assert ("The reps' revenue targets for 2026-12 add up to 215,000 USD, 15,000 USD less "
            "than East's 230,000 USD") in out


def test_reps_targets_that_add_up_say_nothing(team: Chat) -> None:
    team.say("mia", "/target set team revenue 900k quarter:2026-Q4")
    out = team.say("mia", "/target set @alice revenue 450k quarter:2026-Q4")
    assert "add up to" not in out
    assert "add up to" not in team.say("mia", "/target show team quarter:2026-Q4")
