"""What a Chinese reader sees carries no English leftovers: stages by their Chinese names,
periods as 2026年11月, days as 11月20日, lists joined with 、 or ；, and the labels and
phrases core messages are given (a field's name, what someone may not see) in Chinese.
English stays exactly as it was."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import update

from bot.render.reports import render_digest
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import joined, listed, use_locale
from commands.core.periods import Period, parse_period
from commands.deals.deal import parse_deal
from commands.forecast.common import period_name as forecast_period_name
from commands.plan.names import metric_name, period_name
from commands.warnings.deal_rules import close_date_passed, stale_deal
from commands.warnings.rule_config import parse_rule_config
from storage.models import Member
from tests.commands.reports.test_digest import _digest, week  # noqa: F401 - the fixture
from tests.commands.warnings.test_deviations import TODAY, deals
from tests.conftest import Chat

ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")
ISO_PERIOD = re.compile(r"\b20\d\d-(?:\d\d|Q\d)\b")


def test_a_stale_deal_warning_names_its_stage_in_chinese_and_as_before_in_english() -> None:
    frame = deals(dict(ref="D-1", last_activity_on=date(2026, 12, 4)),
                  dict(ref="D-2", stage="negotiation", last_activity_on=date(2026, 12, 4),
                       expected_close=date(2026, 12, 11)))
    with use_locale("zh"):
        stale = {w.subject: w for w in stale_deal(frame, TODAY)}
        [late] = close_date_passed(frame, TODAY)
    assert "（方案，40,000 USD）" in stale["deal:D-1"].message
    assert stale["deal:D-1"].message.endswith("（方案阶段上限14天）")
    assert "proposal" not in stale["deal:D-1"].message
    assert late.message.endswith("仍处于谈判阶段")
    with use_locale("en"):
        stale_en = {w.subject: w for w in stale_deal(frame, TODAY)}
    assert stale_en["deal:D-1"].message == ("D-1 Acme renewal (proposal, 40,000 USD), Alice: "
                                            "no activity for 14 days (limit 14 in proposal)")


def test_the_weekly_review_in_chinese_names_periods_and_days_the_chinese_way(
        week: Chat) -> None:  # noqa: F811
    digest = _digest(week)
    with use_locale("zh"):
        text = render_digest(digest).text
    assert "2026年11月 目标" in text
    assert "• 2026年11月：" in text and "• 2026年第4季度：" in text  # why deals were lost
    assert "11月20日 → 12月4日" in text  # D-3's close date pushed
    assert ISO_DAY.search(text) is None and ISO_PERIOD.search(text) is None
    with use_locale("en"):
        english = render_digest(digest).text
    assert "*Target 2026-11*" in english and "2026-11-20 → 2026-12-04" in english
    assert "• 2026-11: " in english and "• 2026-Q4: " in english


def test_lists_join_with_the_chinese_separators() -> None:
    with use_locale("zh"):
        assert listed(["alice", "bob", "chen"]) == "alice、bob、chen"
        assert joined(["价格 1", "预算 2"]) == "价格 1；预算 2"
        assert joined(["a", "b"], " · ") == "a · b"
    with use_locale("en"):
        assert listed(["alice", "bob"]) == "alice, bob"
        assert joined(["price 1", "budget 2"]) == "price 1; budget 2"


def test_an_unknown_warning_rule_lists_the_rules_with_the_chinese_comma() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as refused:
        parse_rule_config({"off": "bogus"})
    assert "stale_deal、" in str(refused.value) and ", " not in str(refused.value)
    with use_locale("en"), pytest.raises(UsageError) as english:
        parse_rule_config({"off": "bogus"})
    assert "stale_deal, " in str(english.value)


def test_a_too_long_deal_name_is_refused_in_chinese_naming_the_field() -> None:
    name = "长" * 201
    with use_locale("zh"), pytest.raises(UsageError) as refused:
        parse_deal(f'new "{name}" customer:Acme amount:10k')
    assert str(refused.value).startswith("商机名称有 201 个字符，上限是 200。")
    with use_locale("en"), pytest.raises(UsageError) as english:
        parse_deal(f'new "{name}" customer:Acme amount:10k')
    assert str(english.value).startswith("The deal name is 201 characters long; the limit is "
                                         "200.")


def test_one_period_name_for_a_period_and_for_its_label() -> None:
    cases = {"year:2026": "2026年", "quarter:2026-Q4": "2026年第4季度",
             "month:2026-11": "2026年11月", "week:2026-W49": "2026年第49周"}
    for typed, chinese in cases.items():
        period = parse_period(typed)
        with use_locale("zh"):
            assert period_name(period) == chinese
            assert period_name(period.label) == chinese
            assert forecast_period_name(period.label) == chinese
        with use_locale("en"):
            assert period_name(period) == period.label == period_name(period.label)
    day = Period("day", date(2026, 12, 1), date(2026, 12, 1))
    with use_locale("zh"):
        assert period_name(day) == period_name("2026-12-01") == "2026年12月1日"


def test_metric_names_are_one_function_for_plan_and_reports() -> None:
    with use_locale("en"):
        assert metric_name("new_customers") == "new_customers"
        assert metric_name("new_customers", spaced=True) == "new customers"
    with use_locale("zh"):
        assert metric_name("new_customers", spaced=True) == metric_name("new_customers")
        assert "_" not in metric_name("new_customers")


def test_what_a_reader_may_not_see_is_named_in_chinese(week: Chat) -> None:  # noqa: F811
    with week.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == "UALICE")
                        .values(language="zh"))
    with pytest.raises(PermissionDenied) as refused:
        week.say("alice", "/pipeline @bob")
    assert "查看 bob 的销售漏斗。" in str(refused.value)
    with pytest.raises(PermissionDenied) as english:
        week.say("bob", "/pipeline @alice")
    assert "can see alice's pipeline." in str(english.value)
