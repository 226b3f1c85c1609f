"""The weekly digest through the ticker: Monday 08:30 in each manager's timezone, once."""

from __future__ import annotations

import pytest

from bot.dispatch import Deps
from jobs.digest import DigestPost, DigestSource
from jobs.notify import FileUpload
from jobs.ticker import Ticker
from storage import repo
from tests.conftest import Chat
from tests.jobs.recording import (
    RecordingNotifier,
    deliveries,
    member_id,
    set_timezone,
    utc,
)


@pytest.fixture
def ticker(deps: Deps) -> tuple[Ticker, RecordingNotifier]:
    notifier = RecordingNotifier()
    return Ticker(deps.session_factory, notifier, [DigestSource()]), notifier


def test_the_digest_reaches_the_manager_at_0830_their_time_once(
        team: Chat, ticker: tuple[Ticker, RecordingNotifier]) -> None:
    tick, notifier = ticker
    set_timezone(team.deps.session_factory, "UMIA", "America/New_York")
    team.say("mia", "/target set team revenue 300k month:2026-11")
    assert not tick.tick(utc(2026, 11, 23, 13, 29)).sent  # 08:29 in New York
    report = tick.tick(utc(2026, 11, 23, 13, 30))
    assert report.sent == [f"digest:{_subject(team)}:2026-W48"]
    [digest] = notifier.of(DigestPost)
    [chart] = notifier.of(FileUpload)
    assert digest.to == chart.to == "DUMIA"  # both in mia's DM
    assert digest.message.digest.team_name == "East"  # type: ignore[attr-defined]
    assert chart.message.content.startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert not tick.tick(utc(2026, 11, 23, 13, 31)).sent
    assert not tick.tick(utc(2026, 11, 24, 13, 30)).sent  # Tuesday: still week 48
    assert len(tick.tick(utc(2026, 11, 30, 13, 30)).sent) == 1  # next Monday


def _subject(chat: Chat) -> str:
    with chat.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        team = repo.workspaces.team_by_channel(session, ws.id, chat.channel_id)
        assert team is not None
        team_id = team.id
    return f"team:{team_id}/member:{member_id(chat.deps.session_factory, 'UMIA')}"


def test_a_digest_missed_while_down_goes_out_late_only_within_the_grace_window(
        team: Chat, deps: Deps) -> None:
    late, notifier = RecordingNotifier(), RecordingNotifier()
    # mia is on UTC: due 08:30 UTC; the bot comes back at 10:15, 1h45 late
    report = Ticker(deps.session_factory, late, [DigestSource()]).tick(utc(2026, 11, 23, 10, 15))
    assert len(report.sent) == 1 and len(late.of(DigestPost)) == 1
    # a week later it comes back at 11:00, 2h30 late: skipped and recorded as such
    report = Ticker(deps.session_factory, notifier, [DigestSource()]).tick(
        utc(2026, 11, 30, 11, 0))
    assert report.skipped == [f"digest:{_subject(team)}:2026-W49"] and not notifier.sent
    assert deliveries(deps.session_factory)[report.skipped[0]].status.value == "skipped"


def test_config_moves_the_digest_or_turns_it_off(team: Chat,
                                                 ticker: tuple[Ticker, RecordingNotifier]) -> None:
    tick, _ = ticker
    team.say("mia", "/sales config digest:tue-09:15")
    assert not tick.tick(utc(2026, 11, 23, 9, 0)).sent
    assert len(tick.tick(utc(2026, 11, 24, 9, 15)).sent) == 1
    team.say("mia", "/sales config digest:off")
    assert not tick.tick(utc(2026, 12, 1, 9, 15)).sent


def test_a_dry_run_shows_the_digest_without_sending_or_claiming(
        team: Chat, ticker: tuple[Ticker, RecordingNotifier]) -> None:
    tick, notifier = ticker
    [planned] = tick.plan(utc(2026, 11, 23, 8, 30))
    assert planned.action == "send" and len(planned.posts) == 2
    assert not notifier.sent and not deliveries(team.deps.session_factory)
