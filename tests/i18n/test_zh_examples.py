"""A Chinese reply that shows a command shows the Chinese form, and that form works.

Chinese users type Chinese option keys, values and subcommands (`/deal 新建 ... 金额:12万`,
`/deal D-1 阶段:谈判`, `/followups 全部`), so a Chinese message must not teach `stage:` or
`/deal list`; and an example they copy must parse.
"""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.render.base import render
from bot.render.standup import config_text
from commands.core.aliases import KEYS, chinese_values
from commands.core.errors import UsageError
from commands.core.i18n import t, use_locale
from commands.deals.deal import DealChanged, DealView
from commands.dispatch import _CLOSED, _SECOND, _VERBS, _WORDS, COMMANDS, parse_command
from commands.followups.schedule import parse_by
from commands.standup.settings import ConfigView
from commands.team.config import ConfigResult
from commands.warnings.rule_config import parse_rule_config

PO = Path(__file__).parents[2] / "commands" / "locale" / "zh" / "LC_MESSAGES" / "salesbot.po"

# English option keys a Chinese user may write in Chinese (`stage` is 阶段)
ALIASED_KEYS = {key for keys in KEYS.values() for key in keys}


EXAMPLE = re.compile(r"`(/[^`]+)`")
OPTION = re.compile(r"""(?:^|(?<=\s))([A-Za-z_]+):("[^"]*"|\S*)""")
# placeholders and stand-ins for a value the reader fills in
TEMPLATE = re.compile(r"\{|\.\.\.|…|<|YYYY|\b[DFA]-n\b|@name\b|@rep\b|@销售")
# a template's optional parts (`[本月|本季度]`) and alternatives (`类型:拜访|电话`)
OPTIONAL = re.compile(r"\s*\[[^\]]*\]")
QUOTED = re.compile(r'"[^"]*"')


def _zh_messages() -> list[tuple[str, str]]:
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="zh_Hans_CN")
    out = []
    for m in catalog:
        if not m.id or not m.string:
            continue
        msgid = m.id if isinstance(m.id, str) else m.id[0]
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        out += [(msgid, str(s)) for s in strings if s]
    return out


MESSAGES = _zh_messages()
EXAMPLES = sorted({(msgid, ex) for msgid, s in MESSAGES for ex in EXAMPLE.findall(s)})


def _english_words(example: str) -> list[str]:
    """The English option keys, values and subcommands in `example` that have Chinese forms."""
    name, _, text = example[1:].partition(" ")
    found = [f"{key}:" for key, _ in OPTION.findall(text) if key in ALIASED_KEYS]
    found += [f"{key}:{value}" for key, value in OPTION.findall(text)
              if value.lower() in chinese_values(key)]
    words = QUOTED.sub('""', text).split()
    verbs = _VERBS.get(name, {})
    english_verbs = set(verbs.values())
    if words and words[0].lower() in english_verbs:
        found.append(words[0])
        verb = words[0].lower()
        second = _SECOND.get((name, verb)) or _SECOND.get((name, "*")) or {}
        if len(words) > 1 and words[1].lower() in second.values():
            found.append(words[1])
    elif len(words) > 1 and words[1].lower() in (_SECOND.get((name, "*")) or {}).values():
        found.append(words[1])  # `/deal D-1 won`
    verb = verbs.get(words[0], words[0]).lower() if words else ""
    after = (_SECOND.get((name, verb)) or {}).get(words[1], words[1]) if len(words) > 1 else ""
    if (name, verb) in _CLOSED or (name, "") in _CLOSED \
            or (name, f"{verb} {after.lower()}") in _CLOSED:  # `/sales 行动 列表 @bob all`
        found += [w for w in words[1:] if w.lower() in set(_WORDS.values())]
    return found


def _instances(example: str) -> list[str]:
    """The whole commands a template stands for: its optional parts left out and then each in
    turn, and each alternative in turn (`/sales 设置 周报:mon-08:30|关闭` is
    `/sales 设置 周报:mon-08:30` and `/sales 设置 周报:关闭`)."""
    optional = OPTIONAL.findall(example)
    bare = OPTIONAL.sub("", example)
    shapes = [bare, *(bare + " " + part.strip()[1:-1] for part in optional)]
    out = []
    for shape in shapes:
        words = shape.split(" ")
        choices = []  # per word: its key (`语言:`, or "") and its alternatives
        for word in words:
            key, sep, value = word.partition(":") if ":" in word.split("|")[0] else ("", "", word)
            choices.append((key + sep, value.split("|")))
        for i in range(max(len(alts) for _, alts in choices)):
            out.append(" ".join(key + alts[min(i, len(alts) - 1)] for key, alts in choices))
    return list(dict.fromkeys(out))


def _is_mention(example: str) -> bool:
    """`/sales team create`, `/visit`: names a command rather than showing a whole one."""
    return not re.search(r'[:"@\d]', example)


@pytest.mark.parametrize(("msgid", "example"), EXAMPLES)
def test_a_chinese_example_uses_chinese_keys_values_and_subcommands(msgid: str,
                                                                     example: str) -> None:
    found = [w for instance in _instances(example) for w in _english_words(instance)]
    assert found == [], f"{example!r} in the zh of {msgid!r}"


def _command(example: str) -> str:
    return example[1:].partition(" ")[0]


# Slack's own commands (/invite @salesbot) are shown too; only salesbot's are parsed here
@pytest.mark.parametrize(("msgid", "example"),
                         [(m, e) for m, t in EXAMPLES for e in _instances(t)
                          if not TEMPLATE.search(e) and not _is_mention(e)
                          and _command(e) in COMMANDS])
def test_a_complete_chinese_example_parses(msgid: str, example: str) -> None:
    name, _, text = example[1:].partition(" ")
    with use_locale("zh"):
        try:
            parse_command(name, text)
        except UsageError as exc:
            pytest.fail(f"{example!r} (zh of {msgid!r}) does not parse: {exc}")


@pytest.mark.parametrize(("template", "instances"), [
    ("/sales 设置 周报:mon-08:30|关闭", ["/sales 设置 周报:mon-08:30", "/sales 设置 周报:关闭"]),
    ("/sales 行动 列表 [@bob] [全部]",
     ["/sales 行动 列表", "/sales 行动 列表 @bob", "/sales 行动 列表 全部"]),
    ("/visit 客户 类型:拜访|电话 结果:积极",
     ["/visit 客户 类型:拜访 结果:积极", "/visit 客户 类型:电话 结果:积极"]),
])
def test_a_template_stands_for_the_commands_it_shows(template: str,
                                                       instances: list[str]) -> None:
    assert _instances(template) == instances


# an English option key a Chinese message may still show, and why (none now)
ENGLISH_KEYS_KEPT: set[str] = set()
KEY_IN_TEXT = re.compile(r"(?:^|(?<=[\s`(（，、：；]))([A-Za-z_]+):")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@pytest.mark.parametrize(("msgid", "text"),
                         [(m, s) for m, s in MESSAGES if m not in ENGLISH_KEYS_KEPT])
def test_a_chinese_message_names_options_by_their_chinese_keys(msgid: str, text: str) -> None:
    keys = [k for k in KEY_IN_TEXT.findall(PLACEHOLDER.sub("", text)) if k in ALIASED_KEYS]
    assert keys == [], f"{keys} in the zh of {msgid!r}"


def test_the_examples_were_found() -> None:
    assert len(EXAMPLES) > 100


# The examples built in code: English stays as it was, Chinese shows the Chinese form.

def _created(stage: str) -> DealChanged:
    deal = DealView(ref="D-48", name="华为续约", customer="华为", owner="alice",
                    amount=Decimal("120000"), currency="CNY", stage=stage, probability_pct=40,
                    expected_close=None, is_open=True, is_won=False, lost_reason=None,
                    created_on=date(2026, 12, 4))
    return DealChanged(deal=deal, changes=(), created=True, today=date(2026, 12, 4))


@pytest.mark.parametrize(("stage", "english", "chinese"), [
    ("proposal", "`/deal D-48 stage:negotiation`", "`/deal D-48 阶段:谈判`"),
    ("negotiation", "`/deal D-48 won`", "`/deal D-48 赢单`"),
])
def test_a_new_deal_hints_the_next_move_in_the_readers_words(stage: str, english: str,
                                                              chinese: str) -> None:
    with use_locale("en"):
        assert f"Update it with {english}, see it with `/deal D-48`." \
            in render(_created(stage)).text
    with use_locale("zh"):
        text = render(_created(stage)).text
    assert f"用 {chinese} 更新" in text
    with use_locale("zh"):
        parse_command("deal", chinese.strip("`").removeprefix("/deal "))


def test_the_team_settings_show_warning_and_card_options_as_they_are_typed() -> None:
    result = ConfigResult("华东", "", "周一 08:30", (("stale_days", "14"),
                                                  ("pace_threshold", "0.85")),
                          deal_cards="team")
    with use_locale("en"):
        english = render(result).text
    assert "`stale_days:14` `pace_threshold:0.85`" in english
    assert "`deal_cards:team`" in english
    with use_locale("zh"):
        chinese = render(result).text
    assert "`停滞天数:14` `进度阈值:0.85`" in chinese
    assert "`商机卡片:团队`" in chinese
    with use_locale("zh"):
        parse_command("sales", "设置 预警 停滞天数:14 进度阈值:0.85")
        parse_command("sales", "设置 商机卡片:团队")


def test_a_warning_setting_error_suggests_the_chinese_key() -> None:
    with use_locale("en"), pytest.raises(UsageError, match=r"Try pace_threshold:0\.85"):
        parse_rule_config({"pace_threshold": "fast"})
    with use_locale("zh"), pytest.raises(UsageError, match=r"进度阈值:0\.85"):
        parse_rule_config({"pace_threshold": "fast"})


def test_a_stand_up_not_set_up_yet_shows_the_chinese_defaults() -> None:
    view = ConfigView(team_name="华东", channel_id="C1", timezone="Asia/Shanghai",
                      configured=False, enabled=False, prompt_time=time(9, 30),
                      days=(0, 1, 2, 3, 4), tz_mode="team", window_minutes=120,
                      reminder_minutes=30)
    with use_locale("zh"):
        text = config_text(view)
    example = "/standup 设置 时间:09:30 工作日:周一至周五 时区:团队 窗口:120m 提醒:30m"
    assert f"`{example}`" in text
    with use_locale("zh"):
        parse_command("standup", example.removeprefix("/standup "))


def test_a_follow_up_due_in_the_past_suggests_the_chinese_key() -> None:
    with use_locale("en"), pytest.raises(UsageError, match="like by:friday"):
        parse_by("2026-12-01", today=date(2026, 12, 4))
    with use_locale("zh"), pytest.raises(UsageError, match="例如 截止:周五"):
        parse_by("2026-12-01", today=date(2026, 12, 4))


@pytest.mark.parametrize(("msgid", "values", "chinese"), [
    # a second `/deal D-1 阶段:谈判` changes nothing
    ("{ref} already looks like that; nothing changed.", {"ref": "D-1"},
     "D-1 没有变化：已是这些值。"),
    # a second `/followups 完成 F-3` must not read like a success
    ("{ref} is already done.", {"ref": "F-3"}, "F-3 之前已经完成了，无需再次完成。"),
    # a stale deal nobody ever worked: 最近活动：无, not 最近活动：从未
    ("{ref} {name} {amount} (last {when})", {"ref": "D-2", "name": "华为续约",
                                             "amount": "¥12万", "when": "never"},
     "D-2 华为续约 ¥12万（最近活动：无）"),
])
def test_chinese_wording_reads_naturally(msgid: str, values: dict[str, str],
                                         chinese: str) -> None:
    with use_locale("zh"):
        if values.get("when") == "never":
            values = {**values, "when": t("never")}
        assert t(msgid, **values) == chinese


def test_a_repeated_blocker_names_the_person_to_talk_to() -> None:
    msgid = (":rotating_light: {who} ({team}) has reported a blocker two stand-ups running:\n"
             "• {previous_day}: {previous_blockers}\n• {day}: {blockers}\n"
             "Worth a word with them today.")
    with use_locale("zh"):
        text = t(msgid, who="@bob", team="华东", previous_day="周四", previous_blockers="等报价",
                 day="周五", blockers="等报价")
    assert text.endswith("今天不妨找 @bob 聊一聊。")
