"""`salesbot console --lang zh`: the console answers in Chinese, unless the person chose a
language of their own; the refusal of a team channel reaches each manager in theirs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli import cli
from commands.core.i18n import current_locale, default_locale, use_locale
from jobs.due import DueItem
from jobs.refusals import ChannelRefusalSource, ChannelRefused
from storage.db import make_engine, make_session_factory
from storage.models import Member, Team
from tests.conftest import Chat

runner = CliRunner()
VISIT = '/visit "华为" type:visit outcome:positive on:yesterday 见了CTO，要报价\n'


def console(tmp_path: Path, *lines: str, lang: str | None = "zh", user: str = "alice") -> str:
    script = tmp_path / "session.txt"
    script.write_text("".join(lines), encoding="utf-8")
    args = ["console", "--user", user, "--script", str(script),
            "--database-url", f"sqlite:///{tmp_path / 'c.db'}"]
    result = runner.invoke(cli, [*args, "--lang", lang] if lang else args)
    assert result.exit_code == 0, result.output
    return result.output


def test_console_lang_zh_answers_in_chinese(tmp_path: Path) -> None:
    out = console(tmp_path, VISIT, '/deal new "华为云" customer:"华为" amount:12.5万 '
                                   "currency:CNY\n")
    assert "华为 (C) 昨天" in out  # the day in Chinese
    assert "¥12.5万" in out  # the amount as a Chinese reader writes it
    # the console's language was for that session only
    assert default_locale() == "en" and current_locale() == "en"
    assert "yesterday" in console(tmp_path, VISIT, lang=None)


def test_a_persons_own_language_wins_over_the_consoles(tmp_path: Path) -> None:
    console(tmp_path, VISIT)  # alice is registered on her first command
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        with make_session_factory(engine).begin() as session:
            alice = session.scalars(select(Member).where(Member.name == "alice")).one()
            alice.language = "en"  # what `/sales lang en` records
    finally:
        engine.dispose()
    out = console(tmp_path, VISIT)
    assert "华为 (C) yesterday" in out


def test_console_refuses_a_language_it_does_not_speak(tmp_path: Path) -> None:
    result = runner.invoke(cli, ["console", "--user", "alice", "--lang", "fr",
                                 "--database-url", f"sqlite:///{tmp_path / 'c.db'}"])
    assert result.exit_code == 2 and "en or zh" in result.output


def test_a_refused_channel_is_told_to_each_manager_in_their_language(
        team: Chat, session_factory: sessionmaker[Session]) -> None:
    with use_locale(None):  # registering people sets the caller's language
        team.say("mia", "/sales team add <@UWES|wes>")
        team.say("mia", "/sales role <@UWES|wes> manager")
    with session_factory.begin() as session:
        east = session.scalars(select(Team).where(Team.name == "East")).one()
        people = {m.name: m for m in session.scalars(select(Member))}
        people["mia"].language = "zh"  # her own choice
        people["wes"].slack_locale = "en-GB"  # from Slack; he chose nothing
        if people["wes"] not in east.managers:
            east.managers.append(people["wes"])
        session.flush()
        item = DueItem("channel_refused", f"team:{east.id}/channel:C0EAST", "is_archived",
                       datetime(2026, 11, 23, 2, tzinfo=UTC),
                       east.workspace_id)
        posts = ChannelRefusalSource().build(session, item, item.due_at)
    langs = {post.to: post.lang for post in posts}
    assert langs == {"UMIA": "zh", "UWES": "en"}
    assert all(isinstance(post.message, ChannelRefused) and post.dm for post in posts)
