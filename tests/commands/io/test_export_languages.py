"""/sales export lang:zh: Chinese column headers a spreadsheet in China opens as they are,
and files the importer reads back; English headers by default, as always."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from commands.core.errors import UsageError
from commands.io.sales_export import ExportArgs, parse_export
from tests.commands.helpers import records, run_import, same_people_elsewhere, tables_of
from tests.commands.io.test_import import build_history
from tests.conftest import Chat, Clock


def _exported(team: Chat, line: str) -> dict[str, bytes]:
    """The CSV files /sales export sends mia, by table (`deals`)."""
    reply = team.as_("mia", line)
    assert reply is not None
    return {name.rsplit("-", 1)[-1].removesuffix(".csv"): data for name, data in reply.files}


def _header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_export_headers_are_english_by_default(team: Chat, clock: Clock) -> None:
    build_history(team, clock)
    files = _exported(team, "/sales export")
    assert _header(files["deals"])[:6] == ["workspace", "ref", "name", "customer", "owner",
                                           "amount"]
    assert not files["deals"].startswith(b"\xef\xbb\xbf")  # byte for byte as before


def test_lang_zh_gives_chinese_headers_that_import_back(team: Chat, clock: Clock,
                                                        tmp_path: Path) -> None:
    build_history(team, clock)
    original = tables_of(team)
    files = _exported(team, "/sales export lang:zh")
    assert _header(files["deals"])[:7] == ["工作区", "编号", "名称", "客户", "负责人", "金额",
                                           "币种"]
    assert _header(files["activities"])[1:5] == ["日期", "类型", "客户", "商机"]
    # a byte order mark, so Excel reads the Chinese as UTF-8
    assert files["customers"].startswith(b"\xef\xbb\xbf")
    copy = same_people_elsewhere(team)
    clock.now += timedelta(days=30)
    for kind in ("customers", "deals", "activities"):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(files[kind])
        plan, result = run_import(copy, kind, path, clock.now)
        assert plan.ok, plan.problems
        assert result is not None and result.skipped == 0
    copied = tables_of(copy)
    for table in ("customers", "deals", "activities"):
        assert records(copied[table]) == records(original[table]), table


def test_lang_takes_a_language() -> None:
    assert parse_export("") == ExportArgs()
    assert parse_export("lang:zh") == ExportArgs("zh")
    assert parse_export("lang:中文") == ExportArgs("zh")
    assert parse_export("lang:en") == ExportArgs("en")
    with pytest.raises(UsageError, match="lang:fr"):
        parse_export("lang:fr")
    with pytest.raises(UsageError, match="takes nothing more"):
        parse_export("everything")


def test_a_chinese_reader_gets_chinese_headers_unless_lang_says_otherwise(
        team: Chat, clock: Clock) -> None:
    build_history(team, clock)
    team.say("mia", "/sales lang zh")
    files = _exported(team, "/sales export")
    assert _header(files["deals"])[:3] == ["工作区", "编号", "名称"]
    assert files["deals"].startswith(b"\xef\xbb\xbf")
    english = _exported(team, "/sales export lang:en")
    assert _header(english["deals"])[:3] == ["workspace", "ref", "name"]
    assert not english["deals"].startswith(b"\xef\xbb\xbf")


def test_the_usage_error_names_both_languages() -> None:
    with pytest.raises(UsageError, match="`lang:en` or `lang:zh`"):
        parse_export("everything")
