"""/visit through the chat, on SQLite and PostgreSQL. Today is Sunday 22 November 2026."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commands.core.errors import PermissionDenied, UsageError
from storage.models import Activity, Customer
from tests.commands.helpers import writes_nothing
from tests.conftest import NOW, Chat, Clock

CONTRACT = ('/visit "Acme Corp" type:demo outcome:positive on:yesterday next:"send quote" '
            "Met the CTO, wants pricing")


def count(chat: Chat, model: type[Activity] | type[Customer]) -> int:
    with chat.deps.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def customers(chat: Chat) -> list[tuple[str, str]]:
    with chat.deps.session_factory() as session:
        rows = session.execute(select(Customer.name, Customer.tier).order_by(Customer.id)).all()
    return [(name, tier.value) for name, tier in rows]


@pytest.fixture
def acme(team: Chat) -> Chat:
    """Team East with one customer, Acme Corp, already visited by alice."""
    team.say("alice", '/visit "Acme Corp" Intro call')
    return team


def test_contract_example_logs_everything_it_says(team: Chat) -> None:
    out = team.say("alice", CONTRACT)
    assert "Logged a demo with Acme Corp (C) yesterday — positive." in out
    assert "Met the CTO, wants pricing" in out
    assert "Next step: send quote" in out
    assert "new customer" in out
    with team.deps.session_factory() as session:
        activity = session.scalars(select(Activity)).one()
        assert activity.occurred_on.isoformat() == "2026-11-21"
        assert activity.type.value == "demo"
        assert activity.outcome is not None and activity.outcome.value == "positive"
        assert activity.notes == "Met the CTO, wants pricing"
        assert activity.next_step == "send quote"


def test_visit_defaults_to_a_visit_today(acme: Chat) -> None:
    out = acme.say("alice", '/visit "Acme Corp" Dropped by')
    assert "Logged a visit to Acme Corp (C) today." in out


def test_visit_on_an_earlier_day_shows_the_date(acme: Chat) -> None:
    assert "on Tue 17 Nov" in acme.say("alice", '/visit "Acme Corp" on:"last tue" lunch')


def test_bare_weekday_means_the_last_one(acme: Chat) -> None:
    assert "on Fri 20 Nov" in acme.say("alice", '/visit "Acme Corp" on:friday lunch')


def test_existing_customer_matches_ignoring_case_and_spacing(acme: Chat) -> None:
    out = acme.say("alice", "/visit ACME  corp Follow-up call")
    assert "Acme Corp" in out and "new customer" not in out
    assert "Follow-up call" in out
    out = acme.say("alice", '/visit "acme CORP" Another')
    assert "Acme Corp" in out
    assert customers(acme) == [("Acme Corp", "C")]


def test_unquoted_multiword_customer_is_found_before_the_notes(acme: Chat) -> None:
    out = acme.say("alice", "/visit Acme Corp met the CTO")
    assert "Acme Corp" in out
    assert "> met the CTO" in out


@pytest.mark.parametrize("line", ['/visit "Acme Crop" Pricing talk',
                                  "/visit Acme Crop Pricing talk"])
def test_near_miss_of_a_customer_is_refused_and_writes_nothing(acme: Chat, line: str) -> None:
    with writes_nothing(acme), pytest.raises(UsageError) as err:
        acme.say("alice", line)
    message = str(err.value)
    assert 'Did you mean "Acme Corp"' in message
    assert "new:yes" in message


def test_new_yes_creates_a_customer_despite_a_similar_name(acme: Chat) -> None:
    out = acme.say("alice", '/visit "Acme Crop" new:yes Really a different company')
    assert "Acme Crop" in out and "new customer" in out
    assert customers(acme) == [("Acme Corp", "C"), ("Acme Crop", "C")]


def test_tier_sets_the_customers_tier(acme: Chat) -> None:
    out = acme.say("alice", '/visit "Acme Corp" tier:A Big account')
    assert "Acme Corp (A)" in out
    assert customers(acme) == [("Acme Corp", "A")]
    assert "Acme Corp (A)" in acme.say("alice", '/visit "Acme Corp" Next')


def test_new_customer_gets_the_tier_given(team: Chat) -> None:
    out = team.say("alice", '/visit "Beta Ltd" tier:b Intro')
    assert "Beta Ltd (B)" in out
    assert customers(team) == [("Beta Ltd", "B")]


def test_visit_can_be_logged_against_a_deal(acme: Chat) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    out = acme.say("alice", '/visit "Acme Corp" deal:D-1 type:call outcome:neutral Chased the PO')
    assert "Acme Corp" in out and "Deal D-1" in out
    assert "call by alice (neutral): Chased the PO" in acme.say("alice", "/deal D-1")


def test_visit_naming_only_a_deal_is_with_that_deals_customer(acme: Chat) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    out = acme.say("alice", "/visit deal:D-1 type:call")
    assert "with Acme Corp" in out
    assert "Deal D-1" in out


def test_an_email_is_logged_in_plain_english(acme: Chat) -> None:
    out = acme.say("alice", '/visit "Acme Corp" type:email Sent the quote')
    assert "Logged an email with Acme Corp" in out


def test_a_visit_on_someone_elses_deal_is_refused_unless_their_manager(acme: Chat) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    # bob's activity would reset the staleness of alice's deal: it is her record, not his
    with writes_nothing(acme), pytest.raises(PermissionDenied,
                                             match="D-1 is alice's deal: only they, their "
                                                   "manager or an admin can log activity"):
        acme.say("bob", "/visit deal:D-1 type:call Chased the PO")
    assert "Deal D-1" in acme.say("mia", "/visit deal:D-1 type:meeting Went along")


@pytest.mark.parametrize("close", ["won", 'lost reason:"price"'])
def test_an_activity_after_its_deal_closed_is_refused_and_writes_nothing(
        acme: Chat, clock: Clock, close: str) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    acme.say("alice", f"/deal D-1 {close}")  # Sun 22 Nov
    clock.now = NOW + timedelta(days=2)
    stage = close.split()[0]
    with writes_nothing(acme), pytest.raises(
            UsageError, match=f"D-1 was {stage} on Sun 22 Nov, so this activity cannot go on "
                              "it. Log it without the deal, or reopen D-1 first"):
        acme.say("alice", "/visit deal:D-1 type:call Checked in")
    # the same activity without the deal is fine
    assert "Logged a call with Acme Corp" in acme.say("alice", '/visit "Acme Corp" type:call Hi')


def test_an_activity_up_to_the_day_its_deal_closed_still_goes_on_it(
        acme: Chat, clock: Clock) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    acme.say("alice", "/deal D-1 won")  # Sun 22 Nov, 17:00 in Shanghai
    assert "Deal D-1" in acme.say("alice", "/visit deal:D-1 type:meeting Signing lunch")
    clock.now = NOW + timedelta(days=3)
    out = acme.say("alice", "/visit deal:D-1 on:2026-11-20 type:demo Final demo")
    assert "Deal D-1" in out and "Fri 20 Nov" in out


def test_a_reopened_deal_takes_activities_again(acme: Chat, clock: Clock) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    acme.say("alice", '/deal D-1 lost reason:"budget"')
    clock.now = NOW + timedelta(days=7)
    acme.say("alice", "/deal D-1 stage:negotiation")
    assert "Deal D-1" in acme.say("alice", "/visit deal:D-1 type:call Budget is back")


def test_visit_for_a_deal_with_another_customer_is_refused(acme: Chat) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    with writes_nothing(acme), pytest.raises(UsageError, match="deal with Acme Corp"):
        acme.say("alice", '/visit "Globex" new:yes deal:D-1 Wrong deal')


def test_duplicate_delivery_is_applied_once(acme: Chat) -> None:
    before = count(acme, Activity)
    first = acme.as_("alice", '/visit "Acme Corp" Retry me', key="trigger:abc")
    assert first is not None and "Acme Corp" in first.plain()
    assert acme.as_("alice", '/visit "Acme Corp" Retry me', key="trigger:abc") is None
    assert count(acme, Activity) == before + 1


def test_a_failed_delivery_can_be_retried_with_the_same_key(acme: Chat) -> None:
    with pytest.raises(UsageError):
        acme.as_("alice", '/visit "Acme Corp" on:someday x', key="trigger:xyz")
    assert acme.as_("alice", '/visit "Acme Corp" x', key="trigger:xyz") is not None
    assert count(acme, Activity) == 2


def test_notes_cannot_forge_slack_mentions(acme: Chat) -> None:
    reply = acme.as_("alice", '/visit "Acme Corp" ping <!channel> now')
    assert reply is not None
    assert "<!channel>" not in reply.text


def test_one_word_customer_followed_by_a_short_note_is_recognised(team: Chat) -> None:
    team.say("alice", "/visit Microsoft new:yes Kickoff")
    out = team.say("alice", "/visit Microsoft QBR went well")
    assert "Logged a visit to Microsoft (C)" in out
    assert "> QBR went well" in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('/visit "Acme Corp" on:someday Lunch', "not a date"),
        ('/visit "Acme Corp" on:tomorrow Lunch', "in the future"),
        ('/visit "Acme Corp" on:"next friday" Lunch', "in the future"),
        ('/visit "Acme Corp" on:2025-11-01 Lunch', "more than a year ago"),
        ('/visit "Acme Corp" on:2026-02-30 Lunch', "not a real date"),
        ('/visit "Acme Corp Lunch', "quote"),
        ("/visit type:demo outcome:positive", "Name the customer"),
        ("/visit", "Name the customer"),
        ('/visit "Acme Corp" outcom:positive', "Did you mean `outcome:`"),
        ('/visit "Acme Corp" type:dinner', "not valid"),
        ('/visit "Acme Corp" tier:D', "not a tier"),
        ('/visit "Acme Corp" next: Lunch', "needs the next step"),
        ('/visit "Acme Corp" deal:D-99 Lunch', "no deal D-99"),
        ('/visit "Acme Corp" new:maybe Lunch', "yes or no"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(acme: Chat, line: str, message: str) -> None:
    with writes_nothing(acme), pytest.raises(UsageError, match=message):
        acme.say("alice", line)


def test_a_strangers_failed_first_command_leaves_no_trace(acme: Chat) -> None:
    with writes_nothing(acme), pytest.raises(UsageError):
        acme.say("zed", '/visit "Acme Corp" on:someday Lunch')


def test_visit_for_a_deal_takes_the_deals_customer_and_keeps_the_words_as_notes(
    acme: Chat,
) -> None:
    acme.say("alice", '/deal new "Acme renewal" customer:"Acme Corp" amount:120k')
    out = acme.say("alice", "/visit deal:D-1 type:call Chased the PO")
    assert "Logged a call with Acme Corp" in out and "Chased the PO" in out
