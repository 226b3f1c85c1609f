"""/sales action (PDCA items) and /sales config (digest time, warning settings)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from commands.core.errors import PermissionDenied, UsageError
from commands.team.config import rule_config
from storage import repo
from storage.models import ActionItem, TeamSettings
from tests.conftest import Chat, Clock

BOB = "<@UBOB|bob>"


def test_a_manager_gives_an_action_item_and_it_is_tracked_to_done(team: Chat,
                                                                  clock: Clock) -> None:
    # Sunday 22 Nov in Shanghai: "friday" is the 27th
    out = team.say("mia", f'/sales action add {BOB} "Call 5 B-tier accounts" due:friday')
    assert 'A-1 for bob, due Fri 27 Nov: Call 5 B-tier accounts' in out
    team.say("alice", '/sales action add "Send the Acme quote"')  # her own, no due date
    out = team.say("alice", "/sales action list")
    assert "A-1 bob: Call 5 B-tier accounts — due Fri 27 Nov" in out
    assert "A-2 alice: Send the Acme quote" in out
    clock.now = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # Saturday: A-1 is overdue
    assert ":warning: A-1 bob: Call 5 B-tier accounts — due Fri 27 Nov (overdue)" in team.say(
        "mia", "/sales action list")
    assert "Done: A-1 Call 5 B-tier accounts" in team.say("bob", "/sales action done A-1")
    out = team.say("mia", "/sales action list")
    assert "A-1" not in out and "A-2" in out
    assert ":white_check_mark: A-1" in team.say("mia", "/sales action list all")
    assert "already done" in team.say("bob", "/sales action done a1")


def test_only_the_owner_their_manager_or_an_admin_close_or_assign(team: Chat) -> None:
    team.say("mia", f'/sales action add {BOB} "Call 5 B-tier accounts"')
    with pytest.raises(PermissionDenied, match="bob's"):
        team.say("alice", "/sales action done A-1")
    with pytest.raises(PermissionDenied, match="bob's manager"):
        team.say("alice", f'/sales action add {BOB} "Do my work"')
    with team.deps.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ActionItem)) == 1


@pytest.mark.parametrize("line, message", [
    ("/sales action add", "Say what to do"),
    ('/sales action add "x" due:yesterday', "in the past"),
    ('/sales action add "x" due:someday-ish', "due"),
    ("/sales action done 7", "no action item A-7"),
    ("/sales action done", "Which item"),
])
def test_bad_action_input_writes_nothing(team: Chat, line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        team.say("mia", line)
    with team.deps.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_config_sets_the_digest_time_and_warning_thresholds(team: Chat) -> None:
    out = team.say("mia", "/sales config")
    assert "Weekly digest: Mon 08:30 (each manager's timezone)" in out
    assert "`stale_days:14`" in out
    out = team.say("mia", "/sales config digest:tue-09:15")
    assert "the weekly digest goes out Tue 09:15" in out
    out = team.say("mia", "/sales config warnings stale_days:10 pace_threshold:0.9")
    assert "`stale_days:10`" in out and "`pace_threshold:0.9`" in out
    with team.deps.session_factory() as s:
        settings = s.scalars(select(TeamSettings)).one()
        config = rule_config(settings)
        assert (config.stale_days, str(config.pace_threshold)) == (10, "0.9")
        assert (settings.digest_day, settings.digest_time) == (1, "09:15")
    assert "the weekly digest is off" in team.say("mia", "/sales config digest:off")
    assert "Weekly digest: off" in team.say("alice", "/sales config")


@pytest.mark.parametrize("line, message", [
    ("/sales config digest:someday", "not a day and time"),
    ("/sales config digest:mon-25:00", "not a day and time"),
    ("/sales config warnings stale_dayz:3", "Did you mean"),
    ("/sales config warnings stale_days:-3", "stale_days"),
    ("/sales config stale_days:3", "after `warnings`"),
])
def test_bad_config_is_refused_and_writes_nothing(team: Chat, line: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        team.say("mia", line)
    with team.deps.session_factory() as s:
        ws = repo.workspaces.get_workspace(s, team.team_id)
        assert ws is not None
        assert s.scalar(select(func.count()).select_from(TeamSettings)) == 0


def test_reps_read_the_config_but_do_not_change_it(team: Chat) -> None:
    with pytest.raises(PermissionDenied):
        team.say("alice", "/sales config digest:fri-17:00")
