"""/visit, /deal and /pipeline for a rep who reads Chinese: the same facts, in 简体中文, with
money in 万 and days like 12月3日; a rep who reads English sees them as before. Today is
Sunday 22 November 2026."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from commands.core.errors import UsageError
from storage.models import Member, Workspace
from tests.conftest import Chat


def reads_chinese(chat: Chat, user: str) -> None:
    """`user` chose Chinese; the workspace counts in yuan."""
    with chat.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == f"U{user.upper()}")
                        .values(language="zh"))
        session.execute(update(Workspace).values(default_currency="CNY"))


@pytest.fixture
def zh(team: Chat) -> Chat:
    reads_chinese(team, "alice")
    return team


def test_a_visit_is_confirmed_in_chinese(zh: Chat) -> None:
    out = zh.say("alice", '/visit "Acme Corp" type:demo outcome:positive on:yesterday '
                          'next:"send quote" Met the CTO')
    assert "已记录昨天与 Acme Corp（C类）的演示——积极。" in out
    assert "下一步：send quote" in out
    assert "Acme Corp 是新客户，C类。" in out
    assert "Logged" not in out


def test_a_visit_on_an_earlier_day_names_the_day_in_chinese(zh: Chat) -> None:
    out = zh.say("alice", '/visit "Acme Corp" on:2026-11-17 lunch')
    assert "已记录11月17日 周二对 Acme Corp（C类）的拜访。" in out


def test_a_deal_card_reads_in_chinese_with_yuan_in_wan_and_a_chinese_date(zh: Chat) -> None:
    created = zh.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                              "stage:proposal close:2026-12-03")
    assert "已为 Acme Corp 创建商机 D-1 Acme renewal：¥12万，方案（50%），12月3日 周四预计成交。" \
        in created
    card = zh.say("alice", "/deal D-1")
    assert "¥12万 · 方案 (50%) · 12月3日 周四预计成交" in card
    assert "负责人 alice" in card
    assert "变更记录" in card and "最近活动\n尚无记录" in card
    assert "阶段设为 方案" in card
    assert "预测：最佳情况（阶段默认）" in card
    assert "2026年11月22日 alice：预计成交日设为 2026年12月3日" in card
    reply = zh.as_("alice", "/deal D-1")
    assert reply is not None
    buttons = [e["text"]["text"] for b in reply.blocks if b.to_dict()["type"] == "actions"
               for e in b.to_dict()["elements"]]
    assert buttons == ["推进到谈判", "赢单", "输单", "编辑"]


def test_a_deal_change_and_its_history_are_in_chinese(zh: Chat) -> None:
    zh.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    changed = zh.say("alice", "/deal D-1 stage:negotiation amount:150k")
    assert "已更新 D-1 Acme renewal：金额 ¥12万 → ¥15万；阶段 线索 → 谈判。" in changed
    won = zh.say("alice", "/deal D-1 won")
    assert "D-1 Acme renewal 赢单：来自Acme Corp的¥15万。" in won


def test_a_deal_error_is_in_chinese(zh: Chat) -> None:
    with pytest.raises(UsageError, match="没有商机 D-9。`/deal 列表` 会列出你的进行中商机。"):
        zh.say("alice", "/deal D-9")
    with pytest.raises(UsageError, match="“Acme renewal”是哪个客户的？"):
        zh.say("alice", '/deal new "Acme renewal" amount:120k')


def test_the_pipeline_renders_in_chinese(zh: Chat) -> None:
    zh.say("alice", '/deal new "A" customer:"Acme" amount:120k stage:proposal close:2026-11-27')
    zh.say("alice", '/deal new "B" customer:"Acme" amount:80k close:2026-12-20')
    out = zh.say("alice", "/pipeline")
    assert "alice的销售漏斗" in out
    assert "线索：1 个商机，¥8万 × 10% = ¥8,000" in out
    assert "方案：1 个商机，¥12万 × 50% = ¥6万" in out
    assert "进行中 ¥20万 · 加权 ¥6.8万" in out
    assert "2026年11月预计成交：¥12万" in out
    assert "deal" not in out


def test_a_deal_list_is_in_chinese(zh: Chat) -> None:
    zh.say("alice", '/deal new "A" customer:"Acme" amount:120k stage:proposal')
    out = zh.say("alice", "/deal list")
    assert "你的进行中商机" in out
    assert "方案（50%）— 1 个商机，¥12万" in out


def test_a_rep_who_reads_english_still_gets_english(zh: Chat) -> None:
    out = zh.say("bob", '/visit "Acme Corp" type:call Chased the PO')
    assert "Logged a call with Acme Corp (C) today." in out
    zh.say("bob", '/deal new "B" customer:"Acme Corp" amount:80k close:2026-12-03')
    card = zh.say("bob", "/deal D-1")
    assert "lead (10%) · closes Thu 03 Dec" in card
