"""`salesbot console --lang zh`: the console answers in Chinese, unless the person chose a
language of their own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import cli
from commands.core.i18n import current_locale, default_locale
from storage.db import make_engine, make_session_factory
from storage.models import Member

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
    assert "昨天" in out and "(C) yesterday" not in out  # the day in Chinese
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


def test_the_chinese_home_word_shows_the_home_tab(tmp_path: Path) -> None:
    home, 主页, hello = (console(tmp_path, f"{word}\n").partition("\n")[2]
                       for word in ("home", "主页", "hello"))
    assert home == 主页 != hello  # her Home tab, not the hint for what the console takes
    assert "/sales team add" in home  # the Home tab of someone in no team yet says how
