"""End to end in Chinese: signed requests as Slack sends them, from someone whose Slack is
in Chinese, typed with Chinese option names."""

from __future__ import annotations

from sqlalchemy import Engine, select

from storage.models import Activity, Member
from tests.bot.http_helpers import Client


def test_a_chinese_slack_user_is_answered_in_chinese_from_her_first_command(
        slack: Client, engine: Engine) -> None:
    slack.stub.users["UALICE"]["locale"] = "zh-CN"
    status, _ = slack.command(
        "UALICE", "/visit", "“华为” 类型：演示 结果:积极 日期:昨天 下一步:“发报价” 向CTO演示了报表")
    assert status == 200
    [reply] = slack.replies(1)
    assert "已记录昨天与 *华为*（C类）的演示——积极。" in reply
    with engine.connect() as conn:
        activity = conn.execute(select(Activity.type, Activity.next_step)).one()
        locale = conn.execute(select(Member.slack_locale)
                              .where(Member.slack_user_id == "UALICE")).scalar_one()
    assert (getattr(activity.type, "value", activity.type), activity.next_step) == \
        ("demo", "发报价")
    assert locale == "zh-CN"
    # a mistake is explained in Chinese, privately, with a suggestion
    slack.command("UALICE", "/visit", "华为 类型:拜方")
    [_, error] = slack.replies(2)
    assert "拜访" in error and "type" not in error


def test_she_can_switch_to_english_and_others_stay_in_english(slack: Client) -> None:
    slack.stub.users["UALICE"]["locale"] = "zh-CN"
    slack.command("UALICE", "/sales", "lang en")
    assert slack.replies(1)[0] == "Your language is now English (your choice)."
    slack.command("UALICE", "/visit", "华为 type:call")
    assert "Logged" in slack.replies(2)[1]
    slack.command("UBOB", "/visit", "Acme type:call")
    assert "Logged" in slack.replies(3)[2]
