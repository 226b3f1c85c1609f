"""Money keeps its currency: every documented amount form, only real ISO 4217 codes, totals
that never add two currencies, exchange rates an admin set, and splits without stray cents."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from bot.dispatch import Caller, actor_for
from bot.render.reports import digest_sections
from bot.settings import Settings
from commands.core.errors import PermissionDenied, UsageError
from commands.core.fx import Rate, Rates, tally
from commands.core.money import format_count, format_money, parse_amount, parse_currency
from commands.plan.activity import ActivityRates, derive_activity_plan
from commands.plan.decomposition import allocate
from commands.reports.digest import DigestArgs, run_digest
from storage.models import Base, Deal, FxRate
from tests.commands.helpers import run_import, write_csv
from tests.conftest import NOW, Chat, Clock

EURO_DEAL = '/deal new "Euro deal" customer:"Acme Corp" amount:120k EUR stage:lead'


def row_counts(chat: Chat) -> dict[str, int]:
    with chat.deps.session_factory() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0
                for t in Base.metadata.sorted_tables}


@contextmanager
def writes_nothing(chat: Chat) -> Iterator[None]:
    before = row_counts(chat)
    yield
    assert row_counts(chat) == before


def deals(chat: Chat) -> list[tuple[str, Decimal, str]]:
    with chat.deps.session_factory() as session:
        return [(d.name, d.amount, d.currency)
                for d in session.scalars(select(Deal).order_by(Deal.number))]


# --- every documented amount form keeps its currency ------------------------------------------


def test_the_readme_amount_form_keeps_eur(team: Chat) -> None:
    out = team.say("alice", EURO_DEAL)
    assert "Created D-1 Euro deal for Acme Corp: 120,000 EUR" in out
    assert deals(team) == [("Euro deal", Decimal("120000"), "EUR")]


@pytest.mark.parametrize("amount", ["120k EUR", '"120k EUR"', "120keur", "€120k", "120k eur"])
def test_every_amount_form_keeps_its_currency(team: Chat, amount: str) -> None:
    team.say("alice", f'/deal new "Euro deal" customer:"Acme Corp" amount:{amount}')
    assert deals(team) == [("Euro deal", Decimal("120000"), "EUR")]


def test_an_update_in_the_readme_form_keeps_its_currency(team: Chat) -> None:
    team.say("alice", '/deal new "Deal" customer:"Acme Corp" amount:100k')
    out = team.say("alice", "/deal D-1 amount:150k GBP stage:qualified")
    assert "100,000 USD → 150,000 GBP" in out
    assert deals(team) == [("Deal", Decimal("150000"), "GBP")]


def test_a_target_typed_with_its_currency_keeps_it(team: Chat) -> None:
    out = team.say("mia", "/target set team revenue 27.9M CNY quarter:2026-Q4")
    assert "2026-Q4: 27,900,000 CNY." in out
    assert "USD" not in out


# --- only real ISO 4217 codes; no zero or negative amounts ------------------------------------


@pytest.mark.parametrize(("line", "message"), [
    ('/deal new "X" customer:"Acme Corp" amount:12abc', "ABC is not an ISO 4217"),
    ('/deal new "X" customer:"Acme Corp" amount:5 currency:XYZ', "XYZ is not an ISO 4217"),
    ('/deal new "X" customer:"Acme Corp" amount:120k XYZ', "XYZ is not an ISO 4217"),
    ('/deal new "X" customer:"Acme Corp" amount:0', "must be more than 0"),
    ('/deal new "X" customer:"Acme Corp" amount:-5', "must be more than 0"),
    ('/deal new "X" customer:"Acme Corp" amount:0k EUR', "must be more than 0"),
    ("/deal D-1 amount:0", "must be more than 0"),
    ("/deal D-1 currency:XYZ", "XYZ is not an ISO 4217"),
    ("/deal D-1 amount:10 XAU", "XAU is not an ISO 4217"),
])
def test_bad_amounts_and_currencies_are_refused_and_write_nothing(
        team: Chat, line: str, message: str) -> None:
    team.say("alice", '/deal new "Deal" customer:"Acme Corp" amount:100k')
    with writes_nothing(team), pytest.raises(UsageError, match=message):
        team.say("alice", line)
    assert deals(team) == [("Deal", Decimal("100000"), "USD")]


def test_a_target_in_a_made_up_currency_is_refused(team: Chat) -> None:
    with writes_nothing(team), pytest.raises(UsageError, match="XYZ is not an ISO 4217"):
        team.say("mia", "/target set team revenue 300k XYZ month:2026-11")


def test_currency_codes_come_from_cldr_not_a_hand_list() -> None:
    for code in ("USD", "EUR", "CNY", "JPY", "CHF", "XOF", "INR"):
        assert parse_currency(code) == code
    for code in ("ABC", "XYZ", "XAU", "DEM"):  # made up, a metal, a currency no longer used
        with pytest.raises(UsageError):
            parse_currency(code)
    assert parse_amount("1.2m chf").currency == "CHF"


# --- totals never add two currencies ----------------------------------------------------------


@pytest.fixture
def mixed(team: Chat, clock: Clock) -> Chat:
    """East in November: a USD target; alice wins 100k USD (D-1) and 120k EUR (D-2) on the
    20th, and keeps 30k USD (D-3) and 50k EUR (D-4) open, closing this month."""
    team.say("mia", "/target set team revenue 300k month:2026-11")
    clock.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    team.say("alice", '/deal new "US deal" customer:"Acme Corp" amount:100k')
    team.say("alice", EURO_DEAL)
    team.say("alice", '/deal new "US open" customer:"Acme Corp" amount:30k close:2026-11-27')
    team.say("alice", '/deal new "EU open" customer:"Acme Corp" amount:50k EUR '
                      "close:2026-11-27")
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # in the week the digest reviews
    team.say("alice", "/deal D-1 won")
    team.say("alice", "/deal D-2 won")
    clock.now = NOW
    return team


def test_report_counts_only_the_targets_currency_and_names_what_it_left_out(
        mixed: Chat) -> None:
    out = mixed.say("mia", "/sales report month team")
    assert "revenue: 100,000 USD of 300,000 USD" in out
    assert "220,000" not in out  # never 100k USD + 120k EUR as one figure
    assert ("Left out: D-2 Euro deal (120,000 EUR): in EUR, and no EUR→USD rate is set "
            "(`/sales config fx:EUR=<rate>`)") in out


def test_pipeline_never_mixes_currencies_and_says_which_deals_it_left_out(mixed: Chat) -> None:
    out = mixed.say("mia", "/pipeline team")
    assert "Open 30,000 USD" in out
    assert "Closing in 2026-11: 30,000 USD" in out
    assert "Remaining target 200,000 USD" in out
    left = re.search(r"Left out: (.*)", out)
    assert left is not None
    assert "D-2 Euro deal (120,000 EUR): in EUR, and no EUR→USD rate is set" in left.group(1)
    assert "D-4 EU open (50,000 EUR): in EUR, and no EUR→USD rate is set" in left.group(1)


def test_deal_list_shows_each_currency_apart(mixed: Chat) -> None:
    out = mixed.say("alice", "/deal list")
    assert "Open total 50,000 EUR and 30,000 USD" in out
    assert " + " not in out


def test_with_a_rate_an_admin_set_eur_deals_count_toward_a_usd_target(
        mixed: Chat, clock: Clock) -> None:
    out = mixed.say("mia", "/sales config fx:EUR=1.08")
    assert "1 EUR = 1.08 USD" in out
    assert "set by mia 2026-11-22 09:00 UTC" in out
    report = mixed.say("mia", "/sales report month team")
    # 100,000 USD + 120,000 EUR × 1.08 = 229,600 USD
    assert "revenue: 229,600 USD of 300,000 USD" in report
    assert "Converted: D-2 120,000 EUR as 129,600 USD at 1.08" in report
    assert "Left out" not in report
    pipeline = mixed.say("mia", "/pipeline team")
    assert "Open 84,000 USD" in pipeline  # 30k USD + 50k EUR × 1.08
    assert "Closing in 2026-11: 84,000 USD\n   D-4 EU open 54,000 USD\n   D-3 US open" in pipeline
    assert ("Converted: D-2 120,000 EUR as 129,600 USD at 1.08; "
            "D-4 50,000 EUR as 54,000 USD at 1.08.") in pipeline
    assert "Remaining target 70,400 USD" in pipeline
    assert "Left out" not in pipeline
    with mixed.deps.session_factory() as session:
        rate = session.scalars(select(FxRate)).one()
        assert (rate.currency, rate.quote, rate.rate) == ("EUR", "USD", Decimal("1.08"))
        assert rate.set_by.name == "mia" and rate.set_at == NOW


def test_a_rate_is_shown_with_who_set_it_and_can_be_removed(mixed: Chat) -> None:
    mixed.say("mia", "/sales config fx:EUR=1.08")
    assert "1 EUR = 1.08 USD (set by mia" in mixed.say("alice", "/sales config")
    mixed.say("mia", "/sales config fx:EUR=off")
    assert "Left out: D-2" in mixed.say("mia", "/sales report month team")


@pytest.mark.parametrize(("user", "line", "error"), [
    ("alice", "/sales config fx:EUR=1.08", PermissionDenied),  # only an admin
    ("mia", "/sales config fx:XYZ=1.08", UsageError),
    ("mia", "/sales config fx:EUR=0", UsageError),
    ("mia", "/sales config fx:EUR=-1", UsageError),
    ("mia", "/sales config fx:EUR=lots", UsageError),
    ("mia", "/sales config fx:USD=1", UsageError),  # the workspace's own currency
])
def test_bad_rates_are_refused_and_write_nothing(mixed: Chat, user: str, line: str,
                                                 error: type[Exception]) -> None:
    with writes_nothing(mixed), pytest.raises(error):
        mixed.say(user, line)


# --- splits never invent a cent; counts are not money -----------------------------------------


def _target(out: str, label: str) -> Decimal:
    m = re.search(rf"{re.escape(label)}(?: \(implied\))?: target ([\d,.]+)", out)
    assert m is not None, out
    return Decimal(m.group(1).replace(",", ""))


def test_reps_shares_of_a_split_add_up_exactly_to_the_team(team: Chat, clock: Clock) -> None:
    team.say("mia", "/sales team add <@UCAROL|carol>")
    out = team.say("mia", "/target set team revenue 27.9M CNY quarter:2026-Q4")
    assert "Per rep: alice 9,300,000 CNY, bob 9,300,000 CNY, carol 9,300,000 CNY" in out
    clock.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    shown = {who: team.say("mia", f"/target show {who} quarter:2026-Q4")
             for who in ("team", "<@UALICE|alice>", "<@UBOB|bob>", "<@UCAROL|carol>")}
    for label in ("2026-Q4", "2026-12", "2026-W50", "2026-12-07"):
        team_value = _target(shown["team"], label)
        reps = [_target(shown[who], label) for who in shown if who != "team"]
        assert sum(reps) == team_value, label
        assert max(reps) - min(reps) <= Decimal("0.01"), label
    assert ".01 CNY" not in shown["team"]


def test_allocation_is_largest_remainder_in_minor_units() -> None:
    assert allocate(Decimal("27900000"), [Decimal(1)] * 3) == [Decimal("9300000")] * 3
    assert allocate(Decimal("100"), [Decimal(1)] * 3) == [
        Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    # 0.07 over 4 equal parts: 3 parts get 2 cents, never one part a 4-cent blob
    assert allocate(Decimal("0.07"), [Decimal(1)] * 4) == [
        Decimal("0.01"), Decimal("0.02"), Decimal("0.02"), Decimal("0.02")]
    assert allocate(Decimal("10"), [Decimal(0), Decimal(1), Decimal(2)])[0] == 0


def test_a_count_target_is_not_shown_as_money(team: Chat) -> None:
    out = team.say("mia", "/target set team visits 300 quarter:2026-Q4")
    assert "visits target for 2026-Q4: 300." in out
    assert "300.00" not in out
    assert format_count(Decimal("300.00")) == "300"
    assert format_count(Decimal("2.50")) == "2.5"


def test_amounts_show_cents_only_when_there_are_some(team: Chat) -> None:
    out = team.say("mia", "/target set <@UALICE|alice> revenue 300k month:2026-11 "
                          "stretch:360.50k")
    assert "300,000 USD, stretch 360,500 USD." in out
    assert ".00" not in out


# --- the importer's amount column follows the same rules --------------------------------------


def test_imported_amounts_keep_their_currency_and_bad_ones_are_refused(
        team: Chat, clock: Clock, tmp_path: Path) -> None:
    header = ["name", "customer", "owner", "amount", "currency", "stage"]
    good = write_csv(tmp_path / "good.csv", [
        header,
        ["Euro deal", "Acme Corp", "alice", "120k EUR", "", "lead"],
        ["SF deal", "Globex", "bob", "EUR 5,000.00", "", "lead"],
        ["Yen deal", "Initech", "bob", "3m", "jpy", "lead"],
    ])
    plan, result = run_import(team, "deals", good, clock.now)
    assert plan.ok and result is not None
    assert deals(team) == [("Euro deal", Decimal("120000"), "EUR"),
                           ("SF deal", Decimal("5000"), "EUR"),
                           ("Yen deal", Decimal("3000000"), "JPY")]
    bad = write_csv(tmp_path / "bad.csv", [
        header,
        ["A", "Acme Corp", "alice", "12abc", "", "lead"],
        ["B", "Acme Corp", "alice", "0", "", "lead"],
        ["C", "Acme Corp", "alice", "-5", "", "lead"],
        ["D", "Acme Corp", "alice", "100", "XYZ", "lead"],
    ])
    with writes_nothing(team):
        plan, result = run_import(team, "deals", bad, clock.now)
    assert result is None
    problems = [str(p) for p in plan.problems]
    assert len(problems) == 4
    assert "ABC is not an ISO 4217" in problems[0]
    assert "must be more than 0" in problems[1] and "must be more than 0" in problems[2]
    assert "XYZ is not an ISO 4217" in problems[3]


@pytest.mark.parametrize("line", ["/plan team", "/target show team month:2026-11",
                                  "/sales leaderboard month:2026-11"])
def test_plan_and_target_show_name_the_deals_they_leave_out(mixed: Chat, line: str) -> None:
    out = mixed.say("mia", line)
    assert "Left out: D-2 Euro deal (120,000 EUR): in EUR, and no EUR→USD rate is set" in out
    mixed.say("mia", "/sales config fx:EUR=1.08")
    assert "Left out" not in mixed.say("mia", line)


def test_the_digest_counts_one_currency_and_shows_each_deal_in_its_own(mixed: Chat) -> None:
    with mixed.deps.session_factory() as session:
        actor = actor_for(session, mixed.deps, Caller(mixed.team_id, "UMIA", mixed.channel_id,
                                                      "mia"), NOW)
        digest = run_digest(DigestArgs(), session=session, actor=actor, now=NOW)
    assert digest.team is not None and digest.team.actual == Decimal(100_000)
    text = "\n".join(digest_sections(digest))
    assert "D-2 Euro deal (alice) 120,000 EUR" in text  # not "120,000 USD"
    assert "Left out: D-2 Euro deal (120,000 EUR)" in text
    assert "D-4 EU open (50,000 EUR)" in text


def test_pipeline_needed_from_a_rounded_target_share_has_no_stray_cent() -> None:
    # the demo's December: a share of a 36M CNY quarter leaves 10,145,454.55 to win, and a
    # 4-in-11 win rate: 10,145,454.55 × 11 / 4 is 27,900,000.0125, shown as 27,900,000.01
    rates = ActivityRates(Decimal("1140000"), Decimal(4) / 11, Decimal("0.51"), "team")
    plan = derive_activity_plan(Decimal("10145454.55"), 4, rates, remaining_working_days=19)
    assert plan.pipeline_needed == Decimal("27900000")
    assert format_money(plan.pipeline_needed, "CNY") == "27,900,000 CNY"


def test_a_rate_converts_both_ways_and_across_the_workspace_currency() -> None:
    rates = Rates([Rate("EUR", "USD", Decimal("1.08"), "mia", NOW),
                   Rate("GBP", "USD", Decimal("1.26"), "mia", NOW)], "USD")
    assert rates.find("EUR", "USD") == Decimal("1.08")
    assert rates.find("EUR", "EUR") == 1
    total = tally([("D-1", "a", Decimal("100"), "USD"), ("D-2", "b", Decimal("108"), "USD"),
                   ("D-3", "c", Decimal("126"), "GBP"), ("D-4", "d", Decimal("5"), "JPY")],
                  "EUR", rates)
    # 208 USD / 1.08 = 192.59 EUR; 126 GBP × 1.26 / 1.08 = 147 EUR; JPY has no rate
    assert total.total == Decimal("339.59")
    assert [d.ref for d in total.counted] == ["D-1", "D-2", "D-3"]
    assert [(d.ref, d.currency) for d in total.left_out] == [("D-4", "JPY")]
    assert "`/sales config fx:JPY/EUR=<rate>`" in total.left_out[0].reason


def test_the_workspace_currency_setting_must_be_a_real_code() -> None:
    assert Settings(_env_file=None, SALESBOT_CURRENCY="eur").currency == "EUR"  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="ISO 4217"):
        Settings(_env_file=None, SALESBOT_CURRENCY="XYZ")  # type: ignore[call-arg]


def test_the_average_deal_of_a_plan_counts_only_the_plans_currency(mixed: Chat,
                                                                     clock: Clock) -> None:
    # alice won 100k USD and 120k EUR: the average deal of her USD plan was "110,000 USD",
    # 100k USD and 120k EUR added into one figure. Three lost deals give her the 5 closed
    # deals that make the plan use her own history.
    clock.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for n in (5, 6, 7):
        mixed.say("alice", f'/deal new "Lost {n}" customer:"Acme Corp" amount:10k')
        mixed.say("alice", f'/deal D-{n} lost reason:"price"')
    clock.now = NOW
    out = mixed.say("alice", "/plan month:2026-11")
    assert "alice's own 180-day win rate 40% (2 won of 5 closed)" in out
    assert "avg deal 100,000 USD" in out
    assert "110,000" not in out
