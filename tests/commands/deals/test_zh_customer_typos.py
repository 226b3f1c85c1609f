"""A Chinese customer name typed with one character wrong, or shortened, is caught with a "did
you mean" (in Chinese for a Chinese reader) instead of quietly creating a second customer:
/visit, /deal and /followups all ask, and `新客户:是` still creates one on purpose. English
names match as before. Today is Sunday 22 November 2026."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commands.core.errors import UsageError
from commands.deals.customers import similar_customers
from storage.models import Customer
from tests.commands.deals.test_zh_deals import reads_chinese
from tests.conftest import Chat


@pytest.fixture
def zh(team: Chat) -> Chat:
    reads_chinese(team, "alice")
    team.say("alice", '/visit "上海华怡医药" 类型:拜访')
    team.say("alice", '/deal 新建 "华为十期" 客户:华为 金额:10万')
    return team


def customers(chat: Chat) -> int:
    with chat.deps.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Customer)) or 0


@pytest.mark.parametrize(("line", "typed", "meant"), [
    ("/visit 上海华怡医要 类型:拜访", "上海华怡医要", "上海华怡医药"),  # one character wrong
    ("/visit 上海华怡医 类型:拜访", "上海华怡医", "上海华怡医药"),  # one missing
    ("/visit 华怡 类型:拜访", "华怡", "上海华怡医药"),  # a short form
    ('/deal 新建 "华为十一期" 客户:华为为 金额:12万', "华为为", "华为"),  # one extra
    ("/followups 添加 发报价 截止:周五 客户:华怡", "华怡", "上海华怡医药"),
])
def test_a_near_chinese_name_is_questioned_not_created(zh: Chat, line: str, typed: str,
                                                       meant: str) -> None:
    with pytest.raises(UsageError) as err:
        zh.say("alice", line)
    assert err.value.message == (f"没有名为“{typed}”的客户。你是指“{meant}”吗？如果“{typed}”"
                                 "确实是新客户，请加上 `新客户:是`。")
    assert customers(zh) == 2


def test_a_new_chinese_customer_is_created_on_purpose(zh: Chat) -> None:
    out = zh.say("alice", "/visit 华怡 类型:拜访 新客户:是")
    assert "华怡 是新客户" in out
    assert customers(zh) == 3


def test_different_chinese_names_are_not_questioned(zh: Chat) -> None:
    zh.say("alice", "/visit 北京协和医院 类型:拜访")  # shares no two characters in a row
    zh.say("alice", "/visit 上海瑞金医院 类型:拜访")  # two characters off 上海华怡医药
    assert customers(zh) == 4


def test_an_english_reader_gets_the_english_question(team: Chat) -> None:
    team.say("alice", '/visit "上海华怡医药" type:visit')
    with pytest.raises(UsageError) as err:
        team.say("alice", "/visit 上海华怡医要 type:visit")
    assert err.value.message == ('No customer is called "上海华怡医要". Did you mean '
                                 '"上海华怡医药"? If "上海华怡医要" really is a new customer, '
                                 "add `new:yes`.")


@pytest.mark.parametrize(("typed", "known", "found"), [
    ("上海华怡医要", {"上海华怡医药": "上海华怡医药"}, ["上海华怡医药"]),
    ("华为", {"华为为": "华为为"}, ["华为为"]),
    ("华", {"华为": "华为"}, []),  # one character is too little to tell
    ("上海华怡医药", {"上海华怡": "上海华怡", "上海": "上海", "北京": "北京"},
     ["上海华怡", "上海"]),
    ("Acme Crop", {"acmecorp": "Acme Corp"}, ["acmecorp"]),
    ("Acme", {"acmecorp": "Acme Corp"}, ["acmecorp"]),
    ("Art", {"smartech": "Smartech"}, []),  # English still wants a word boundary
    ("Ac", {"acmecorp": "Acme Corp"}, []),
])
def test_similar_names(typed: str, known: dict[str, str], found: list[str]) -> None:
    assert similar_customers(typed, known) == found
