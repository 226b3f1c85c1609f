"""/deal through the chat, on SQLite and PostgreSQL: the contract examples, permissions,
numbering, history, and bad input that writes nothing."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.dispatch import Deps
from commands.core.errors import PermissionDenied, UsageError
from storage.models import Deal, DealHistory
from tests.commands.helpers import writes_nothing
from tests.conftest import Chat

NEW_DEAL = '/deal new "Acme renewal" customer:"Acme Corp" amount:120k stage:proposal ' \
           "close:2026-12-15"


def history(chat: Chat, number: int) -> list[tuple[str, str | None, str | None]]:
    """(field, old, new) of each history row of deal D-<number>, amounts normalised."""
    with chat.deps.session_factory() as session:
        rows = session.execute(
            select(DealHistory.field, DealHistory.old_value, DealHistory.new_value)
            .join(Deal)
            .where(Deal.number == number)
            .order_by(DealHistory.id)
        ).all()
    return [(f, _amount(o), _amount(n)) for f, o, n in rows]


def _amount(value: str | None) -> str | None:
    """'120000.00 USD' and '120000 USD' say the same thing."""
    if value is None or not re.fullmatch(r"[\d.]+ [A-Z]{3}", value):
        return value
    number, currency = value.split()
    return f"{Decimal(number).normalize():f} {currency}"


@pytest.fixture
def acme(team: Chat) -> Chat:
    """Team East where alice owns D-1, Acme renewal."""
    team.say("alice", NEW_DEAL)
    return team


# --- the contract examples ------------------------------------------------------------------


def test_new_deal_replies_with_its_reference_and_terms(team: Chat) -> None:
    out = team.say("alice", NEW_DEAL)
    assert "D-1" in out
    assert "Acme renewal" in out and "Acme Corp" in out
    assert "120,000 USD" in out
    assert "proposal (50%)" in out
    assert "15 Dec" in out


def test_update_changes_stage_amount_and_close_at_once(acme: Chat) -> None:
    out = acme.say("alice", '/deal D-1 stage:negotiation amount:150k close:"next friday"')
    assert "120,000 USD → 150,000 USD" in out
    assert "2026-12-15 → 2026-11-27" in out
    assert "proposal → negotiation" in out
    shown = acme.say("alice", "/deal D-1")
    assert "150,000 USD · negotiation (75%) · closes Fri 27 Nov" in shown


def test_won_deal_is_celebrated_and_leaves_the_open_list(acme: Chat) -> None:
    out = acme.say("alice", "/deal D-1 won")
    assert "D-1" in out and "won" in out and "120,000 USD" in out
    assert "D-1" not in acme.say("alice", "/deal list")


def test_lost_deal_records_the_reason(acme: Chat) -> None:
    acme.say("alice", '/deal new "Acme expansion" customer:"Acme Corp" amount:50k')
    out = acme.say("alice", '/deal D-2 lost reason:"price"')
    assert "D-2" in out and "lost" in out and "price" in out
    assert "lost (price)" in acme.say("alice", "/deal D-2")
    listing = acme.say("alice", "/deal list")
    assert "D-2" not in listing and "D-1" in listing


def test_list_shows_open_deals_by_stage_with_weighted_total(acme: Chat) -> None:
    acme.say("alice", '/deal D-1 stage:negotiation amount:150k close:"next friday"')
    acme.say("alice", '/deal new "Acme expansion" customer:"Acme Corp" amount:50k')
    out = acme.say("alice", "/deal list")
    assert "lead (10%)" in out and "negotiation (75%)" in out
    assert out.index("lead (10%)") < out.index("negotiation (75%)")
    # 150k at 75% plus 50k at 10%
    assert "Open total 200,000 USD · weighted 117,500 USD" in out


def test_list_with_no_deals_says_how_to_create_one(team: Chat) -> None:
    out = team.say("alice", "/deal list")
    assert "none" in out and "/deal new" in out


def test_show_lists_the_history_of_changes(acme: Chat) -> None:
    acme.say("alice", '/deal D-1 stage:negotiation amount:150k close:"next friday"')
    acme.say("alice", "/deal D-1 won")
    out = acme.say("alice", "/deal D-1")
    assert "owner alice" in out
    assert "stage set to proposal" in out
    assert "amount set to 120,000 USD" in out
    assert "amount 120,000 USD → 150,000 USD" in out
    assert "close date 2026-12-15 → 2026-11-27" in out
    assert "stage proposal → negotiation" in out
    assert "stage negotiation → won" in out


def test_history_rows_are_written_for_stage_amount_and_close(acme: Chat) -> None:
    assert history(acme, 1) == [
        ("stage", None, "proposal"),
        ("amount", None, "120000 USD"),
        ("close", None, "2026-12-15"),
    ]
    acme.say("alice", '/deal D-1 stage:negotiation amount:150k close:"next friday"')
    assert history(acme, 1)[3:] == [
        ("amount", "120000 USD", "150000 USD"),
        ("close", "2026-12-15", "2026-11-27"),
        ("stage", "proposal", "negotiation"),
    ]


def test_renaming_writes_no_history_row(acme: Chat) -> None:
    acme.say("alice", '/deal D-1 name:"Acme renewal 2027"')
    assert len(history(acme, 1)) == 3
    assert "Acme renewal 2027" in acme.say("alice", "/deal D-1")


def test_close_date_prefers_the_coming_weekday(acme: Chat) -> None:
    out = acme.say("alice", "/deal D-1 close:friday")
    assert "2026-12-15 → 2026-11-27" in out


def test_currency_can_be_given_with_the_amount(team: Chat) -> None:
    out = team.say("alice", '/deal new "Acme EU" customer:"Acme Corp" amount:"100k EUR"')
    assert "100,000 EUR" in out


def test_new_deal_starts_in_lead_by_default(team: Chat) -> None:
    out = team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    assert "lead (10%)" in out and "no close date" in out


def test_a_lost_deal_can_be_reopened(acme: Chat) -> None:
    acme.say("alice", '/deal D-1 lost reason:"price"')
    out = acme.say("alice", "/deal D-1 stage:negotiation")
    assert "lost → negotiation" in out
    assert "D-1" in acme.say("alice", "/deal list")


def test_closed_deal_cannot_be_closed_again(acme: Chat) -> None:
    acme.say("alice", "/deal D-1 won")
    with writes_nothing(acme), pytest.raises(UsageError, match="already won"):
        acme.say("alice", '/deal D-1 lost reason:"price"')


def test_update_that_changes_nothing_says_so(acme: Chat) -> None:
    with writes_nothing(acme), pytest.raises(UsageError, match="nothing changed"):
        acme.say("alice", "/deal D-1 stage:proposal amount:120k")


def test_new_customer_created_with_a_deal_gets_the_tier_asked_for(team: Chat) -> None:
    out = team.say("alice", '/deal new "Beta deal" customer:"Beta Ltd" tier:B amount:10k')
    assert "tier B" in out


def test_new_customer_created_with_a_deal_is_stored_with_its_tier(team: Chat) -> None:
    team.say("alice", '/deal new "Beta deal" customer:"Beta Ltd" tier:B amount:10k')
    assert "Beta Ltd (B)" in team.say("alice", '/visit "Beta Ltd" intro call')


# --- numbering ------------------------------------------------------------------------------


def test_deals_are_numbered_per_workspace(team: Chat, deps: Deps) -> None:
    assert "D-1" in team.say("alice", NEW_DEAL)
    assert "D-2" in team.say("bob", '/deal new "Beta pilot" customer:"Beta" amount:10k')
    other = Chat(deps, team_id="T0OTHER")
    assert "D-1" in other.say("zoe", '/deal new "Gamma" customer:"Gamma" amount:5k')
    assert "D-3" in team.say("alice", '/deal new "Acme extra" customer:"Acme Corp" amount:1k')
    assert "Gamma" in other.say("zoe", "/deal D-1")
    assert "Acme renewal" in team.say("alice", "/deal D-1")


def test_another_workspace_cannot_see_our_deals(acme: Chat, deps: Deps) -> None:
    other = Chat(deps, team_id="T0OTHER")
    with pytest.raises(UsageError, match="no deal D-1"):
        other.say("zoe", "/deal D-1")


def test_failed_creation_does_not_use_up_a_number(team: Chat) -> None:
    with pytest.raises(UsageError):
        team.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:12x')
    assert "D-1" in team.say("alice", NEW_DEAL)


# --- permissions ----------------------------------------------------------------------------


def test_rep_cannot_edit_another_reps_deal(acme: Chat) -> None:
    with writes_nothing(acme), pytest.raises(PermissionDenied, match="belongs to alice"):
        acme.say("bob", "/deal D-1 amount:1k")
    with writes_nothing(acme), pytest.raises(PermissionDenied):
        acme.say("bob", "/deal D-1 won")
    with writes_nothing(acme), pytest.raises(PermissionDenied):
        acme.say("bob", '/deal D-1 lost reason:"price"')


def test_rep_can_still_look_at_another_reps_deal(acme: Chat) -> None:
    assert "Acme renewal" in acme.say("bob", "/deal D-1")


def test_admin_manager_of_the_team_can_edit(acme: Chat) -> None:
    out = acme.say("mia", "/deal D-1 amount:130k")
    assert "120,000 USD → 130,000 USD" in out
    assert "mia: amount" in acme.say("alice", "/deal D-1")


def test_non_admin_manager_can_edit_their_teams_deals_until_demoted(acme: Chat) -> None:
    acme.say("mia", "/sales role @bob manager")
    assert "130,000 USD" in acme.say("bob", "/deal D-1 amount:130k")
    acme.say("mia", "/sales role @bob rep")
    with pytest.raises(PermissionDenied):
        acme.say("bob", "/deal D-1 amount:140k")


def test_manager_of_another_team_cannot_edit(acme: Chat) -> None:
    acme.say("mia", "/sales role <@UCAROL|carol> manager")
    acme.say("carol", '/sales team create "West" tz:Europe/Berlin', channel="C0WEST")
    acme.say("carol", "/sales team add <@UDAVE|dave>", channel="C0WEST")
    acme.say("dave", '/deal new "Globex pilot" customer:"Globex" amount:10k')
    assert "10,000 USD → 20,000 USD" in acme.say("carol", "/deal D-2 amount:20k")
    with writes_nothing(acme), pytest.raises(PermissionDenied, match="belongs to alice"):
        acme.say("carol", "/deal D-1 amount:1k")
    with writes_nothing(acme), pytest.raises(PermissionDenied):
        acme.say("carol", "/deal list @alice")


def test_rep_cannot_list_someone_elses_deals_but_their_manager_can(acme: Chat) -> None:
    with pytest.raises(PermissionDenied):
        acme.say("bob", "/deal list @alice")
    assert "alice's open deals" in acme.say("mia", "/deal list @alice")


# --- bad input writes nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/deal D-99 amount:1k", "no deal D-99"),
        ("/deal D-99", "no deal D-99"),
        ("/deal D-1 amount:12x", "not an amount"),
        ('/deal new "X" customer:"Acme Corp" amount:12x', "not an amount"),
        ("/deal D-1 stage:negotation", "Did you mean `negotiation`"),
        ('/deal new "X" customer:"Acme Corp" amount:1k stage:closing', "not valid"),
        ('/deal D-1 close:"next friday', "quote"),
        ('/deal new "X amount:1k customer:"Acme Corp"', "quote"),
        ('/deal new "X" amount:1k', "Which customer"),
        ('/deal new "X" customer:"Acme Corp"', "How much"),
        ("/deal D-1 close:someday", "not a date"),
        ("/deal D-1 amount:150k close:someday", "not a date"),
        ("/deal D-1 lost", "Say why"),
        ('/deal D-1 stage:won reason:"price"', "goes with a lost deal"),
        ('/deal new "X" customer:"Acme Crop" amount:1k', "Did you mean"),
        ('/deal new "X" customer:"Acme Corp" amount:1k stage:won', "starts open"),
        ("/deal D-1 amount:$1k currency:EUR", "give one"),
        ("/deal D-1 frobnicate", "don't understand"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(acme: Chat, line: str, message: str) -> None:
    with writes_nothing(acme), pytest.raises(UsageError, match=message):
        acme.say("alice", line)


def test_a_new_deals_hint_moves_it_on_from_its_stage(team: Chat) -> None:
    # A deal created in negotiation was told "Update it with `/deal D-1 stage:negotiation`".
    out = team.say("alice", '/deal new "Big one" customer:"Acme Corp" amount:50k '
                            "stage:negotiation")
    assert "stage:negotiation`" not in out
    assert "Update it with `/deal D-1 won`" in out
    out = team.say("alice", '/deal new "Small one" customer:"Acme Corp" amount:5k stage:lead')
    assert "Update it with `/deal D-2 stage:negotiation`" in out
