"""The /visit form and the deal card's forms for a rep who reads Chinese: titles, labels,
options and the errors under an input are in 简体中文; English readers see them as before."""

from __future__ import annotations

from typing import Any

from bot.dispatch import Deps
from bot.listeners.deals import edit, lost, submit_lost
from bot.listeners.visits import customer_options, open_visit_form, submit_visit
from bot.views.deals import deal_lost_form
from bot.views.visits import visit_form
from tests.bot.listeners.conftest import (
    CHANNEL,
    TEAM,
    FakeSlack,
    button,
    command,
    date_input,
    select_input,
    submission,
    text_input,
)
from tests.commands.deals.test_zh_deals import reads_chinese
from tests.conftest import NOW, Chat


def opened(slack: FakeSlack) -> dict[str, Any]:
    [call] = slack.of("views.open")
    view: dict[str, Any] = call["view"].to_dict()
    return view


def labels(view: dict[str, Any]) -> list[str]:
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


def option_texts(view: dict[str, Any], block_id: str) -> list[str]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == block_id]
    return [o["text"]["text"] for o in block["element"]["options"]]


def test_the_visit_form_is_in_chinese(slack: FakeSlack, team: Chat, deps: Deps) -> None:
    reads_chinese(team, "alice")
    open_visit_form(command("UALICE", "visit", ""), slack.client, deps)
    view = opened(slack)
    assert (view["title"]["text"], view["submit"]["text"]) == ("记录拜访", "记录")
    assert labels(view) == ["客户", "类型", "日期", "结果", "备注", "下一步", "下一步截止日",
                            "商机"]
    assert option_texts(view, "type") == ["拜访", "电话", "演示", "会议", "邮件"]
    assert option_texts(view, "outcome") == ["积极", "中性", "消极"]


def test_the_visit_form_stays_english_for_an_english_reader(
        slack: FakeSlack, team: Chat, deps: Deps) -> None:
    open_visit_form(command("UBOB", "visit", ""), slack.client, deps)
    view = opened(slack)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Log a visit", "Log it")
    assert option_texts(view, "type") == ["Visit", "Call", "Demo", "Meeting", "Email"]


def test_a_new_customer_is_offered_in_chinese(slack: FakeSlack, team: Chat,
                                              deps: Deps) -> None:
    reads_chinese(team, "alice")
    body = {"team": {"id": TEAM}, "user": {"id": "UALICE"}, "value": "Globex"}
    customer_options(slack.ack, body, deps)
    [answer] = slack.of("ack")
    assert answer["options"][-1]["text"]["text"] == "新客户：Globex"


def test_a_visit_form_mistake_is_shown_in_chinese(slack: FakeSlack, team: Chat,
                                                  deps: Deps) -> None:
    reads_chinese(team, "alice")
    body, view = submission("UALICE", visit_form(today=NOW.date(), channel_id=CHANNEL), {
        "customer": {"type": "external_select", "selected_option": {"value": "new:Acme"}},
        "type": select_input("visit"), "on": date_input("2026-11-22"),
        "deal": text_input("D-9")})
    submit_visit(slack.ack, body, view, slack.client, deps)
    [errors] = slack.of("ack")
    assert errors["errors"]["deal"].startswith("没有商机 D-9。")


def test_the_deal_forms_are_in_chinese(slack: FakeSlack, team: Chat, deps: Deps) -> None:
    reads_chinese(team, "alice")
    team.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:40k stage:proposal')
    body, action = button("UALICE", "deal_edit", "1")
    edit(slack.ack, body, action, slack.client, deps)
    form = opened(slack)
    assert (form["title"]["text"], form["submit"]["text"]) == ("编辑 D-1", "保存")
    assert labels(form) == ["名称", "阶段", "金额", "币种", "预计成交日", "预测类别"]
    assert option_texts(form, "stage") == ["线索", "已确认", "方案", "谈判"]
    assert option_texts(form, "forecast") == ["自动（按阶段默认）", "管道", "最佳情况", "承诺",
                                              "排除"]
    slack.calls.clear()
    body, action = button("UALICE", "deal_lost", "1", trigger="2.click")
    lost(slack.ack, body, action, slack.client, deps)
    form = opened(slack)
    assert (form["title"]["text"], labels(form)) == ("将 D-1 标记为输单", ["为什么输单？"])


def test_a_lost_form_without_a_reason_asks_in_chinese(slack: FakeSlack, team: Chat,
                                                      deps: Deps) -> None:
    reads_chinese(team, "alice")
    team.say("alice", '/deal new "Acme renewal" customer:"Acme" amount:40k')
    body, view = submission("UALICE", deal_lost_form("1", CHANNEL),
                            {"reason": text_input("  ")})
    submit_lost(slack.ack, body, view, slack.client, deps)
    assert slack.of("ack") == [{"response_action": "errors",
                                "errors": {"reason": "请说明输单原因。"}}]
