"""`/sales help` shows how to choose a language, in English and in Chinese, and every
language example it shows parses."""

from __future__ import annotations

import pytest

from commands.core.i18n import use_locale
from commands.dispatch import parse_command
from commands.team.help import usage
from commands.team.lang import LanguageSet, TeamLanguage


def test_the_sales_help_shows_the_language_commands() -> None:
    help_text = usage("sales")
    assert '`/sales team "East" lang:zh|en|auto` — managers: the language of the team' in help_text
    assert "`/sales lang zh|en|auto` — the language salesbot answers you in" in help_text


def test_the_chinese_sales_help_shows_them_with_chinese_words() -> None:
    with use_locale("zh"):
        help_text = usage("sales")
    assert '`/sales 团队 "华东" 语言:中文|英文|自动` — 经理：团队频道消息使用的语言' in help_text
    assert "`/sales 语言 中文|英文|自动` — salesbot 回复你时使用的语言" in help_text


@pytest.mark.parametrize(("text", "expected"), [
    ("lang zh", LanguageSet("zh")),
    ("lang auto", LanguageSet(None)),
    ('team "East" lang:en', TeamLanguage("East", "en")),
    ("语言 中文", LanguageSet("zh")),
    ("语言 英文", LanguageSet("en")),
    ("语言 自动", LanguageSet(None)),
    ('团队 "East" 语言:中文', TeamLanguage("East", "zh")),
    ('团队 "East" 语言:自动', TeamLanguage("East", None)),
])
def test_every_language_example_in_the_help_parses(text: str, expected: object) -> None:
    assert parse_command("sales", text) == expected
