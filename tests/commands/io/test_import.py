"""`salesbot import`: every row checked, all written or none, and safe to run twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from commands.core.errors import UsageError
from commands.io.export import ExportFormat, write_export
from commands.io.importer.check import day_first
from commands.io.importer.read import read_rows
from commands.io.importer.write import apply_import
from storage.models import Activity, Customer, Deal, Tier
from tests.commands.helpers import records, run_import, same_people_elsewhere, tables_of, write_csv
from tests.conftest import Chat, Clock


def build_history(team: Chat, clock: Clock) -> None:
    team.say("alice", '/visit "Acme Corp" tier:A type:demo outcome:positive next:"send quote" '
                      "Met 王总, wants pricing")
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k '
                      "stage:qualified close:2026-12-15")
    team.say("alice", '/visit "Acme Corp" type:call deal:D-1 Chased the quote')
    clock.now += timedelta(days=1)
    team.say("bob", '/deal new "Initech pilot" customer:"Initech" tier:B amount:8,500.5 '
                    "currency:EUR")
    team.say("bob", "/deal D-2 won")
    team.say("bob", '/deal new "Globex rollout" customer:"Globex" amount:1m')
    team.say("bob", '/deal D-3 lost reason:"price, again"')
    team.say("bob", "/visit Initech type:meeting outcome:negative on:yesterday Kick-off")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_workspace_reproduces_the_rows(
        team: Chat, clock: Clock, tmp_path: Path, fmt: str) -> None:
    build_history(team, clock)
    original = tables_of(team)
    write_export(original, tmp_path, ExportFormat(fmt))
    copy = same_people_elsewhere(team)
    clock.now += timedelta(days=30)  # imported later: the file's dates must win

    for kind in ("customers", "deals", "activities"):
        path = tmp_path / ("salesbot-export.xlsx" if fmt == "xlsx" else f"{kind}.csv")
        plan, result = run_import(copy, kind, path, clock.now)
        assert plan.ok, plan.problems
        assert result is not None and result.skipped == 0

    copied = tables_of(copy)
    for table in ("customers", "deals", "activities"):
        assert records(copied[table]) == records(original[table]), table
    assert [r["name"] for r in records(copied["customers"])] == ["Acme Corp", "Globex",
                                                                 "Initech"]
    assert [(r["ref"], r["stage"], r["amount"], r["currency"]) for r in
            records(copied["deals"])] == [("D-1", "qualified", "120000.00", "USD"),
                                          ("D-2", "won", "8500.50", "EUR"),
                                          ("D-3", "lost", "1000000.00", "USD")]
    # each imported deal starts its history the way a deal created in chat does
    history = [(h["deal"], h["field"], h["new"]) for h in records(copied["deal_history"])]
    assert history[:3] == [("D-1", "stage", "qualified"), ("D-1", "amount", "120000.00 USD"),
                           ("D-1", "close", "2026-12-15")]


def test_reimporting_the_same_files_skips_every_row(team: Chat, clock: Clock,
                                                     tmp_path: Path) -> None:
    build_history(team, clock)
    write_export(tables_of(team), tmp_path, ExportFormat.CSV)
    before = {name: len(frame) for name, frame in tables_of(team).items()}

    for kind, rows in (("customers", 3), ("deals", 3), ("activities", 3)):
        plan, result = run_import(team, kind, tmp_path / f"{kind}.csv", clock.now)
        assert result is not None
        assert (plan.size, len(plan.skipped), result.skipped) == (0, rows, rows)
    assert {name: len(frame) for name, frame in tables_of(team).items()} == before

    plan, _ = run_import(team, "deals", tmp_path / "deals.csv", clock.now, apply=False)
    assert [str(s) for s in plan.skipped] == [
        'line 2: skipped, deal "Acme renewal" with Acme Corp is already there (D-1)',
        'line 3: skipped, deal "Initech pilot" with Initech is already there (D-2)',
        'line 4: skipped, deal "Globex rollout" with Globex is already there (D-3)',
    ]


def test_a_row_repeated_within_the_file_is_imported_once(team: Chat, clock: Clock,
                                                         tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["name", "tier"], ["Acme Corp", "A"],
                                          ["ACME  corp", "B"], ["Initech", ""]])
    plan, result = run_import(team, "customers", path, clock.now)
    assert [str(s) for s in plan.skipped] == [
        'line 3: skipped, customer "ACME corp" is the same as line 2']
    assert result is not None and result.message() == \
        "Imported 2 customers; skipped 1 row already there."
    with team.deps.session_factory() as session:
        tiers = session.execute(select(Customer.name, Customer.tier).order_by(Customer.name))
        assert tiers.all() == [("Acme Corp", Tier.A), ("Initech", Tier.C)]


SALESFORCE_HEADER = ["Opportunity Name", "Account Name", "Amount", "Stage", "Close Date",
                     "Opportunity Owner", "Probability (%)"]


def test_a_salesforce_opportunity_report_imports_with_our_stages(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    team.say("alice", '/visit "Acme Corp" Intro')
    path = write_csv(tmp_path / "report.csv", [
        SALESFORCE_HEADER,
        ["Acme renewal", "ACME corp", "USD 120,000.00", "Negotiation/Review", "12/15/2026",
         "Alice", "90"],
        ["Initech pilot", "Initech", "$8,500.50", "Closed Won", "11/2/2026", "bob", "100"],
        ["Globex rollout", "Globex", "45000", "Closed Lost", "10/30/2026", "alice", "0"],
        ["Umbrella trial", "Umbrella", "1,000", "Prospecting", "1/5/2027", "bob", "10"],
        ["Hooli upsell", "Hooli", "250000", "Proposal/Price Quote", "", "alice", "75"],
    ])
    plan, result = run_import(team, "deals", path, clock.now, apply=False)
    assert plan.ok and plan.layout == "Salesforce report"
    assert plan.summary() == "5 deals, 4 new customers"

    plan, result = run_import(team, "deals", path, clock.now)
    assert result is not None
    assert result.message() == "Imported 5 deals (D-1 to D-5), 4 new customers."
    with team.deps.session_factory() as session:
        deals = session.scalars(select(Deal).order_by(Deal.number)).all()
        got = [(d.ref, d.customer.name, d.owner.name, d.amount_minor, d.currency, d.stage,
                d.expected_close, d.closed_at) for d in deals]
        assert got == [
            ("D-1", "Acme Corp", "alice", 12_000_000, "USD", "negotiation", date(2026, 12, 15),
             None),
            ("D-2", "Initech", "bob", 850_050, "USD", "won", date(2026, 11, 2),
             datetime(2026, 11, 2, tzinfo=UTC)),
            ("D-3", "Globex", "alice", 4_500_000, "USD", "lost", date(2026, 10, 30),
             datetime(2026, 10, 30, tzinfo=UTC)),
            ("D-4", "Umbrella", "bob", 100_000, "USD", "lead", date(2027, 1, 5), None),
            ("D-5", "Hooli", "alice", 25_000_000, "USD", "proposal", None, None),
        ]
        assert all(d.created_at == clock.now for d in deals)
        assert deals[2].lost_reason is None
        assert [(h.field, h.new_value, h.changed_by.name) for h in deals[1].history] == [
            ("stage", "won", "bob"), ("amount", "8500.50 USD", "bob"),
            ("close", "2026-11-02", "bob")]
        new = session.scalars(select(Customer).where(Customer.name != "Acme Corp")
                              .order_by(Customer.name)).all()
        assert [(c.name, c.tier, c.owner.name if c.owner else None) for c in new] == [
            ("Globex", Tier.C, "alice"), ("Hooli", Tier.C, "alice"),
            ("Initech", Tier.C, "bob"), ("Umbrella", Tier.C, "bob")]


def test_a_salesforce_workbook_with_real_dates_and_numbers(team: Chat, clock: Clock,
                                                           tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Report"
    sheet.append([*SALESFORCE_HEADER[:6], "Created Date"])  # cells hold dates and numbers
    sheet.append(["Acme renewal", "Acme Corp", 120000.5, "Qualification",
                  date(2026, 12, 15), "alice", date(2026, 9, 1)])
    sheet.append([])  # a blank row keeps its number
    sheet.append(["Initech pilot", "Initech", 8500, "closed won", date(2026, 11, 2),
                  "bob", date(2026, 10, 1)])
    sheet.append(["Globex", "Globex", "lots", "Closed Wonn", date(2026, 11, 2), "bob",
                  None])
    path = tmp_path / "report.xlsx"
    book.save(path)

    plan, _ = run_import(team, "deals", path, clock.now, apply=False)
    assert [str(p) for p in plan.problems] == [
        'line 5: `Amount:lots` is not an amount. Try 120000, 120,000, 120k, 1.2m, $120k or '
        '12万.; unknown stage "Closed Wonn" (did you mean "Closed Won"?); stages are lead, '
        "qualified, proposal, negotiation, won, lost (or Salesforce's, like Closed Won)"]

    sheet.delete_rows(5)
    book.save(path)
    plan, result = run_import(team, "deals", path, clock.now)
    assert result is not None and result.deals == 2
    with team.deps.session_factory() as session:
        deals = session.scalars(select(Deal).order_by(Deal.number)).all()
        assert [(d.amount_minor, d.stage, d.expected_close, d.created_at) for d in deals] == [
            (12_000_050, "qualified", date(2026, 12, 15), datetime(2026, 9, 1, tzinfo=UTC)),
            (850_000, "won", date(2026, 11, 2), datetime(2026, 10, 1, tzinfo=UTC))]


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "deals.csv", [
        ["name", "customer", "owner", "amount", "stage", "expected_close", "lost_reason"],
        ["Acme renewal", "Acme Corp", "alice", "120000", "proposal", "2026-12-15", ""],
        ["Globex", "Globex", "bob", "5000", "lost", "", "too\nexpensive"],  # lines 3-4
        ["Initech pilot", "Initech", "alcie", "12x", "negotiaton", "2026-13-01", ""],
        ["", "Hooli", "bob", "100", "lead", "", ""],
        ["Umbrella", "Umbrella", "nobody", "100.123", "won", "soon", ""],
    ])
    plan, result = run_import(team, "deals", path, clock.now)
    assert result is None and not plan.ok
    assert [str(p) for p in plan.problems] == [
        'line 5: owner "alcie" is not anyone in this workspace (did you mean "alice"?); '
        "`amount:12x` is not an amount. Try 120000, 120,000, 120k, 1.2m, $120k or 12万.; "
        'unknown stage "negotiaton" (did you mean "negotiation"?); stages are lead, '
        "qualified, proposal, negotiation, won, lost (or Salesforce's, like Closed Won); "
        'expected_close "2026-13-01" is not a real date',
        "line 6: name is empty",
        'line 7: owner "nobody" is not anyone in this workspace; `amount:100.123` has more '
        'than two decimal places.; expected_close "soon" is not a date; write it like '
        "2026-12-15",
    ]
    with team.deps.session_factory() as session:
        assert session.scalars(select(Deal)).all() == []
        assert session.scalars(select(Customer)).all() == []


def test_apply_refuses_a_plan_with_problems(team: Chat, clock: Clock, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["name", "tier"], ["Acme", "Z"]])
    plan, _ = run_import(team, "customers", path, clock.now, apply=False)
    assert [str(p) for p in plan.problems] == ['line 2: tier "Z" is not A, B or C']
    with team.deps.session_factory() as session, pytest.raises(ValueError):
        apply_import(plan, session=session)


def test_activities_link_deals_of_the_same_customer_only(team: Chat, clock: Clock,
                                                        tmp_path: Path) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    path = write_csv(tmp_path / "activities.csv", [
        ["date", "type", "customer", "person", "outcome", "notes", "deal"],
        ["2026-11-20", "Visit", "Acme Corp", "@alice", "positive", "Met the CTO", "D-1"],
        ["2026-11-21", "call", "Initech", "bob", "", "", ""],
        ["2026-11-21", "call", "Initech", "bob", "", "", "D-1"],
        ["2026-11-21", "cal", "Initech", "bob", "great", "", "D-7"],
        ["2026-11-30", "email", "Initech", "bob", "", "", "X"],
    ])
    plan, _ = run_import(team, "activities", path, clock.now, apply=False)
    assert [str(p) for p in plan.problems] == [
        "line 4: D-1 is a deal with Acme Corp, not Initech",
        'line 5: type "cal" is not one of visit, call, demo, meeting, email (did you mean '
        '"call"?); outcome "great" is not one of positive, neutral, negative; there is no '
        "deal D-7 in this workspace",
        'line 6: date 2026-11-30 is in the future; deal "X" is not a deal reference like D-3',
    ]

    path = write_csv(tmp_path / "activities.csv", [
        ["date", "type", "customer", "person", "outcome", "notes", "deal"],
        ["2026-11-20", "Visit", "Acme Corp", "@alice", "positive", "Met the CTO", "D-1"],
        ["11/21/2026", "call", "Initech", "bob", "", "", ""],
    ])
    plan, result = run_import(team, "activities", path, clock.now)
    assert result is not None and result.message() == \
        "Imported 2 activities, 1 new customer."
    with team.deps.session_factory() as session:
        acts = session.scalars(select(Activity).order_by(Activity.occurred_on)).all()
        assert [(a.occurred_on, a.type.value, a.customer.name, a.member.name,
                 a.deal.ref if a.deal else None, a.logged_at) for a in acts] == [
            (date(2026, 11, 20), "visit", "Acme Corp", "alice", "D-1", clock.now),
            (date(2026, 11, 21), "call", "Initech", "bob", None, clock.now)]
    plan, result = run_import(team, "activities", path, clock.now)
    assert plan.size == 0 and [str(s) for s in plan.skipped] == [
        "line 2: skipped, this visit with Acme Corp on 2026-11-20 is already there",
        "line 3: skipped, this call with Initech on 2026-11-21 is already there"]


def test_missing_columns_name_both_layouts(tmp_path: Path, team: Chat, clock: Clock) -> None:
    path = write_csv(tmp_path / "deals.csv", [["name", "Amount", "Stage"], ["x", "1", "lead"]])
    with pytest.raises(UsageError) as err:
        run_import(team, "deals", path, clock.now)
    assert str(err.value) == (
        "The file does not have the columns to import deals. Expected one of these "
        "layouts:\n"
        "  - salesbot's export: name, customer, owner, amount, stage (optional: currency, "
        "expected_close, created_at, closed_at, lost_reason); missing: customer, owner\n"
        "  - a Salesforce report: Opportunity Name, Account Name, Amount, Stage, Close Date, "
        "Opportunity Owner (optional: Opportunity Currency or Amount Currency, Created Date); "
        "missing: "
        "Opportunity Name, Account Name, Close Date, Opportunity Owner\n"
        "The file's columns: name, Amount, Stage.")


def test_a_deals_file_is_not_taken_for_customers(tmp_path: Path, team: Chat,
                                                 clock: Clock) -> None:
    team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    write_export(tables_of(team), tmp_path, ExportFormat.CSV)
    with pytest.raises(UsageError) as err:
        run_import(team, "customers", tmp_path / "deals.csv", clock.now)
    assert str(err.value) == (
        "This file has the columns of deals (name, customer, owner, amount, stage), not just "
        "customers: import it with `salesbot import deals ...`; the customers it names are "
        "created along the way.")


def test_unreadable_files_get_a_plain_reason(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="There is no file"):
        read_rows(tmp_path / "nope.csv")
    (tmp_path / "deals.json").write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError, match=r'unknown file type "\.json". Give a \.csv or \.xlsx'):
        read_rows(tmp_path / "deals.json")
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"empty\.csv is empty"):
        read_rows(tmp_path / "empty.csv")
    (tmp_path / "latin.csv").write_bytes("name\nCafé Müller\n".encode("latin-1"))
    with pytest.raises(UsageError, match='save it as "CSV UTF-8"'):
        read_rows(tmp_path / "latin.csv")


def test_excel_style_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("\ufeffname;tier\r\nAcme Corp;A\r\n\r\n\"Globex;\r\nEast\";B\r\nX;C\r\n"
                     .encode())
    rows = read_rows(path)
    assert list(rows.columns) == ["name", "tier"]
    assert list(rows.index) == [2, 4, 6]
    assert rows.loc[4, "name"] == "Globex;\r\nEast"


def test_dates_are_read_day_first_only_when_the_file_says_so() -> None:
    assert not day_first(["12/15/2026", "03/04/2026"])
    assert day_first(["03/04/2026", "15/12/2026"])
    assert day_first(["15.12.2026"])
    assert not day_first(["2026-12-15", ""])
