"""The core layer's messages in Chinese; English stays as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commands.core.errors import UsageError
from commands.core.fx import (
    Counted,
    FxChange,
    LeftOut,
    describe_counted,
    describe_left_out,
    parse_fx,
)
from commands.core.i18n import use_locale
from commands.core.limits import check_command_text, too_long
from commands.core.text import choice, yes_no
from commands.dispatch import parse_command

EURO = LeftOut("D-2", "Euro deal", Decimal(120_000), "EUR",
               "in EUR, and no EUR→CNY rate is set (`/sales config fx:EUR=<rate>`)", "CNY",
               "`/sales config fx:EUR=<rate>`")


def test_deals_left_out_of_a_total() -> None:
    assert describe_left_out([EURO]) == ("Left out: D-2 Euro deal (120,000 EUR): in EUR, and no "
                                         "EUR→CNY rate is set (`/sales config fx:EUR=<rate>`).")
    with use_locale("zh"):
        assert describe_left_out([EURO] * 7) == (
            "未计入：" + "；".join(["D-2 Euro deal（120,000 EUR）：币种为 EUR，且未设置 EUR→CNY "
                                  "汇率（`/sales config fx:EUR=<rate>`）"] * 5) + "；另有 2 个。")


def test_deals_converted_into_a_total() -> None:
    euro = Counted("D-2", "Euro deal", Decimal(10_000), "EUR", Decimal("7.7"), Decimal(77_000))
    assert describe_counted([euro], "CNY") == "Converted: D-2 10,000 EUR as 77,000 CNY at 7.7."
    with use_locale("zh"):
        assert describe_counted([euro], "CNY") == "已换算：D-2 10,000 EUR 按汇率 7.7 折合 ¥7.7万。"


def test_a_rate_is_removed_in_chinese_words_too() -> None:
    assert parse_fx("EUR=关闭，USD=7.1") == (FxChange("EUR", None, None),
                                           FxChange("USD", None, Decimal("7.1")))


def test_choices_in_chinese() -> None:
    assert choice("经理", ("rep", "manager", "admin"), "role") == "manager"
    assert yes_no("是", "new") is True and yes_no("否", "new") is False
    with use_locale("zh"), pytest.raises(UsageError) as caught:
        choice("经里", ("rep", "manager", "admin"), "role")
    assert caught.value.message == ("`role:经里` 无效。你是想输入 `经理` 吗？"
                                    "可选：销售、经理、管理员。")


def test_lengths_in_chinese() -> None:
    assert too_long("notes", 3001, 3000) == ("The notes are 3,001 characters long; the limit is "
                                             "3,000. Shorten it and try again.")
    with use_locale("zh"):
        assert too_long("deal name", 201, 200) == ("商机名称有 201 个字符，上限是 200。"
                                                   "请缩短后重试。")
        with pytest.raises(UsageError, match="这条命令有 12,001 个字符"):
            check_command_text("x" * 12_001)


def test_an_unknown_command_in_chinese() -> None:
    with use_locale("zh"), pytest.raises(UsageError) as caught:
        parse_command("/visits", "Acme")
    assert caught.value.message == "`/visits` 不是 salesbot 的命令。试试 `/sales 帮助`。"
