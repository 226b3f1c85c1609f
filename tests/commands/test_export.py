"""`salesbot export` writes spreadsheets people can read: refs, decimal amounts, names."""

from __future__ import annotations

import csv
from pathlib import Path

from commands.export import export_csv
from storage import repo
from tests.conftest import Chat


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
