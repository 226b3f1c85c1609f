"""/plan and /target in 简体中文: a Chinese reader gets Chinese replies, an English one the
same English as always."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from bot.render import render
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import use_locale
from commands.core.periods import parse_period
from commands.plan.activity import ActivityRates, derive_activity_plan
from commands.plan.names import period_name
from commands.plan.plan import PlanResult
from storage.models import Member
from tests.conftest import Chat

D = Decimal


def speaks(chat: Chat, user: str, language: str) -> None:
    with chat.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == f"U{user.upper()}")
                        .values(language=language))


@pytest.fixture
def targets(team: Chat) -> Chat:
    team.say("mia", "/target set <@UALICE|alice> revenue 300k month:2026-11")
    return team


@pytest.mark.parametrize(("text", "zh"), [
    ("2026", "2026年"), ("2026-Q4", "2026年第4季度"), ("2026-12", "2026年12月"),
    ("2026-W49", "2026年第49周"), ("2026-12-01", "2026年12月1日")])
def test_periods_read_naturally_in_chinese(text: str, zh: str) -> None:
    period = parse_period(text)
    with use_locale("zh"):
        assert period_name(period) == zh
    assert period_name(period) == text


def _plan() -> PlanResult:
    rates = ActivityRates(D("50000"), D("0.25"), D("0.2"), "default")
    return PlanResult("alice", parse_period("2026-12"), D("300000"), D("100000"), "CNY", 10,
                      derive_activity_plan(D("200000"), 1, rates, 10))


def test_a_plan_renders_in_chinese_under_the_chinese_locale() -> None:
    with use_locale("zh"):
        text = render(_plan()).plain()
    assert text.startswith("alice的行动计划，2026年12月")
    assert "还有 10 个工作日" in text
    assert "4 个赢单" in text and "16 个商机" in text and "80 次拜访" in text
    assert "赢单率" in text
    assert "working day" not in text and "visits" not in text


def test_the_same_plan_stays_english_by_default() -> None:
    text = render(_plan()).plain()
    assert text.startswith("Activity plan for alice, 2026-12")
    assert "in 10 working days" in text and "→ 4 wins" in text


def test_a_chinese_rep_gets_their_plan_and_targets_in_chinese(targets: Chat) -> None:
    speaks(targets, "alice", "zh")
    plan = targets.say("alice", "/plan")
    assert "alice的行动计划，2026年11月" in plan
    assert "目标" in plan and "Activity plan" not in plan
    shown = targets.say("alice", "/target show month:2026-11")
    assert "2026年11月" in shown and "达成率" in shown and "attainment" not in shown
    # mia has chosen no language: the same team's replies stay English
    assert "Activity plan for alice, 2026-11" in targets.say("mia", "/plan <@UALICE|alice>")


def test_a_chinese_manager_sets_a_target_and_is_refused_in_chinese(team: Chat) -> None:
    speaks(team, "mia", "zh")
    done = team.say("mia", "/target set <@UALICE|alice> revenue 300k month:2026-12")
    assert done.startswith("已设置alice2026年12月的收入目标")
    with pytest.raises(UsageError, match="bob在2026年12月没有收入目标。用 `/target 设定 @bob "
                                         "收入 30万 月:2026-12` 设置一个"):
        team.say("mia", "/plan <@UBOB|bob> month:2026-12")
    speaks(team, "alice", "zh")
    with pytest.raises(PermissionDenied, match="只有East的经理或管理员可以设置其目标"):
        team.say("alice", "/target set team revenue 1M month:2026-12")
