"""Chinese input: option keys and values, full-width punctuation, dates, amounts, periods and
the "did you mean" a Chinese reader gets; every command still parses to the same Args as
its English form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commands.core.dates import parse_calendar_day, parse_day
from commands.core.errors import UsageError
from commands.core.i18n import use_locale
from commands.core.money import Money, parse_amount, parse_currency
from commands.core.periods import parse_period
from commands.core.text import parse_words
from commands.dispatch import parse_command
from commands.team.help import usage

TODAY = date(2026, 12, 6)  # a Sunday


@pytest.mark.parametrize(("chinese", "english"), [
    ('"Acme Corp" 类型:演示 结果:积极 日期:昨天 下一步:"发报价" 见了CTO',
     '"Acme Corp" type:demo outcome:positive on:昨天 next:"发报价" 见了CTO'),
    ("“Acme Corp” 类型：电话 结果：消极 下一步：“发报价” 截止：周五 商机:D-3",
     '"Acme Corp" type:call outcome:negative next:"发报价" by:周五 deal:D-3'),
    ("Acme\u3000类型:会议\u3000结果:中性", "Acme type:meeting outcome:neutral"),
    ("Acme 类型:邮件 等级:A类 新客户:是", "Acme type:email tier:A new:yes"),
    ("Acme 类型:拜访 新客户:否", "Acme type:visit new:no"),
])
def test_a_visit_typed_in_chinese_is_the_visit_typed_in_english(chinese: str,
                                                                english: str) -> None:
    assert parse_command("visit", chinese) == parse_command("visit", english)


@pytest.mark.parametrize(("chinese", "english"), [
    ('新建 "Acme续约" 客户:"Acme Corp" 金额:12万 阶段:方案 成交日:2026-12-15',
     'new "Acme续约" customer:"Acme Corp" amount:120000 stage:proposal close:2026-12-15'),
    ('新建 "Acme续约" 客户：“Acme Corp” 金额：12万元 预计成交：下周五 等级:B类',
     'new "Acme续约" customer:"Acme Corp" amount:120000CNY close:下周五 tier:B'),
    ("D-1 阶段:谈判 金额:15万 成交日:下周五", 'D-1 stage:negotiation amount:150k close:下周五'),
    ('D-1 下一步:"给CFO打电话" 截止:2026-12-10', 'D-1 next:"给CFO打电话" by:2026-12-10'),
    ("D-1 预测:承诺", "D-1 forecast:commit"),
    ("D-1 预测:最佳情况", "D-1 forecast:best_case"),
    ("D-1 预测:排除 币种:人民币", "D-1 forecast:omitted currency:CNY"),
    ("D-1 阶段:输单 原因:价格", "D-1 stage:lost reason:价格"),
    ("D-1 赢单", "D-1 won"),
    ('D-1 输单 原因:"价格太高"', 'D-1 lost reason:"价格太高"'),
    ("列表 @alice", "list @alice"),
])
def test_a_deal_typed_in_chinese_is_the_deal_typed_in_english(chinese: str,
                                                              english: str) -> None:
    assert parse_command("deal", chinese) == parse_command("deal", english)


@pytest.mark.parametrize(("command", "chinese", "english"), [
    ("sales", "报表 本月 团队", "report month team"),
    ("sales", "报表 月:2026年12月 @alice", "report month:2026-12 @alice"),
    ("sales", "排行榜 拜访数 本季度", "leaderboard visits quarter"),
    ("target", "设定 团队 收入 120万 季度:2026-Q4 分解:权重 alice:2 bob:1",
     "set team revenue 1.2m quarter:2026-Q4 split:weights alice:2 bob:1"),
    ("target", "设定 @alice 收入 30万 月:2026-12 冲刺:36万 挑战:42万",
     "set @alice revenue 300k month:2026-12 stretch:360k challenge:420k"),
    ("forecast", '提交 承诺:30万 最佳:42万 本季度 备注:"Acme 月底签约"',
     'submit commit:300k best:420k quarter note:"Acme 月底签约"'),
    ("forecast", "历史 团队 季度 4", "history team quarter 4"),
    ("followups", "添加 发报价 截止:周五 商机:D-3", "add 发报价 by:周五 deal:D-3"),
    ("plan", "团队 月:2026-12", "team month:2026-12"),
    ("standup", "设置 工作日:周一至周五 时区:本地", "config days:mon-fri tz:local"),
    ("standup", "设置 工作日:周一、周三、周五", "config days:mon,wed,fri"),
    ("standup", "设置 工作日:工作日", "config days:weekdays"),
    ("standup", '回答 昨天:"拜访了Acme" 今天:"给Globex演示" 阻碍:无',
     'answer yesterday:"拜访了Acme" today:"给Globex演示" blockers:none'),
])
def test_other_commands_read_chinese_words_too(command: str, chinese: str, english: str) -> None:
    assert parse_command(command, chinese) == parse_command(command, english)


def test_a_chinese_key_means_the_option_the_command_takes() -> None:
    # 截止 dates a visit's next step (by:) and an action item (due:)
    assert parse_words("x 截止:周五", ("by",)).options == {"by": "周五"}
    assert parse_words("x 截止:周五", ("due",)).options == {"due": "周五"}


def test_chinese_notes_with_a_full_width_colon_stay_notes() -> None:
    args = parse_command("visit", "Acme 客户说：价格太高 备注：下周再谈")
    assert args.words == ("Acme", "客户说：价格太高", "备注：下周再谈")


def test_a_mistyped_chinese_key_gets_a_chinese_suggestion() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as caught:
        parse_command("deal", "D-1 阶断:谈判")
    assert caught.value.message == "没有 `阶断:` 这个选项。你是想输入 `阶段:` 吗？"


def test_chinese_notes_one_character_off_a_key_stay_notes() -> None:
    args = parse_command("visit", "Acme 日程：下午再谈 结论：客户很满意")
    assert args.words == ("Acme", "日程：下午再谈", "结论：客户很满意")
    with pytest.raises(UsageError, match="结果:"):
        parse_command("visit", "Acme 结论:积极")  # a value of 结果: gives it away


def test_a_mistyped_chinese_value_gets_a_chinese_suggestion() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as caught:
        parse_command("visit", "Acme 类型:演式")
    assert caught.value.message == ("`类型:演式` 无效。你是想输入 `演示` 吗？"
                                    "可选：拜访、电话、演示、会议、邮件。")


def test_an_english_reader_keeps_the_english_suggestion() -> None:
    with pytest.raises(UsageError) as caught:
        parse_command("visit", "Acme type:dmeo")
    assert caught.value.message == ("`type:dmeo` is not valid. Did you mean `demo`? "
                                    "Choose one of: visit, call, demo, meeting, email.")
    with pytest.raises(UsageError) as caught:
        parse_command("visit", "Acme outcom:positive")
    assert caught.value.message == "Unknown option `outcom:`. Did you mean `outcome:`?"


def test_a_chinese_key_given_twice_is_refused_in_chinese() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as caught:
        parse_command("visit", "Acme 结果:积极 结果：消极")
    assert caught.value.message == "`结果:` 出现了两次；请只写一次。"


@pytest.mark.parametrize(("text", "past", "future"), [
    ("今天", date(2026, 12, 6), date(2026, 12, 6)),
    ("昨天", date(2026, 12, 5), date(2026, 12, 5)),
    ("前天", date(2026, 12, 4), date(2026, 12, 4)),
    ("上周二", date(2026, 11, 24), date(2026, 11, 24)),
    ("下周五", date(2026, 12, 11), date(2026, 12, 11)),
    ("本月底", date(2026, 12, 31), date(2026, 12, 31)),
    ("12月3日", date(2026, 12, 3), date(2027, 12, 3)),
    ("12月3号", date(2026, 12, 3), date(2027, 12, 3)),
    ("2026年12月3日", date(2026, 12, 3), date(2026, 12, 3)),
    ("１２月３日", date(2026, 12, 3), date(2027, 12, 3)),
    ("3号", date(2026, 12, 3), date(2027, 1, 3)),
    ("10号", date(2026, 11, 10), date(2026, 12, 10)),
    ("下个月3号", date(2027, 1, 3), date(2027, 1, 3)),
    ("上月15日", date(2026, 11, 15), date(2026, 11, 15)),
])
def test_chinese_dates(text: str, past: date, future: date) -> None:
    assert parse_day(text, today=TODAY, prefer="past") == past
    assert parse_day(text, today=TODAY, prefer="future") == future


def test_a_first_day_may_be_written_in_chinese() -> None:
    assert parse_calendar_day("2026年10月1日", "start") == date(2026, 10, 1)


def test_a_bad_date_is_explained_in_chinese_with_the_chinese_key() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as caught:
        parse_day("某天", today=TODAY, prefer="past", option="on")
    assert caught.value.message.startswith("我看不懂日期 `日期:某天`。")
    assert caught.value.field == "on"


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("12万", "120000", None),
    ("1.2亿", "120000000", None),
    ("¥120,000", "120000", "CNY"),
    ("￥120,000", "120000", "CNY"),
    ("5000元", "5000", "CNY"),
    ("12万元", "120000", "CNY"),
    ("12万人民币", "120000", "CNY"),
    ("人民币12万", "120000", "CNY"),
    ("120k RMB", "120000", "CNY"),
    ("１２万", "120000", None),
    ("120k EUR", "120000", "EUR"),
])
def test_chinese_amounts(text: str, amount: str, currency: str | None) -> None:
    assert parse_amount(text) == Money(Decimal(amount).quantize(Decimal("0.01")), currency)


def test_an_amount_in_yuan_and_dollars_is_refused() -> None:
    with pytest.raises(UsageError, match="two different currencies"):
        parse_amount("12万元 USD")


def test_currencies_by_chinese_name() -> None:
    assert [parse_currency(c) for c in ("人民币", "美元", "欧元")] == ["CNY", "USD", "EUR"]


@pytest.mark.parametrize(("text", "label"), [
    ("2026年", "2026"),
    ("2026年第4季度", "2026-Q4"),
    ("2026年四季度", "2026-Q4"),
    ("2026年12月", "2026-12"),
    ("2026年第49周", "2026-W49"),
    ("季度:2026-Q4", "2026-Q4"),
    ("月：2026年12月", "2026-12"),
])
def test_chinese_periods(text: str, label: str) -> None:
    assert parse_period(text).label == label


def test_a_bad_period_is_explained_in_chinese() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as caught:
        parse_period("2026-13")
    assert caught.value.message == "`2026-13`：月份只有 01 到 12。试试 月:2026-12。"


def test_chinese_help_shows_the_chinese_words() -> None:
    with use_locale("zh"):
        visit, deal, everything = usage("visit"), usage("deal"), usage(None)
    assert ('`/visit 客户 类型:拜访|电话|演示|会议|邮件 结果:积极|中性|消极 日期:昨天 '
            '下一步:"发报价"`') in visit
    assert "阶段：线索、已确认、方案、谈判、赢单、输单" in deal
    assert "`/deal D-1 赢单`" in deal
    assert "在聊天里管理你的销售计划" in everything
    assert "log a customer visit" not in everything


def test_every_command_shown_in_the_chinese_help_parses() -> None:
    examples = [
        ("visit", '"Acme Corp" 类型:演示 结果:积极 日期:昨天 下一步:"发报价" 见了CTO'),
        ("deal", '新建 "Acme续约" 客户:"Acme Corp" 金额:12万 阶段:方案 成交日:2026-12-15'),
        ("deal", "D-1 阶段:谈判 金额:15万 成交日:下周五"),
        ("target", "设定 团队 收入 120万 季度:2026-Q4 分解:权重 alice:2 bob:1"),
        ("target", "锁定 全部 季度:2026-Q4"),
        ("forecast", '调整 @alice 承诺:25万 最佳:30万 原因:"Acme推迟到Q1"'),
        ("followups", "推迟 F-3 周五"),
        ("sales", '团队 创建 "East" 时区:Asia/Shanghai'),
        ("sales", "成员 @dan 入职:2026-10-01"),
        ("sales", "角色 @carol 经理"),
        ("sales", '行动 添加 @bob "给5个B类客户打电话" 截止:周五'),
        ("sales", "设置 商机卡片:本人"),
        ("standup", "设置 时间:09:30 工作日:周一至周五 时区:本地 窗口:120m 提醒:30m"),
        ("standup", "请假 关闭"),
        ("standup", "请假 2026-12-20..2027-01-02"),
        ("standup", "跳过"),
        ("standup", "立即"),
        ("standup", "报表 昨天"),
        ("sales", "设置 周报:mon-08:30"),
        ("sales", "设置 周报:关闭"),
        ("sales", "设置 预警 停滞天数:14 进度阈值:0.85"),
        ("sales", "设置 汇率:EUR=1.08"),
        ("sales", "设置 汇率:EUR=关闭"),
        ("sales", '假期 添加 2026-12-25 "圣诞节"'),
        ("sales", '团队 频道 团队:"East"'),
        ("sales", '周报 团队:"East"'),
        ("sales", '预警 团队:"East"'),
        ("sales", "导出"),
        ("sales", "行动 完成 A-3"),
        ("sales", "行动 列表 @bob all"),
        ("forecast", "团队 本季度"),
        ("followups", "完成 F-3"),
        ("followups", "重新打开 F-3"),
        ("target", "查看 团队 收入 月:2026-12"),
        ("pipeline", "团队"),
        ("plan", "@alice 月:2026-12"),
    ]
    for command, text in examples:
        parse_command(command, text)  # no UsageError


def test_english_help_is_unchanged() -> None:
    assert usage("visit").startswith(
        "*`/visit` — log a customer visit, call, demo, meeting or email*\n"
        '`/visit "Acme Corp" Met the CTO, wants pricing`\n')
    assert usage(None).startswith(
        "*salesbot* — your sales plan, in chat. Type `help` after any command for more.\n\n")


def test_help_in_chinese_words() -> None:
    assert parse_command("deal", "帮助") == parse_command("deal", "help")
