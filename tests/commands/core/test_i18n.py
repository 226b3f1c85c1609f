"""Every message exists in Chinese with the same placeholders, the shipped catalog is the
compiled .po, and each reader's language, numbers, money and dates follow the locale."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from commands.core.dates import format_day, on_day
from commands.core.i18n import (
    catalog,
    current_locale,
    locale_of,
    normalize_lang,
    set_default_locale,
    t,
    tn,
    use_locale,
)
from commands.core.money import format_money

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "commands" / "locale" / "zh" / "LC_MESSAGES" / "salesbot.po"
# The keywords the README's `pybabel extract` passes (-k t -k tn:1,2 -k tp:1c,2 -k N_)
KEYWORDS = {"t": None, "tn": (1, 2), "tp": ((1, "c"), 2), "N_": None}
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^}]*)?\}")
UPDATE_HINT = ("run the README's \"Translating\" commands (pybabel extract, update, compile) "
               "and translate the new messages in " + str(PO.relative_to(ROOT)))


def source_messages() -> dict[tuple[str | tuple[str, ...], str | None], str]:
    """Every message the product's code marks for translation, with where it is."""
    found = {}
    for package in ("bot", "commands", "jobs", "demo"):
        for filename, lineno, message, _comments, context in extract_from_dir(
                str(ROOT / package), method_map=[("**.py", "python")], keywords=KEYWORDS):
            found[(message, context)] = f"{package}/{filename}:{lineno}"
    return found


def zh_catalog() -> dict[tuple[str | tuple[str, ...], str | None], str | tuple[str, ...]]:
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_Hans_CN")
    return {(m.id, m.context): m.string for m in po if m.id and "fuzzy" not in m.flags}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_message_has_a_chinese_translation() -> None:
    zh = zh_catalog()
    missing = [f"{where}: {key[0]!r}" for key, where in source_messages().items()
               if not zh.get(key) or (isinstance(zh[key], tuple) and not all(zh[key]))]
    assert not missing, f"{len(missing)} messages lack a Chinese translation ({UPDATE_HINT}):\n" \
        + "\n".join(missing[:50])


def test_no_translation_drops_or_adds_a_placeholder() -> None:
    wrong = []
    for (msgid, _context), msgstr in zh_catalog().items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        expected = set().union(*(placeholders(i) for i in ids))
        if isinstance(msgid, tuple):
            expected -= {"n"}  # Chinese has one form; it may leave the count out ("几")
        for s in strings:
            if s and not (expected <= placeholders(s) <= expected | {"n"}):
                wrong.append(f"{ids[0]!r} -> {s!r}")
    assert not wrong, "translations whose placeholders differ:\n" + "\n".join(wrong)


def test_the_shipped_catalog_is_the_compiled_po() -> None:
    """The .mo a pip install ships says what the .po says (compiled after every edit)."""
    compiled = catalog("zh")
    stale = []
    for (msgid, context), msgstr in zh_catalog().items():
        if not msgstr:
            continue
        if isinstance(msgid, tuple):
            got = compiled.ngettext(msgid[0], msgid[1], 5)
            want = msgstr[0]
        elif context:
            got, want = compiled.pgettext(context, msgid), msgstr
        else:
            got, want = compiled.gettext(msgid), msgstr
        if got != want:
            stale.append(msgid)
    assert not stale, f"the .mo is older than the .po ({UPDATE_HINT}): {stale[:5]}"


def test_english_is_the_source_language() -> None:
    with use_locale("en"):
        assert t("Hello {name}", name="Ana") == "Hello Ana"
        assert tn("{n} deal", "{n} deals", 1) == "1 deal"
        assert tn("{n} deal", "{n} deals", 3) == "3 deals"


@pytest.mark.parametrize(("value", "lang"), [
    ("zh", "zh"), ("zh-CN", "zh"), ("zh_Hans", "zh"), ("中文", "zh"), ("en-US", "en"),
    ("EN", "en"), ("fr-FR", None), ("", None), (None, None),
])
def test_locales_name_a_language(value: str | None, lang: str | None) -> None:
    assert normalize_lang(value) == lang


def test_a_persons_choice_wins_over_slack_and_the_default() -> None:
    try:
        set_default_locale("zh")
        assert locale_of(None, None) == "zh"
        assert locale_of(None, "en-US") == "en"
        assert locale_of("zh", "en-US") == "zh"
        assert current_locale() == "zh"
        with use_locale("en"):
            assert current_locale() == "en"
        assert current_locale() == "zh"
    finally:
        set_default_locale("en")
    assert current_locale() == "en"


def test_chinese_readers_see_cny_in_wan_and_yi() -> None:
    with use_locale("zh"):
        assert format_money(Decimal(125_000), "CNY") == "¥12.5万"
        assert format_money(Decimal(120_000_000), "CNY") == "¥1.2亿"
        assert format_money(Decimal(8_000), "CNY") == "¥8,000"
        assert format_money(Decimal("123456.78"), "CNY") == "¥12.35万"  # to the nearest 100
        assert format_money(Decimal("11454545.45"), "CNY") == "¥1,145.45万"
        assert format_money(Decimal(120_485_000), "CNY") == "¥12,048.5万"  # 亿 only if exact
        assert format_money(Decimal("9999.5"), "CNY") == "¥9,999.50"
        assert format_money(Decimal(125_000), "USD") == "125,000 USD"
    with use_locale("en"):
        assert format_money(Decimal(125_000), "CNY") == "125,000 CNY"


def test_chinese_dates_read_month_day_weekday() -> None:
    today = date(2026, 12, 6)
    with use_locale("zh"):
        assert format_day(date(2026, 12, 3), today) == "12月3日 周四"
        assert format_day(date(2025, 12, 3), today) == "2025年12月3日 周三"
        assert format_day(today, today) == "今天"
        assert on_day(date(2026, 12, 5), today) == "昨天"
    with use_locale("en"):
        assert format_day(date(2026, 12, 3), today) == "Thu 03 Dec"
        assert on_day(date(2026, 12, 3), today) == "on Thu 03 Dec"


def _literal_messages() -> dict[str, str]:
    """Every literal msgid the code passes to t/tn/tp/N_, found by walking the syntax tree
    (Babel's extractor can miss a call nested in another call's arguments)."""
    import ast

    found = {}
    for package in ("bot", "commands", "jobs", "demo"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in KEYWORDS):
                    continue
                index = 1 if node.func.id == "tp" else 0
                if len(node.args) > index and isinstance(node.args[index], ast.Constant):
                    found[node.args[index].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_marked_message_reaches_the_catalog() -> None:
    extracted = {m if isinstance(m, str) else m[0] for m, _context in source_messages()}
    lost = [f"{where}: {msgid!r}" for msgid, where in _literal_messages().items()
            if msgid not in extracted]
    assert not lost, ("messages Babel does not extract (a t() call nested in another "
                      "call's arguments? compute it first into a variable):\n"
                      + "\n".join(lost[:30]))


def test_the_catalog_passes_babels_own_checks() -> None:
    """What `pybabel compile` checks (the README's "Translating") holds: no message is
    refused there, e.g. for a "50% in" Babel takes for a %-format."""
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_Hans_CN")
    failed = [f"{message.id!r}: {errors}" for message, errors in po.check() if errors]
    assert not failed, "\n".join(failed)
