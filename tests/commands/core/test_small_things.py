"""Small things a reader notices (issue 13.13): plurals, "on yesterday", a close date in the
past, a customer name inside a known one, a tier hint after the tier was given, and a person
salesbot has not looked up yet shown by their raw Slack id. Today is Sunday 22 Nov 2026."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.render.warnings import listed_text, warning_text
from commands.core.errors import UsageError
from commands.core.text import plural
from commands.warnings.deviations import Deviation
from commands.warnings.pace_rules import activity_shortfall
from commands.warnings.warnings import ListedWarning
from jobs.warnings import WarningPost
from storage.models import Customer, Member
from tests.commands.helpers import alice, writes_nothing
from tests.conftest import Chat, Clock


def test_one_helper_says_one_thing_and_many_things() -> None:
    assert plural(1, "visit") == "1 visit"
    assert plural(2, "visit") == "2 visits"
    assert plural(1_200, "activity", "activities") == "1,200 activities"
    assert plural(0, "row") == "0 rows"


def test_one_visit_logged_is_singular() -> None:
    [warning] = activity_shortfall([alice(visits_logged=1)])
    assert warning.message.startswith("Alice: 1 visit logged in December")


def test_no_stand_up_yesterday_reads_naturally(chat: Chat, clock: Clock) -> None:
    chat.say("mia", '/sales team create "West" tz:America/New_York')
    chat.say("mia", "/sales team add <@UBOB|bob>")
    chat.say("mia", "/standup config time:09:30 days:mon-fri")
    chat.say("bob", "/standup ooo 2026-11-23")  # away on Monday
    # Tue 02:00 for bob (UTC), still Monday evening for the team in New York
    clock.now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    out = chat.say("bob", "/standup")
    assert "No stand-up for you yesterday." in out


def test_a_new_deal_closing_in_the_past_is_refused(team: Chat) -> None:
    team.say("alice", '/visit "Acme Corp" Intro')
    with writes_nothing(team), pytest.raises(UsageError) as err:
        team.say("alice", '/deal new "Pilot" customer:"Acme Corp" amount:10k close:2026-11-20')
    assert "in the past" in err.value.message and "Fri 20 Nov" in err.value.message
    assert "closes today" in team.say(
        "alice", '/deal new "Pilot" customer:"Acme Corp" amount:10k close:today')


@pytest.mark.parametrize("line", [
    '/visit "Acme Corporation" Met the CTO',
    '/visit "Acme" Met the CTO',
    '/deal new "Pilot" customer:"Acme Corporation" amount:10k',
])
def test_a_name_inside_a_known_one_asks_first(team: Chat, line: str) -> None:
    team.say("alice", '/visit "Acme Corp" Intro')
    with writes_nothing(team), pytest.raises(UsageError) as err:
        team.say("alice", line)
    assert 'Did you mean "Acme Corp"?' in err.value.message and "new:yes" in err.value.message
    team.say("alice", line + " new:yes")
    with team.deps.session_factory() as session:
        assert len(session.scalars(select(Customer)).all()) == 2


def test_an_unrelated_name_sharing_letters_is_not_asked(team: Chat) -> None:
    team.say("alice", '/visit "Smartech" Intro')
    assert "new customer" in team.say("alice", '/visit "Art" Intro')


def test_no_tier_hint_when_the_tier_was_given(team: Chat) -> None:
    out = team.say("alice", '/visit "Acme Corp" tier:A Intro')
    assert "new customer, tier A." in out and "Set the tier" not in out
    assert "Set the tier" in team.say("alice", '/visit "Globex" Intro')


def _warning(who: str) -> Deviation:
    return Deviation(rule="activity_shortfall", subject="member:7", who=who, severity=1,
                     message=f"{who}: 1 visit logged in December, the plan expected 20",
                     fix=f"{who}: book 2 visits a working day")


def test_someone_not_looked_up_yet_is_shown_as_a_mention() -> None:
    d = _warning("U0AB12CD34")
    text = warning_text(WarningPost(1, "East", (d,)), d)
    assert "<@U0AB12CD34>: 1 visit logged" in text and "<@U0AB12CD34>: book" in text
    assert "\nU0AB12CD34" not in text
    listed = listed_text(ListedWarning(d), "UTC")
    assert "<@U0AB12CD34>: 1 visit logged" in listed
    # a real name is left as it is, even in capitals
    named = _warning("WALTER")
    assert "WALTER: 1 visit" in warning_text(WarningPost(1, "East", (named,)), named)


def test_someone_known_only_by_id_takes_the_first_name_salesbot_learns(team: Chat) -> None:
    team.say("mia", "/sales team add <@U0AB12CD34>")
    assert "U0AB12CD34" in team.say("mia", "/sales team")
    team.say("mia", "/sales team add <@U0AB12CD34|zoe>")
    with team.deps.session_factory() as session:
        names = session.scalars(select(Member.name).where(
            Member.slack_user_id == "U0AB12CD34")).all()
    assert names == ["zoe"]
