"""`salesbot export` writes spreadsheets people can read: refs, decimal amounts, names."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from commands.export import export_csv
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
        ws = repo.get_workspace(session, team.team_id)
        assert ws is not None
        counts = export_csv(session, ws.id, tmp_path)
    assert counts == {"customers.csv": 1, "activities.csv": 1, "deals.csv": 1,
                      "deal_history.csv": 5}
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
        ws = repo.get_workspace(session, "T0OTHER")
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
        ws = repo.get_workspace(session, team.team_id)
        assert ws is not None
        counts = export_csv(session, ws.id, tmp_path)
    assert counts == {"customers.csv": 1, "activities.csv": 2, "deals.csv": 2,
                      "deal_history.csv": 7}

    assert read(tmp_path / "customers.csv") == [
        {"workspace": "T0TEST", "name": "Acme Corp", "tier": "A", "owner": "alice",
         "created_at": "2026-11-22T09:00:00+00:00"}]
    demo, call = read(tmp_path / "activities.csv")
    assert demo == {
        "workspace": "T0TEST", "date": "2026-11-22", "type": "demo", "customer": "Acme Corp",
        "deal": "", "member": "alice", "outcome": "positive", "notes": "Met 王总, wants pricing",
        "next_step": "send quote", "logged_at": "2026-11-22T09:00:00+00:00"}
    assert (call["type"], call["deal"], call["outcome"], call["next_step"]) == (
        "call", "D-1", "", "")

    renewal, pilot = read(tmp_path / "deals.csv")
    assert renewal == {
        "workspace": "T0TEST", "ref": "D-1", "name": "Acme renewal", "customer": "Acme Corp",
        "owner": "alice", "amount": "120000.00", "currency": "USD", "stage": "qualified",
        "expected_close": "2027-01-15", "created_at": "2026-11-22T09:00:00+00:00",
        "closed_at": "", "lost_reason": ""}
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
        ws = repo.get_workspace(session, team.team_id)
        assert ws is not None
        counts = export_csv(session, ws.id, tmp_path / "out")
    assert counts == {"customers.csv": 0, "activities.csv": 0, "deals.csv": 0,
                      "deal_history.csv": 0}
    header = (tmp_path / "out" / "deals.csv").read_text(encoding="utf-8").splitlines()
    assert header == ["workspace,ref,name,customer,owner,amount,currency,stage,expected_close,"
                      "created_at,closed_at,lost_reason"]
