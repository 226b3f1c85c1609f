"""storage.repo.deals.create_deal: numbering, the deal and its first history rows (on PostgreSQL
one statement), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from commands.core.actors import NoDirectory, WorkspaceDefaults, ensure_member, ensure_workspace
from commands.deals.customers import find_or_create_customer
from storage.models import Deal, DealHistory, Workspace
from storage.repo.deals import create_deal

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_deals_are_numbered_in_turn_with_their_history(
        session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        ws = ensure_workspace(session, "T1", WorkspaceDefaults(), NOW, name="Acme Sales")
        ana = ensure_member(session, ws, "U1", NoDirectory(), NOW, fallback_name="ana")
        customer = find_or_create_customer(session, ws.id, "Globex", owner=ana, tier=None,
                                           force_new=True, now=NOW).customer
        ids = dict(workspace_id=ws.id, customer_id=customer.id, owner_id=ana.id)
    with session_factory.begin() as session:
        first = create_deal(session, dict(
            **ids, name="Renewal", amount_minor=1_000_000, currency="USD", stage="lead",
            expected_close=None, created_at=NOW), [("stage", "lead"), ("amount", "10000.00 USD")],
            changed_by_id=ids["owner_id"])
        second = create_deal(session, dict(
            **ids, name="Upsell", amount_minor=250_000, currency="EUR", stage="qualified",
            expected_close=date(2026, 12, 31), created_at=NOW),
            [("stage", "qualified"), ("amount", "2500.00 EUR"), ("close", "2026-12-31")],
            changed_by_id=ids["owner_id"])
    assert (first, second) == (1, 2)

    with session_factory() as session:
        deals = session.execute(select(Deal.number, Deal.name, Deal.amount_minor, Deal.currency,
                                       Deal.stage, Deal.expected_close, Deal.created_at)
                                .order_by(Deal.number)).all()
        assert [tuple(d) for d in deals] == [
            (1, "Renewal", 1_000_000, "USD", "lead", None, NOW),
            (2, "Upsell", 250_000, "EUR", "qualified", date(2026, 12, 31), NOW),
        ]
        history = session.execute(
            select(Deal.number, DealHistory.field, DealHistory.old_value, DealHistory.new_value,
                   DealHistory.changed_by_id, DealHistory.changed_at)
            .join(Deal, Deal.id == DealHistory.deal_id).order_by(DealHistory.id)).all()
        assert [tuple(h) for h in history] == [
            (1, "stage", None, "lead", ids["owner_id"], NOW),
            (1, "amount", None, "10000.00 USD", ids["owner_id"], NOW),
            (2, "stage", None, "qualified", ids["owner_id"], NOW),
            (2, "amount", None, "2500.00 EUR", ids["owner_id"], NOW),
            (2, "close", None, "2026-12-31", ids["owner_id"], NOW),
        ]
        # numbering touched the workspace's counter and nothing else of it
        workspace = session.execute(select(Workspace.name, Workspace.deal_seq,
                                           Workspace.created_at)).one()
        assert tuple(workspace) == ("Acme Sales", 2, NOW)
