"""The review loop: an action item linked to a warning's metric, and whether the fix worked,
on hand-checked numbers. Today is Sunday 22 November 2026; B-tier customers are due a visit
every 60 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.dispatch import Caller, actor_for
from bot.render import render
from bot.render.warnings import create_action_button
from commands.core.errors import UsageError
from commands.warnings.action_links import action_draft
from storage.models import ActionItem, Customer
from tests.commands.helpers import digest_of, team_of, writes_nothing
from tests.conftest import NOW, Chat, Clock


def customer_id(chat: Chat, name: str) -> int:
    with chat.deps.session_factory() as session:
        found = session.scalar(select(Customer.id).where(Customer.name == name))
        assert found is not None
        return found


@pytest.fixture
def neglected(team: Chat, clock: Clock) -> Chat:
    """alice last saw three B-tier customers in August: all three out of cadence now."""
    clock.now = datetime(2026, 8, 3, 9, tzinfo=UTC)
    for name in ("Acme", "Beta", "Gamma"):
        team.say("alice", f'/visit "{name}" tier:B Check-in')
    clock.now = NOW
    return team


def test_an_action_on_a_warning_records_its_metric_and_the_digest_reports_the_movement(
        neglected: Chat, clock: Clock) -> None:
    acme = customer_id(neglected, "Acme")
    key = f"tier_cadence:customer:{acme}"
    out = neglected.say("mia", f'/sales action add @alice "Visit the B accounts" due:friday '
                               f"warning:{key}")
    assert "A-1 for alice" in out and "(about B-tier customers out of cadence: 3 now)" in out
    with neglected.deps.session_factory() as session:
        item = session.scalars(select(ActionItem)).one()
        assert (item.link_rule, item.link_subject, item.link_metric, item.link_value) == (
            "tier_cadence", f"customer:{acme}",
            "count:tier_cadence:tier:B", "3")
    clock.now = NOW + timedelta(days=2)
    neglected.say("alice", '/visit "Acme" Caught up')
    neglected.say("alice", '/visit "Beta" Caught up')
    out = neglected.say("mia", "/sales action done A-1")
    assert "B-tier customers out of cadence 3 → 1" in out
    assert "no effect" not in out
    clock.now = NOW + timedelta(days=8)  # next Monday's digest
    digest = digest_of(neglected, clock.now)
    [(ref, state, moved)] = digest.action_moves
    assert (ref, state, moved.then, moved.now) == ("A-1", "done", Decimal(3), Decimal(1))
    assert "A-1 done: B-tier customers out of cadence 3 → 1" in render(digest).plain()


def test_an_action_done_while_its_metric_got_worse_is_flagged(neglected: Chat,
                                                              clock: Clock) -> None:
    key = f"tier_cadence:customer:{customer_id(neglected, 'Acme')}"
    neglected.say("mia", f'/sales action add @alice "Visit the B accounts" warning:{key}')
    clock.now = NOW - timedelta(days=61)  # a fourth B customer, seen 61 days before...
    neglected.say("alice", '/visit "Delta" tier:B Intro')
    clock.now = NOW + timedelta(days=1)  # ...is out of cadence too by now
    neglected.say("alice", "/sales action done A-1")
    out = neglected.say("mia", "/sales action list all")
    assert "B-tier customers out of cadence 3 → 4 — done, no effect yet" in out


def test_an_action_on_a_warning_not_firing_is_refused_with_nothing_written(
        neglected: Chat) -> None:
    with writes_nothing(neglected), pytest.raises(UsageError, match="No warning"):
        neglected.say("mia", '/sales action add @alice "Chase" warning:stale_deal:deal:D-9')
    with writes_nothing(neglected), pytest.raises(UsageError, match="needs the warning"):
        neglected.say("mia", '/sales action add @alice "Chase" warning:')


def test_the_create_action_form_starts_from_the_warning(neglected: Chat) -> None:
    acme = customer_id(neglected, "Acme")
    with neglected.deps.session_factory() as session:
        _, east = team_of(session, neglected)
        mia = actor_for(session, neglected.deps, Caller("T0TEST", "UMIA"), NOW)
        draft = action_draft(session, mia, f"{east.id}:tier_cadence:customer:{acme}", NOW)
        assert (draft.owner_user_id, draft.metric_label, draft.value) == (
            "UALICE", "B-tier customers out of cadence", Decimal(3))
        assert draft.text == "alice: book a visit with Acme this week."
        with pytest.raises(UsageError, match="not firing"):
            action_draft(session, mia, f"{east.id}:stale_deal:deal:D-9", NOW)
    button = create_action_button(east.id, draft.key).to_dict()
    assert button["value"] == f"{east.id}:tier_cadence:customer:{acme}"
