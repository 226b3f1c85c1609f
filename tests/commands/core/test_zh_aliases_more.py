"""More Chinese input: the forms the Chinese help and replies teach for `/sales action list`,
`/sales config forecast` and `/standup config` parse to the same Args as the English ones."""

from __future__ import annotations

import pytest

from commands.core.errors import UsageError
from commands.core.i18n import use_locale
from commands.dispatch import in_english, parse_command
from commands.team.help import usage


@pytest.mark.parametrize(("chinese", "english"), [
    ("行动 列表 @bob 全部", "action list @bob all"),
    ("行动 列表 全部", "action list all"),
    ("行动 列表 所有 团队:华东", "action list all team:华东"),
    ("action list @bob 全部", "action list @bob all"),
])
def test_all_action_items_in_chinese(chinese: str, english: str) -> None:
    assert parse_command("sales", chinese) == parse_command("sales", english)
    assert parse_command("sales", chinese).include_done


def test_an_action_items_text_keeps_its_chinese_words() -> None:
    # only the list's words are closed-set: `全部` in what to do stays as written
    args = parse_command("sales", "行动 添加 @bob 回访全部 A类 客户 截止:周五")
    assert args.text == "回访全部 A类 客户"
    assert in_english("sales", "行动 添加 @bob 全部 客户") == "action add @bob 全部 客户"


@pytest.mark.parametrize(("chinese", "english"), [
    ("设置 预测:mon-10:00", "config forecast:mon-10:00"),
    ("设置 预测:关闭", "config forecast:off"),
    ('设置 预测:fri-16:30 预测截止:15:00 团队:"华东"',
     'config forecast:fri-16:30 forecast_deadline:15:00 team:"华东"'),
    ("设置 预测 方案:最佳", "config forecast proposal:best_case"),
    ("设置 预测 方案:最佳情况 谈判:承诺 已确认:管道 线索:排除",
     "config forecast proposal:best_case negotiation:commit qualified:pipeline lead:omitted"),
    ("设置 预测 proposal:最佳", "config forecast proposal:best_case"),
])
def test_the_forecast_settings_in_chinese(chinese: str, english: str) -> None:
    assert parse_command("sales", chinese) == parse_command("sales", english)


def test_a_forecast_schedule_is_not_a_team_setting_in_chinese_either() -> None:
    args = parse_command("sales", "设置 预测:mon-10:00")
    assert args.schedule == (0, "10:00")
    assert parse_command("sales", "设置 预测:关闭").off


def test_a_wrong_forecast_schedule_in_chinese_names_the_chinese_keys() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as exc:
        parse_command("sales", "设置 预测:周八-10:00")
    assert "预测:mon-10:00" in str(exc.value)
    with use_locale("zh"), pytest.raises(UsageError, match="预测截止:15:00"):
        parse_command("sales", "设置 预测:mon-10:00 预测截止:25:00")
    with use_locale("en"), pytest.raises(UsageError,
                                         match="like forecast_deadline:15:00"):
        parse_command("sales", "config forecast:mon-10:00 forecast_deadline:25:00")


def test_a_forecast_setting_error_shows_what_was_typed() -> None:
    with use_locale("en"), pytest.raises(UsageError, match="`方案:自动`: give the stage"):
        parse_command("sales", "设置 预测 方案:自动")


@pytest.mark.parametrize(("chinese", "english"), [
    ("设置 开启", "config on"),
    ("设置 打开", "config on"),
    ("设置 关闭", "config off"),
])
def test_turning_the_stand_up_on_and_off_in_chinese(chinese: str, english: str) -> None:
    assert parse_command("standup", chinese) == parse_command("standup", english)


def test_the_chinese_help_shows_the_forms_that_now_parse() -> None:
    with use_locale("zh"):
        text = usage("sales")
    for example in ("/sales 行动 列表 [@bob] [全部]", "/sales 设置 预测 方案:最佳情况 谈判:承诺",
                    "/sales 设置 预测:mon-10:00|关闭 预测截止:15:00"):
        assert example in text
