"""`salesbot export` writes spreadsheets people can read: refs, decimal amounts, names."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

from commands.io.export import ExportFormat, csv_bytes, export_csv, export_tables, write_export
from storage import repo
from tests.conftest import Chat, Clock


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_writes_all_four_files(team: Chat, tmp_path: Path) -> None:
    team.say("alice", '/visit "Acme Corp" type:demo outcome:positive Met the CTO')
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                      "stage:proposal close:2026-12-15")
    team.say("alice", "/deal D-1 stage:negotiation amount:150,000.50")
    with team.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, team.team_id)
        assert ws is not None
        counts = export_csv(session, ws.id, tmp_path)
    assert counts == {"customers.csv": 1, "activities.csv": 1, "deals.csv": 1,
                      "deal_history.csv": 5, "targets.csv": 0,
                      "follow_ups.csv": 0,
                      "forecast_calls.csv": 0, "forecast_adjustments.csv": 0}
    [deal] = read(tmp_path / "deals.csv")
    assert (deal["ref"], deal["owner"], deal["amount"], deal["currency"], deal["stage"]) == (
        "D-1", "alice", "150000.50", "USD", "negotiation")
    assert deal["expected_close"] == "2026-12-15"
    [act] = read(tmp_path / "activities.csv")
    assert (act["type"], act["customer"], act["outcome"], act["notes"]) == (
        "demo", "Acme Corp", "positive", "Met the CTO")
    history = read(tmp_path / "deal_history.csv")
    assert [(h["field"], h["old"], h["new"]) for h in history][-2:] == [
        ("amount", "120000.00 USD", "150000.50 USD"), ("stage", "proposal", "negotiation")]
    [customer] = read(tmp_path / "customers.csv")
    assert (customer["name"], customer["tier"]) == ("Acme Corp", "C")


def test_export_of_one_workspace_leaves_others_out(team: Chat, tmp_path: Path) -> None:
    team.say("alice", '/visit "Acme Corp" hi')
    other = Chat(team.deps, team_id="T0OTHER")
    other.say("zoe", '/visit "Initech" hi')
    with team.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, "T0OTHER")
        assert ws is not None
        counts = export_csv(session, ws.id, tmp_path)
        assert counts["customers.csv"] == 1
        assert read(tmp_path / "customers.csv")[0]["name"] == "Initech"
        assert export_csv(session, None, tmp_path)["customers.csv"] == 2


def test_export_reads_like_a_spreadsheet(team: Chat, clock: Clock, tmp_path: Path) -> None:
    team.say("alice", '/visit "Acme Corp" tier:A type:demo outcome:positive next:"send quote" '
                      "Met 王总, wants pricing")
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                      "stage:qualified close:2026-12-15")
    team.say("alice", '/visit "Acme Corp" type:call deal:D-1 Chased the quote')
    clock.now += timedelta(days=1)
    team.say("alice", "/deal D-1 close:2027-01-15")
    team.say("bob", '/deal new "Acme pilot" customer:"Acme Corp" amount:8,500.5')
    team.say("bob", '/deal D-2 lost reason:"price"')
    with team.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, team.team_id)
        assert ws is not None
        counts = export_csv(session, ws.id, tmp_path)
    assert counts == {"customers.csv": 1, "activities.csv": 2, "deals.csv": 2,
                      "deal_history.csv": 7, "targets.csv": 0,
                      "follow_ups.csv": 0,
                      "forecast_calls.csv": 0, "forecast_adjustments.csv": 0}

    assert read(tmp_path / "customers.csv") == [
        {"workspace": "T0TEST", "name": "Acme Corp", "tier": "A", "owner": "alice",
         "created_at": "2026-11-22T09:00:00+00:00"}]
    demo, call = read(tmp_path / "activities.csv")
    assert demo == {
        "workspace": "T0TEST", "date": "2026-11-22", "type": "demo", "customer": "Acme Corp",
        "deal": "", "member": "alice", "outcome": "positive", "notes": "Met 王总, wants pricing",
        "next_step": "send quote", "logged_at": "2026-11-22T09:00:00+00:00",
        "follow_up_by": "", "follow_up_done_at": ""}
    assert (call["type"], call["deal"], call["outcome"], call["next_step"]) == (
        "call", "D-1", "", "")

    renewal, pilot = read(tmp_path / "deals.csv")
    assert renewal == {
        "workspace": "T0TEST", "ref": "D-1", "name": "Acme renewal", "customer": "Acme Corp",
        "owner": "alice", "amount": "120000.00", "currency": "USD", "stage": "qualified",
        "expected_close": "2027-01-15", "created_at": "2026-11-22T09:00:00+00:00",
        "closed_at": "", "lost_reason": "", "forecast_category": ""}
    assert (pilot["ref"], pilot["owner"], pilot["amount"], pilot["stage"], pilot["closed_at"],
            pilot["lost_reason"], pilot["expected_close"]) == (
        "D-2", "bob", "8500.50", "lost", "2026-11-23T09:00:00+00:00", "price", "")

    history = [(h["deal"], h["field"], h["old"], h["new"], h["changed_by"], h["changed_at"])
               for h in read(tmp_path / "deal_history.csv")]
    created, pushed = "2026-11-22T09:00:00+00:00", "2026-11-23T09:00:00+00:00"
    assert history == [
        ("D-1", "stage", "", "qualified", "alice", created),
        ("D-1", "amount", "", "120000.00 USD", "alice", created),
        ("D-1", "close", "", "2026-12-15", "alice", created),
        ("D-1", "close", "2026-12-15", "2027-01-15", "alice", pushed),
        ("D-2", "stage", "", "lead", "bob", pushed),
        ("D-2", "amount", "", "8500.50 USD", "bob", pushed),
        ("D-2", "stage", "lead", "lost", "bob", pushed),
    ]


def test_export_of_an_empty_workspace_writes_headers_only(team: Chat, tmp_path: Path) -> None:
    with team.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, team.team_id)
        assert ws is not None
        counts = export_csv(session, ws.id, tmp_path / "out")
    assert counts == {"customers.csv": 0, "activities.csv": 0, "deals.csv": 0,
                      "deal_history.csv": 0, "targets.csv": 0,
                      "follow_ups.csv": 0,
                      "forecast_calls.csv": 0, "forecast_adjustments.csv": 0}
    header = (tmp_path / "out" / "deals.csv").read_text(encoding="utf-8").splitlines()
    assert header == ["workspace,ref,name,customer,owner,amount,currency,stage,expected_close,"
                      "created_at,closed_at,lost_reason,forecast_category"]


def workspace_id(chat: Chat) -> int:
    with chat.deps.session_factory() as session:
        ws = repo.workspaces.get_workspace(session, chat.team_id)
        assert ws is not None
        return ws.id


def member_id(chat: Chat, name: str) -> int:
    ws_id = workspace_id(chat)
    with chat.deps.session_factory() as session:
        [member] = repo.workspaces.members_named(session, ws_id, name)
        return member.id


def test_targets_are_exported_with_their_period_and_tiers(team: Chat, tmp_path: Path) -> None:
    team.say("mia", "/target set team revenue 1.2M quarter:2026-Q4")
    team.say("mia", "/target set @alice revenue 300k month:2026-12 stretch:360k challenge:420k")
    team.say("mia", "/target set @bob visits 2.5 week:2026-W49")
    ws_id = workspace_id(team)
    with team.deps.session_factory() as session:
        counts = export_csv(session, ws_id, tmp_path)
    assert counts["targets.csv"] == 3
    east, alice, bob = read(tmp_path / "targets.csv")
    set_at = "2026-11-22T09:00:00+00:00"
    assert east == {
        "workspace": "T0TEST", "scope": "East", "scope_kind": "team", "metric": "revenue",
        "period_kind": "quarter", "period": "2026-Q4", "start": "2026-10-01",
        "end": "2026-12-31", "target": "1200000.00", "stretch": "", "challenge": "",
        "currency": "USD", "split": "even", "set_by": "mia", "set_at": set_at}
    assert (alice["scope"], alice["scope_kind"], alice["period"], alice["target"],
            alice["stretch"], alice["challenge"]) == (
        "alice", "rep", "2026-12", "300000.00", "360000.00", "420000.00")
    assert (bob["metric"], bob["period_kind"], bob["period"], bob["start"], bob["end"],
            bob["target"], bob["currency"]) == (
        "visits", "week", "2026-W49", "2026-11-30", "2026-12-06", "2.5", "")  # a count, not 2.50


def test_member_ids_keep_to_what_those_people_own(team: Chat, tmp_path: Path) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    team.say("alice", '/visit "Initech" Intro')  # Initech is alice's
    team.say("bob", '/visit "Initech" Follow-up')  # ...but bob has worked with it too
    team.say("bob", '/deal new "Globex pilot" customer:"Globex" amount:5k')
    team.say("mia", "/target set team revenue 1.2M quarter:2026-Q4")
    team.say("mia", "/target set @alice revenue 300k month:2026-12")
    team.say("mia", "/target set @bob revenue 300k month:2026-12")
    bob, ws_id = member_id(team, "bob"), workspace_id(team)
    with team.deps.session_factory() as session:
        mine = export_tables(session, ws_id, member_ids=[bob])
        everyone = export_tables(session, ws_id)
    assert list(mine["customers"]["name"]) == ["Globex", "Initech"]
    assert list(mine["deals"]["ref"]) == ["D-2"]
    assert list(mine["deal_history"]["deal"]) == ["D-2", "D-2"]
    assert list(mine["activities"]["notes"]) == ["Follow-up"]
    assert [(t["scope"], t["period"]) for t in mine["targets"].to_dict("records")] == [
        ("East", "2026-Q4"), ("bob", "2026-12")]
    assert {name: len(frame) for name, frame in everyone.items()} == {
        "customers": 3, "activities": 2, "deals": 2, "deal_history": 4, "targets": 3,
            "follow_ups": 0, "forecast_calls": 0, "forecast_adjustments": 0}
    with team.deps.session_factory() as session:
        nobody = export_tables(session, ws_id, member_ids=[])
    assert all(frame.empty for frame in nobody.values())
    assert list(nobody["deals"].columns) == list(everyone["deals"].columns)


def test_csv_bytes_are_the_files_written(team: Chat, tmp_path: Path) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    ws_id = workspace_id(team)
    with team.deps.session_factory() as session:
        tables = export_tables(session, ws_id)
    files = csv_bytes(tables)
    assert list(files) == ["customers.csv", "activities.csv", "deals.csv", "deal_history.csv",
                           "targets.csv", "follow_ups.csv", "forecast_calls.csv",
                           "forecast_adjustments.csv"]
    assert write_export(tables, tmp_path, "csv") == {
        "customers": 1, "activities": 0, "deals": 1, "deal_history": 2, "targets": 0,
            "follow_ups": 0, "forecast_calls": 0, "forecast_adjustments": 0}
    for name, data in files.items():
        assert (tmp_path / name).read_bytes() == data
    assert files["deals.csv"].decode().splitlines()[1].startswith("T0TEST,D-1,Acme renewal,")


def test_xlsx_is_one_workbook_with_a_sheet_per_table(team: Chat, tmp_path: Path) -> None:
    team.say("alice", '/visit "Acme Corp" type:demo Met the CTO')
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120,000.50 '
                      "close:2026-12-15")
    team.say("mia", "/target set @alice revenue 300k month:2026-12")
    ws_id = workspace_id(team)
    with team.deps.session_factory() as session:
        tables = export_tables(session, ws_id)
    counts = write_export(tables, tmp_path / "out", ExportFormat.XLSX)
    assert counts == {"customers": 1, "activities": 1, "deals": 1, "deal_history": 3,
                      "targets": 1,
            "follow_ups": 0, "forecast_calls": 0, "forecast_adjustments": 0}
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["salesbot-export.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "out" / "salesbot-export.xlsx")
    assert book.sheetnames == ["customers", "activities", "deals", "deal_history", "targets",
                               "follow_ups", "forecast_calls", "forecast_adjustments"]
    header, deal = book["deals"].iter_rows(values_only=True)
    row = dict(zip(header, deal, strict=True))
    # amounts are numbers and dates are dates, so the spreadsheet can sum and sort them
    assert (row["ref"], row["amount"], row["currency"], row["expected_close"]) == (
        "D-1", 120000.5, "USD", datetime(2026, 12, 15))  # noqa: DTZ001 - Excel dates are naive
    assert row["created_at"] == "2026-11-22T09:00:00+00:00"
    assert row["closed_at"] is None
    header, target = book["targets"].iter_rows(values_only=True)
    assert dict(zip(header, target, strict=True))["target"] == 300000
    assert book["activities"]["D2"].value == "Acme Corp"
