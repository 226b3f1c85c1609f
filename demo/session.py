"""The scripted console session that ends the demo, run today on the demo data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.console import Console
from bot.dispatch import Deps
from commands.core.actors import WorkspaceDefaults
from demo.team import CHANNEL_ID, CHANNEL_NAME, CURRENCY, TEAM_ID, TIMEZONE, words
from storage.db import make_engine, make_session_factory

# A short console session over the demo data: one of everything, and one typo that the
# bot catches. D-1 (alice's) and D-2 (bob's) are opened first and kept open by build_demo.
DEMO_SCRIPT: list[tuple[str, str]] = [
    ("alice", '/visit "Shanghai Huayi Pharmaceutical" type:demo outcome:positive on:yesterday '
              'next:"send quote" Demoed dispensing analytics to the CTO, wants pricing for 12 '
              "sites"),
    ("alice", "/deal list"),
    ("alice", "/deal D-1"),
    ("alice", '/deal D-1 stage:negotiation amount:1.1m close:"next friday"'),
    ("bob", '/visit "Jiangsu Tianrun Steal" type:meeting outcome:positive deal:D-2 '
            "Contract signed"),
    ("bob", '/visit "Jiangsu Tianrun Steel" type:meeting outcome:positive deal:D-2 '
            "Contract signed by procurement, PO to follow"),
    ("bob", "/deal D-2 won"),
    ("mia", "/sales team"),
    ("mia", "/deal list @dana"),
    ("mia", "/target show team"),
    ("mia", "/plan team"),
    ("alice", "/plan"),
    ("mia", "/pipeline team"),
    ("mia", "/sales report month team"),
    ("mia", "/sales leaderboard"),
    ("mia", "/sales action list"),  # the action linked to a warning in the week, then → now
    ("alice", "home"),  # what her Home tab in Slack shows
]


def demo_script() -> list[tuple[str, str]]:
    """DEMO_SCRIPT in the demo's language: the Chinese team types Chinese names and notes."""
    if not words().chinese:
        return DEMO_SCRIPT
    from demo.chinese import SESSION_DEAL, SESSION_VISITS, in_chinese_keys

    script = list(DEMO_SCRIPT)
    for i, line in zip((0, 4, 5), SESSION_VISITS, strict=True):
        script[i] = (script[i][0], line)
    script[3] = (script[3][0], SESSION_DEAL)
    return [(user, in_chinese_keys(line)) for user, line in script]


def console_session(url: str, *, clock: Callable[[], datetime], out: TextIO) -> None:
    """Run DEMO_SCRIPT on the demo database at `url`, each line as its person typed it, and
    print the lines and the replies to `out`."""
    engine = make_engine(url)
    try:
        deps = Deps(session_factory=make_session_factory(engine), clock=clock,
                    defaults=WorkspaceDefaults(currency=CURRENCY, timezone=TIMEZONE))
        for user, line in demo_script():
            Console(deps, user=user, workspace=TEAM_ID, channel_names={CHANNEL_ID: CHANNEL_NAME}
                    ).run([line], out, echo=True)
    finally:
        engine.dispose()
