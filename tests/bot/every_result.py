"""Realistic instances of every result and job post salesbot renders, from the demo.

The demo (demo/) builds team East through the real commands and runs its week on the real
ticker; every command result and job message rendered on the way is kept here, by type.
What the demo does not say (a help page, an export, a refused channel, a warning's buttons)
is then asked for as its people would. Shared by the tests that check every rendering.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import bot.dispatch
import demo.printing
from bot.dispatch import Caller, Deps, execute, transaction
from bot.render.base import render
from commands.core.actors import WorkspaceDefaults
from commands.core.i18n import default_locale, set_default_locale, use_locale
from commands.warnings.warnings import acknowledge_warning, snooze_warning
from demo.history import build_demo
from demo.session import console_session
from demo.team import CHANNEL_ID, CURRENCY, TEAM_ID, TIMEZONE, words
from demo.week import run_week
from jobs.refusals import CHANNEL_REFUSALS, ChannelRefused
from storage import repo
from storage.db import make_engine, make_session_factory, upgrade

TODAY = date(2026, 11, 28)  # a Saturday: the simulated week is Mon 23 to Fri 27 November
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo(TIMEZONE))

# What the demo's people do not type in it, by whom: one of each remaining result.
EXTRA_LINES: tuple[tuple[str, str], ...] = (
    ("mia", "/sales help"),
    ("mia", "/sales config"),
    ("mia", "/sales holiday add 2026-12-25 \"Christmas\""),
    ("mia", "/sales holiday"),
    ("mia", "/sales role @alice rep"),
    ("mia", "/sales export"),
    ("mia", "/sales digest"),
    ("mia", "/sales warnings"),
    ("mia", "/forecast team"),
    ("mia", "/forecast history team"),
    ("mia", "/sales config forecast:mon-10:00 forecast_deadline:15:00"),
    ("mia", "/standup report 2026-11-27"),
    ("mia", "/standup"),
    ("alice", "/followups"),
    ("alice", "/followups add \"send the revised quote\" by:2026-12-02 deal:D-1"),
    ("alice", "/deal D-1 next:\"call the CFO\" by:2026-12-03"),
    ("alice", "/target show"),
    ("alice", "/pipeline"),
    ("alice", "/sales report week"),
)
# Lines for result types a version may not have yet: run where the type is rendered.
NEWER_LINES: tuple[tuple[str, str, str], ...] = (
    ("eli", "/sales lang zh", "LanguageResult"),
    ("eli", "/sales lang auto", "LanguageResult"),
)


@contextmanager
def recording(into: dict[type, list[object]]) -> Iterator[None]:
    """Keep every result the commands and the demo's notifier render, by type."""
    def keep(result: object) -> Any:
        into[type(result)].append(result)
        return render(result)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.dispatch, "render", keep)
        patch.setattr(demo.printing, "render", keep)
        yield


def collect(directory: Path, lang: str = "en") -> dict[type, list[object]]:
    """Run the demo (in `lang`: its data and replies) into a database in `directory`, then
    the EXTRA_LINES and a warning's buttons; every result rendered, by type."""
    url = f"sqlite:///{directory / 'every-result.db'}"
    upgrade(url)
    found: dict[type, list[object]] = defaultdict(list)
    previous = default_locale()
    # the demo speaks the default language (salesbot demo --lang sets it); each request
    # sets the caller's within use_locale's context, which ends with the block
    set_default_locale(lang)
    try:
        with use_locale(None), recording(found):
            _run(url, found)
    finally:
        set_default_locale(previous)
    for error in sorted(CHANNEL_REFUSALS):
        team = "华东" if lang == "zh" else "East"
        found[ChannelRefused].append(ChannelRefused(team, CHANNEL_ID, error))
    return dict(found)


def _run(url: str, found: dict[type, list[object]]) -> None:
    build_demo(url, today=TODAY)
    run_week(url, today=TODAY, out=io.StringIO(), chart=None)
    console_session(url, clock=lambda: NOW, out=io.StringIO())
    engine = make_engine(url)
    try:
        deps = Deps(make_session_factory(engine), lambda: NOW,
                    defaults=WorkspaceDefaults(currency=CURRENCY, timezone=TIMEZONE))
        for user, line in EXTRA_LINES:
            say(deps, user, line)
        rendered = {kind.__name__ for kind in render.registry}
        for user, line, kind in NEWER_LINES:
            if kind in rendered:
                say(deps, user, line)
        for acted in warning_buttons(deps, chinese=words().chinese):
            found[type(acted)].append(acted)
    finally:
        engine.dispose()


def say(deps: Deps, user: str, line: str) -> None:
    """Type `line` as `user` in the team's channel; a refusal is a broken EXTRA_LINES."""
    command, _, text = line.lstrip("/").partition(" ")
    caller = Caller(TEAM_ID, "U" + user.upper(), CHANNEL_ID, user)
    execute(deps, caller, command, text.replace("@alice", "<@UALICE|alice>"))


def warning_buttons(deps: Deps, *, chinese: bool = False) -> list[object]:
    """mia presses Snooze on one posted warning and Acknowledge on another."""
    caller = Caller(TEAM_ID, "UMIA", CHANNEL_ID, "mia")
    with transaction(deps, caller) as turn:
        ws = repo.workspaces.get_workspace(turn.session, TEAM_ID)
        assert ws is not None
        team = repo.workspaces.team_by_channel(turn.session, ws.id, CHANNEL_ID)
        assert team is not None
        posted = sorted(k for k, s in repo.warnings.states_of(turn.session, team.id).items()
                        if s.active and s.last_posted_at)
        assert len(posted) >= 2, posted
        return [
            snooze_warning(turn.session, turn.actor, team.id, posted[0], 7,
                           "客户休假到7号" if chinese else "Customer on holiday until the 7th",
                           turn.now),
            acknowledge_warning(turn.session, turn.actor, team.id, posted[1], turn.now),
        ]


def largest(instances: list[object], key: Callable[[object], int], count: int = 3
            ) -> list[object]:
    """The first instance and the `count` - 1 whose rendering is longest: where a limit
    would give first."""
    ranked = sorted(instances[1:], key=key, reverse=True)
    return instances[:1] + ranked[:count - 1]
