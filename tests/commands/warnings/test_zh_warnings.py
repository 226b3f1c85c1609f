"""异常预警 in 简体中文: each rule's warning and its fix, the rule names, the review's metric
labels and the `/sales config warnings` errors read in Chinese under a Chinese locale, and
stay English otherwise."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from bot.render.warnings import (
    acknowledged_blocks,
    block_id,
    render_actions,
    rule_title,
    severity_mark,
)
from bot.views.warnings import action_form, snooze_form
from commands.core.errors import UsageError
from commands.core.i18n import use_locale
from commands.plan.activity import ActivityRates
from commands.warnings.action_links import ActionDraft
from commands.warnings.actions import ActionLine, ActionResult
from commands.warnings.customer_rules import tier_cadence
from commands.warnings.deal_rules import close_date_passed, close_date_pushed, stale_deal
from commands.warnings.deviations import RULES, Deviation, FunnelInput, Progress
from commands.warnings.funnel_rules import funnel_bottleneck
from commands.warnings.pace_rules import activity_shortfall, behind_pace, coverage_gap
from commands.warnings.review import link_for
from commands.warnings.rule_config import parse_rule_config
from commands.warnings.rules import DeviationInputs
from commands.warnings.warnings import WarningRef
from tests.commands.helpers import alice
from tests.commands.warnings.test_deviations import STAGES, TODAY, deals

D = Decimal
LATIN_WORDS = re.compile(r"\b(?:the|of|for|with|needs|days?|visits?|ago|plan|Fix)\b")
CUSTOMERS = pd.DataFrame([
    (2, "Birch", "A", 12, "Alice", date(2026, 11, 17), date(2025, 1, 1)),  # 31 days
    (3, "Cedar", "B", 13, "Bob", None, date(2026, 6, 1)),  # never visited
], columns=["customer_id", "name", "tier", "owner_id", "owner", "last_visit_on",
            "created_on"])
STALE = deals(dict(ref="D-1", last_activity_on=date(2026, 12, 4),
                   expected_close=date(2026, 12, 11), close_pushes=3),
              dict(ref="D-3", owner=None, owner_id=None))


def english_free(text: str) -> bool:
    """No English sentence words left: only names, refs, numbers and commands."""
    without_code = re.sub(r"`[^`]*`", "", text)
    return LATIN_WORDS.search(without_code) is None


def test_behind_pace_reads_in_chinese_with_its_run_rate_and_visits() -> None:
    with use_locale("zh"):
        [warning] = behind_pace([alice()])
    assert warning.message == ("Alice：December目标已完成41%，而工作日已过去62%；"
                               "每个工作日需成交18,000，每天 2.3 次拜访")
    assert warning.fix == ("在剩余的8个工作日里，每个工作日成交18,000：按Alice自己的转化率，"
                           "约需每天 2.3 次拜访；先过一遍本期要成交的商机。")


def test_a_team_behind_pace_in_chinese_shows_yuan_in_wan_and_the_day_it_was_set() -> None:
    rates = ActivityRates(avg_deal_size=D(50000), win_rate=D("0.25"),
                          opportunities_per_visit=D("0.5"), source="team")
    team = Progress(subject="team:3", who="East", period_name="12月", target=D(1_000_000),
                    actual=D(200_000), elapsed_working_days=10, remaining_working_days=10,
                    currency="CNY", reps=4, rates=rates, tracked_since=date(2026, 12, 2))
    with use_locale("zh"):
        [warning] = behind_pace([team])
    assert warning.message == (
        "East：12月目标已完成20%，而工作日已过去50%（自12月2日 周三设定目标起算）；"
        "每个工作日需成交¥8万，每天 12.8 次拜访（4名销售，平均每人3.2次）")
    assert "按团队的转化率" in warning.fix and english_free(warning.fix)


def test_a_period_that_is_over_says_so_in_chinese() -> None:
    with use_locale("zh"):
        [pace] = behind_pace([alice(elapsed_working_days=21, remaining_working_days=0)])
        [visits] = activity_shortfall([alice(visits_logged=0, elapsed_working_days=21,
                                             remaining_working_days=0)])
    assert pace.message.endswith("；已没有剩余工作日")
    assert pace.fix == "December已结束：把144,000的缺口带入下一期计划，并在复盘中分析原因。"
    assert visits.fix.startswith("December已结束：把缺少的拜访排进下一期")


def test_activity_shortfall_reads_in_chinese() -> None:
    with use_locale("zh"):
        [derived] = activity_shortfall([alice(visits_logged=10)])
        [given] = activity_shortfall([alice(visits_logged=30, visits_expected=D(40),
                                            elapsed_working_days=10, remaining_working_days=10,
                                            rates=None)])
    assert derived.message == "Alice：December已记录10次拜访，行动计划预期此时应有20次（50%）"
    assert derived.fix.startswith("在剩余的8个工作日里，每个工作日安排 2.3 次拜访：")
    assert given.fix == "在剩余的10个工作日里，每个工作日安排 5 次拜访，才能回到计划进度。"


def test_coverage_gap_reads_in_chinese() -> None:
    with use_locale("zh"):
        [rate] = coverage_gap([alice(open_pipeline_in_period=D(200000), win_rate=D("0.25"))])
        [default] = coverage_gap([alice(actual=D(145000), open_pipeline_in_period=D(300000),
                                        win_rate=None)])
    assert rate.message == ("Alice：预计在December成交的管道金额是尚需赢得的144,000的1.39倍；"
                            "按25%的赢单率，需要4.0×")
    assert rate.fix == "增加376,000预计在December成交的管道金额，或把之后的商机提前。"
    assert "按设置的默认赢单率20%（尚无已关闭的商机）" in default.message


def test_stale_deals_read_in_chinese_and_a_deal_without_owner_says_so() -> None:
    with use_locale("zh"):
        found = {w.subject: w for w in stale_deal(STALE, TODAY)}
    one, orphan = found["deal:D-1"], found["deal:D-3"]
    assert one.message == ("D-1 Acme renewal（方案，40,000 USD），Alice：已14天没有任何跟进"
                           "（方案阶段上限14天）")
    assert one.fix == ("Alice：记录与客户的下一步（`/visit`）；如果这个商机已经没希望了，"
                       "就把 D-1 关闭为输单。")
    assert orphan.who == "无负责人" and orphan.message.startswith("D-3 Acme renewal")


def test_close_dates_passed_and_pushed_read_in_chinese_with_chinese_days() -> None:
    with use_locale("zh"):
        [passed] = close_date_passed(STALE, TODAY)
        [pushed] = close_date_pushed(STALE, today=TODAY)
    assert passed.message.endswith("：预计成交日为12月11日 周五，已过去7天，仍处于方案阶段")
    assert "`/deal D-1 成交日:YYYY-MM-DD`" in passed.fix and "关闭它" in passed.fix
    assert pushed.message.endswith("Alice：预计成交日已推迟3次，现为12月11日 周五")
    assert pushed.fix.startswith("问清客户真正在等什么")


def test_neglected_customers_read_in_chinese() -> None:
    with use_locale("zh"):
        found = {w.subject: w for w in tier_cadence(CUSTOMERS, TODAY)}
    assert found["customer:2"].message == (
        "Birch（A类客户），Alice：上次拜访在31天前；A类客户应每30天拜访一次")
    assert found["customer:2"].fix == "Alice：本周安排一次对Birch的拜访。"
    assert found["customer:3"].message.startswith("Cedar（B类客户），Bob：从未拜访；")


def test_funnel_bottlenecks_read_in_chinese_with_their_diagnosis() -> None:
    execution = FunnelInput("team:3", "East", STAGES, visits=110, visits_planned=D(100),
                            opportunities=24, opportunities_planned=D(20))
    starved = FunnelInput("team:3", "East", STAGES, visits=60, visits_planned=D(100))
    blind = FunnelInput("team:3", "East", STAGES)
    with use_locale("zh"):
        [e] = funnel_bottleneck([execution])
        [p] = funnel_bottleneck([starved])
        [b] = funnel_bottleneck([blind])
    assert e.message == ("East：已确认 → 方案 本期转化 2/10（20%），此前滚动周期为 50%；"
                         "看起来是执行问题：线索充足但转化率低"
                         "（拜访 110 次，计划 100 次；新商机 24 个，计划 20 个）")
    assert e.fix.startswith("在复盘时一起过一遍已确认阶段的商机")
    assert "看起来是计划问题" in p.message and p.fix.startswith("先把漏斗顶部填满")
    assert b.message.endswith("无法分辨是计划问题还是执行问题") and "设定拜访目标" in b.fix


def test_every_rule_text_and_fix_is_chinese_and_english_stays_english() -> None:
    def everything() -> list[Deviation]:
        return [*behind_pace([alice()]), *activity_shortfall([alice(visits_logged=10)]),
                *coverage_gap([alice(open_pipeline_in_period=D(200000))]),
                *stale_deal(STALE, TODAY), *close_date_passed(STALE, TODAY),
                *close_date_pushed(STALE, today=TODAY), *tier_cadence(CUSTOMERS, TODAY),
                *funnel_bottleneck([FunnelInput("team:3", "East", STAGES)])]
    with use_locale("zh"):
        chinese = everything()
    english = everything()
    assert {d.rule for d in chinese} == set(RULES) - {"forecast_short", "forecast_drop",
                                                      "forecast_miss"}
    for zh, en in zip(chinese, english, strict=True):
        assert (zh.key, zh.severity, zh.numbers) == (en.key, en.severity, en.numbers)
        assert english_free(zh.message) and english_free(zh.fix), zh
        assert not english_free(en.message + en.fix)
    assert english[0].message.startswith("Alice: 41% of December's target")


def test_rule_names_and_severities_follow_the_glossary() -> None:
    with use_locale("zh"):
        titles = {rule: rule_title(rule) for rule in RULES}
        marks = [severity_mark(level) for level in (1, 2, 3)]
    assert titles["behind_pace"] == "进度落后" and titles["stale_deal"] == "停滞商机"
    assert titles["tier_cadence"] == "被忽视的客户"
    assert all(not re.search(r"[a-z]{3}", title) for title in titles.values())
    assert marks == [":warning: 预警", ":large_orange_circle: 严重", ":red_circle: 紧急"]
    assert rule_title("behind_pace") == "Behind pace"  # English outside the block


def test_an_action_on_neglected_a_tier_customers_is_judged_by_their_count() -> None:
    inputs = DeviationInputs(today=TODAY, customers=CUSTOMERS)
    with use_locale("zh"):
        firing = tier_cadence(CUSTOMERS, TODAY)
        link = link_for(firing[0], inputs, firing)
        pace = link_for(behind_pace([alice()])[0], DeviationInputs(TODAY, progress=[alice()]),
                        [])
    assert (link.label, link.value) == ("被忽视的A类客户", D(1))
    assert pace.label == "Alice的达成率（%）"


def test_action_items_list_in_chinese() -> None:
    items = (ActionLine("A-3", "bob", "给5个B类客户打电话", date(2026, 12, 11), "overdue"),
             ActionLine("A-4", "alice", "约见Birch", None, "open"))
    with use_locale("zh"):
        reply = render_actions(ActionResult("", "East", items))
    assert reply.text.splitlines() == [
        "*East的改进行动*",
        ":warning: *A-3* bob：给5个B类客户打电话 — 12月11日 周五截止（已逾期）",
        "• *A-4* alice：约见Birch",
    ]


@pytest.mark.parametrize(("options", "said"), [
    ({"stale_days": "two"}, "`stale_days:two` 不是整数天数。试试 停滞天数:14。"),
    ({"pace_threshold": "1.5"}, "`pace_threshold:1.5` 必须大于 0 且不超过 1（100%）。"),
    ({"off": "stale_deals"}, "你是不是想用 `stale_deal`？规则有："),
    ({"stale_dayz": "3"}, "`stale_dayz:` 不是预警设置。你是不是想用 `stale_days:`？"),
])
def test_warning_settings_errors_read_in_chinese(options: dict[str, str], said: str) -> None:
    with use_locale("zh"), pytest.raises(UsageError) as refused:
        parse_rule_config(options)
    assert said in refused.value.message


def test_the_snooze_and_create_action_forms_are_in_chinese() -> None:
    ref = WarningRef(3, "East", "stale_deal:deal:D-1", "D-1 已14天没有任何跟进")
    draft = ActionDraft(3, "tier_cadence:customer:2", "本周安排一次对Birch的拜访。", "UALICE",
                        "被忽视的A类客户", D(4))
    with use_locale("zh"):
        snooze = snooze_form(ref, 7, "C0EAST").to_dict()
        action = action_form(draft, "C0EAST").to_dict()
        note = acknowledged_blocks([{"type": "actions", "block_id": block_id(ref.key)}],
                                   ref.key, "UMIA")
    assert (snooze["title"]["text"], snooze["submit"]["text"]) == ("暂缓预警", "暂缓 1 周")
    assert snooze["blocks"][1]["elements"][0]["text"] == "无论发生什么，1 周内都不会再发布。"
    assert snooze["blocks"][2]["label"]["text"] == "原因？"
    assert (action["title"]["text"], action["submit"]["text"]) == ("创建改进行动", "创建")
    assert action["blocks"][0]["elements"][0]["text"] == "以 *被忽视的A类客户* 衡量，当前为 4。"
    assert [b["label"]["text"] for b in action["blocks"][1:]] == ["负责人", "要做什么", "截止日期"]
    assert note == [{"type": "context", "block_id": block_id(ref.key), "elements": [
        {"type": "mrkdwn", "text": ":white_check_mark: <@UMIA> 已确认"}]}]
