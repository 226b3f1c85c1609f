"""Issue 18 QA, command by command, for a rep who reads Chinese: an error names the option
as she typed it (日期:, 成交日:, 截止:, 等级:), with Chinese examples; a follow-up snoozes by
1周; an amount takes its currency after a space; a mistyped key is questioned, not swallowed
into the deal's name. Today is Sunday 22 November 2026."""

from __future__ import annotations

import pytest

from commands.core.errors import UsageError
from tests.commands.deals.test_zh_deals import reads_chinese
from tests.conftest import Chat


@pytest.fixture
def zh(team: Chat) -> Chat:
    reads_chinese(team, "alice")
    team.say("alice", '/deal 新建 "华为十期" 客户:华为 金额:10万')
    return team


@pytest.mark.parametrize(("line", "message"), [
    ('/visit 华为 日期:明天', "`日期:明天` 是将来的日期（11月23日 周一）。活动发生后再记录。"),
    ('/visit 华为 拜访日期:明天',
     "`拜访日期:明天` 是将来的日期（11月23日 周一）。活动发生后再记录。"),
    ('/deal 新建 "华为十二期" 客户:华为 金额:12万 成交日:昨天',
     "`成交日:昨天` 是昨天，已经过去了。新商机的预计成交日是今天或以后：请写你预计成交的日期，"
     "例如 成交日:下周五。"),
    ('/visit 华为 下一步:报价 截止:昨天',
     "`截止:昨天` 是昨天，已经过去。跟进事项的截止日期须为今天或以后，例如 截止:周五。"),
    ("/visit 华为 等级:D", "`等级:D` 不是客户等级。客户分为 A、B、C 三类，例如 等级:A类。"),
    ("/deal D-1 下一步:", '`下一步:` 需要写下一步，如 下一步:"给CFO打电话"。'),
])
def test_an_error_names_the_option_as_typed(zh: Chat, line: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        zh.say("alice", line)
    assert err.value.message == message


def test_the_same_errors_in_english_are_unchanged(team: Chat) -> None:
    with pytest.raises(UsageError) as err:
        team.say("alice", '/visit Acme on:tomorrow')
    assert err.value.message.startswith("`on:tomorrow` is in the future (Mon 23 Nov).")
    with pytest.raises(UsageError) as err:
        team.say("alice", "/visit Acme tier:D")
    assert err.value.message == "`tier:D` is not a tier. Customers are tier A, B or C."


@pytest.mark.parametrize(("span", "due"), [("1周", "11月29日 周日"), ("3天", "11月25日 周三"),
                                           ("1个月", "12月22日 周二")])
def test_a_follow_up_snoozes_by_a_chinese_span(zh: Chat, span: str, due: str) -> None:
    zh.say("alice", "/followups 添加 发报价 截止:明天")
    out = zh.say("alice", f"/followups 推迟 F-1 {span}")
    assert f"F-1 已延后：截止 {due}" in out


def test_a_snooze_into_the_past_suggests_days_ahead(zh: Chat) -> None:
    zh.say("alice", "/followups 添加 发报价 截止:明天")
    with pytest.raises(UsageError) as err:
        zh.say("alice", "/followups 推迟 F-1 someday")
    assert "明天" in err.value.message and "昨天" not in err.value.message
    assert "上周二" not in err.value.message


@pytest.mark.parametrize(("amount", "shown"), [
    ("12万 人民币", "¥12万"), ("12万 美元", "120,000 USD"), ("12万元人民币", "¥12万"),
])
def test_an_amount_takes_a_chinese_currency_after_it(zh: Chat, amount: str, shown: str) -> None:
    out = zh.say("alice", f"/deal D-1 金额:{amount}")
    assert f"金额 ¥10万 → {shown}" in out


def test_a_mistyped_key_is_questioned_not_swallowed_into_the_name(zh: Chat) -> None:
    with pytest.raises(UsageError) as err:
        zh.say("alice", '/deal 新建 "华为十五期" 客户:华为 金钱:12万 成交日:下周五')
    assert err.value.message == "没有 `金钱:` 这个选项。你是想输入 `金额:` 吗？"
