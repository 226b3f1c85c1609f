"""/sales through the chat, on SQLite and PostgreSQL: teams, roles and who may do what."""

import pytest

from commands.core.errors import PermissionDenied, UsageError
from tests.commands.helpers import writes_nothing
from tests.conftest import Chat


def test_first_team_makes_its_creator_the_admin_and_manager(chat: Chat) -> None:
    reply = chat.as_("mia", '/sales team create "East" tz:Asia/Shanghai')
    assert reply is not None
    assert reply.in_channel
    out = reply.plain()
    assert "Created team East" in out and "Asia/Shanghai" in out
    assert "mia is the workspace admin" in out
    assert "Managers: @mia" in out


def test_team_shows_its_manager_and_members(team: Chat) -> None:
    out = team.say("alice", "/sales team")
    assert "Team East" in out and "#C0EAST" in out
    assert "Managers: @mia" in out
    assert "@alice" in out and "@bob" in out


def test_before_any_team_exists_people_are_told_how_to_make_one(chat: Chat) -> None:
    with pytest.raises(UsageError, match="no teams yet"):
        chat.say("alice", "/sales team")


def test_team_cannot_be_created_outside_a_channel(chat: Chat) -> None:
    with writes_nothing(chat), pytest.raises(UsageError, match="in the team's channel"):
        chat.say("mia", '/sales team create "East"', channel="D0DIRECT")


def test_a_channel_holds_one_team(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(UsageError, match="already belongs to East"):
        team.say("mia", '/sales team create "West"')


def test_team_names_are_unique_ignoring_case(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(UsageError, match="already a team"):
        team.say("mia", '/sales team create "EAST"', channel="C0WEST")


def test_unknown_timezone_is_refused(chat: Chat) -> None:
    with writes_nothing(chat), pytest.raises(UsageError, match="not a timezone"):
        chat.say("mia", '/sales team create "East" tz:Mars/Olympus')


def test_region_name_is_not_a_timezone(chat: Chat) -> None:
    with writes_nothing(chat), pytest.raises(UsageError, match="not a timezone"):
        chat.say("mia", '/sales team create "East" tz:Europe')


def test_only_a_manager_or_admin_changes_members(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(PermissionDenied, match="manager of East"):
        team.say("alice", "/sales team add <@UCAROL|carol>")


def test_misspelt_subcommand_gets_a_suggestion(team: Chat) -> None:
    with pytest.raises(UsageError, match="Did you mean `/sales team`"):
        team.say("mia", "/sales tema")


def test_sales_alone_lists_every_command(team: Chat) -> None:
    out = team.say("alice", "/sales")
    assert "`/visit`" in out and "`/deal`" in out and "`/sales`" in out


def test_help_after_a_command_explains_that_command(team: Chat) -> None:
    out = team.say("alice", "/deal help")
    assert "/deal D-1 won" in out
    assert "`/visit`" not in out


def test_sales_help_lists_every_command(team: Chat) -> None:
    with pytest.raises(UsageError, match="`/sales help` lists them all"):
        team.say("alice", "/sales frobnicate")
    out = team.say("alice", "/sales help")
    assert "`/visit`" in out and "`/deal`" in out and "`/sales`" in out


# --- roles ----------------------------------------------------------------------------------


def test_admin_can_promote_a_rep_to_manager_of_their_team(team: Chat) -> None:
    out = team.say("mia", "/sales role @bob manager")
    assert "bob is now a manager" in out and "They manage East" in out
    assert "Managers: @bob, @mia" in team.say("alice", "/sales team")


@pytest.mark.parametrize("user", ["alice", "bob"])
def test_only_admins_can_change_roles(team: Chat, user: str) -> None:
    with writes_nothing(team), pytest.raises(PermissionDenied, match="Only an admin"):
        team.say(user, "/sales role @alice admin")


def test_a_manager_who_is_not_admin_cannot_change_roles(team: Chat) -> None:
    team.say("mia", "/sales role @bob manager")
    with writes_nothing(team), pytest.raises(PermissionDenied, match="Only an admin"):
        team.say("bob", "/sales role @alice manager")


def test_the_only_admin_cannot_demote_themselves(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(UsageError, match="only admin"):
        team.say("mia", "/sales role @mia rep")
    with writes_nothing(team), pytest.raises(UsageError, match="only admin"):
        team.say("mia", "/sales role <@UMIA|mia> manager")


def test_an_admin_may_step_down_once_there_is_another(team: Chat) -> None:
    team.say("mia", "/sales role @bob admin")
    assert "mia is now a rep" in team.say("mia", "/sales role @mia rep")
    with pytest.raises(PermissionDenied):
        team.say("mia", "/sales role @mia admin")


def test_unknown_role_and_unknown_person_are_refused(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(UsageError, match="rep, manager, admin"):
        team.say("mia", "/sales role @bob boss")
    with writes_nothing(team), pytest.raises(UsageError, match="Did you mean @alice"):
        team.say("mia", "/sales role @alicee manager")


# --- a second team --------------------------------------------------------------------------


def test_a_rep_cannot_create_a_second_team(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(PermissionDenied, match="manager or an admin"):
        team.say("carol", '/sales team create "West"', channel="C0WEST")


def test_a_promoted_manager_creates_and_runs_a_second_team(team: Chat) -> None:
    out = team.say("mia", "/sales role <@UCAROL|carol> manager")
    assert "Add them to a team" in out
    out = team.say("carol", '/sales team create "West" tz:Europe/Berlin', channel="C0WEST")
    assert "Created team West" in out and "Europe/Berlin" in out
    assert "workspace admin" not in out
    out = team.say("carol", "/sales team add <@UDAVE|dave>", channel="C0WEST")
    assert "Added dave to West" in out
    assert "Members (2): @carol (manager), @dave" in out
    # East is unchanged and still managed by mia alone
    assert "Managers: @mia" in team.say("alice", "/sales team")


def test_a_manager_cannot_change_another_teams_members(team: Chat) -> None:
    team.say("mia", "/sales role <@UCAROL|carol> manager")
    team.say("carol", '/sales team create "West"', channel="C0WEST")
    with writes_nothing(team), pytest.raises(PermissionDenied, match="manager of East"):
        team.say("carol", "/sales team remove @bob", channel="C0EAST")
    with writes_nothing(team), pytest.raises(PermissionDenied):
        team.say("carol", '/sales team add @bob team:"East"', channel="C0WEST")


def test_moving_a_rep_between_teams_says_so(team: Chat) -> None:
    team.say("mia", "/sales role <@UCAROL|carol> manager")
    team.say("carol", '/sales team create "West"', channel="C0WEST")
    out = team.say("mia", '/sales team add @bob team:"West"')
    assert "Moved bob from East to West" in out
    assert "@bob" not in team.say("alice", "/sales team")


def test_sales_help_names_every_sales_command_the_readme_documents(team: Chat) -> None:
    # The README's `/sales` block and `/sales help` were edited apart: exchange rates and
    # `/sales export` were documented but missing from the help.
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    block = readme.split("### `/sales`", 1)[1].split("```", 2)[1]
    documented = set()
    for line in block.splitlines():
        m = re.match(r"/sales (\w+)(?: (\w+):)?", line.strip())
        if m:
            documented.add(m.group(1) if m.group(1) != "config" or not m.group(2)
                           else f"config {m.group(2)}:")
    assert {"export", "config fx:", "config deal_cards:", "team"} <= documented
    out = team.say("alice", "/sales help")
    missing = [d for d in sorted(documented) if f"/sales {d}" not in out]
    assert missing == []


def test_target_help_says_who_may_read_targets(team: Chat) -> None:
    out = team.say("alice", "/target help")
    assert "everyone can read" not in out
    assert "reps read their own and their team's" in out
    assert "[metric]" in out
