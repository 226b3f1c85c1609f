"""`salesbot export --lang zh`: the same Chinese column headers as `/sales export lang:zh`,
in CSV files and in the workbook, and `salesbot import` reads them back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import cli
from tests.conftest import Chat

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("clean_env")


def history(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" tier:A type:demo Met the CTO')
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                      "close:2026-12-15")
    team.say("alice", '/visit "Acme Corp" type:call deal:D-1 Sent the quote')


def export(db_url: str, out: Path, *args: str) -> str:
    result = runner.invoke(cli, ["export", "--out", str(out), "--workspace", "T0TEST",
                                 "--database-url", db_url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def copy_of(team: Chat) -> None:
    copy = Chat(team.deps, team_id="T0COPY", channel_id="C0COPY")
    copy.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    copy.say("mia", "/sales team add <@UALICE|alice> <@UBOB|bob>")


def imported(db_url: str, kind: str, path: Path) -> str:
    result = runner.invoke(cli, ["import", kind, str(path), "--workspace", "T0COPY",
                                 "--database-url", db_url])
    assert result.exit_code == 0, result.output
    return result.output


def test_lang_zh_writes_chinese_csv_headers_that_import_back(team: Chat, db_url: str,
                                                            tmp_path: Path) -> None:
    history(team)
    out = tmp_path / "zh"
    said = export(db_url, out, "--lang", "zh")
    assert said.splitlines()[:3] == [f"{out / 'customers.csv'}: 1 row",
                                     f"{out / 'activities.csv'}: 2 rows",
                                     f"{out / 'deals.csv'}: 1 row"]
    assert header(out / "deals.csv")[:7] == ["工作区", "编号", "名称", "客户", "负责人", "金额",
                                             "币种"]
    assert header(out / "activities.csv")[1:5] == ["日期", "类型", "客户", "商机"]
    # a byte order mark, so Excel reads the Chinese as UTF-8
    assert (out / "customers.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    copy_of(team)
    assert [imported(db_url, kind, out / f"{kind}.csv")
            for kind in ("customers", "deals", "activities")] == [
        "Imported 1 customer. (workspace T0COPY)\n",
        "Imported 1 deal (D-1), 0 new customers. (workspace T0COPY)\n",
        "Imported 2 activities, 0 new customers. (workspace T0COPY)\n"]


def test_lang_zh_names_the_workbook_columns_in_chinese_and_keeps_their_types(
        team: Chat, db_url: str, tmp_path: Path) -> None:
    history(team)
    out = tmp_path / "zh"
    export(db_url, out, "--lang", "zh", "--format", "xlsx")
    sheet = load_workbook(out / "salesbot-export.xlsx")["deals"]
    row = [cell.value for cell in sheet[1]]
    assert row[:7] == ["工作区", "编号", "名称", "客户", "负责人", "金额", "币种"]
    amount = sheet.cell(row=2, column=row.index("金额") + 1)
    assert amount.value == 120000 and amount.number_format == "#,##0.00"  # still a number
    assert sheet.freeze_panes == "A2"

    copy_of(team)
    workbook = out / "salesbot-export.xlsx"
    assert imported(db_url, "customers", workbook) == "Imported 1 customer. (workspace T0COPY)\n"
    assert imported(db_url, "deals", workbook) == (
        "Imported 1 deal (D-1), 0 new customers. (workspace T0COPY)\n")


def test_headers_are_english_by_default_and_with_lang_en(team: Chat, db_url: str,
                                                         tmp_path: Path) -> None:
    history(team)
    export(db_url, tmp_path / "plain")
    export(db_url, tmp_path / "en", "--lang", "en")
    for out in (tmp_path / "plain", tmp_path / "en"):
        assert header(out / "deals.csv")[:3] == ["workspace", "ref", "name"]
        assert not (out / "deals.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "plain" / "deals.csv").read_bytes() == (
        tmp_path / "en" / "deals.csv").read_bytes()


def test_lang_takes_a_language(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", "--out", str(tmp_path / "x"), "--lang", "fr",
                                 "--database-url", db_url])
    assert result.exit_code == 2
    assert "--lang fr: give en or zh." in result.output
    assert not (tmp_path / "x").exists()
