"""Repository functions for scheduled deliveries: claims, retries and the record of sends.

Every claim is an INSERT .. ON CONFLICT DO NOTHING RETURNING on the delivery's unique key,
like `storage.repo.claims.claim_once`: on SQLite and PostgreSQL alike exactly one instance gets
the row back, however many race for it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus


def insert_once(
    session: Session, *, key: str, workspace_id: int, kind: str, subject: str,
    local_period: str, due_at: datetime, status: DeliveryStatus, now: datetime,
    next_attempt_at: datetime | None = None, last_error: str | None = None,
) -> int | None:
    """Insert the delivery row for `key`; its id, or None when the key was already there."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(Delivery)
        .values(key=key, workspace_id=workspace_id, kind=kind, subject=subject,
                local_period=local_period, due_at=due_at, status=status,
                attempts=1 if status == DeliveryStatus.CLAIMED else 0,
                next_attempt_at=next_attempt_at, last_error=last_error, parts_sent=0,
                created_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Delivery.id)
    )
    return session.scalar(stmt)


def statuses(session: Session, keys: Collection[str]) -> dict[str, DeliveryStatus]:
    """The status of each of `keys` that has a delivery row."""
    out: dict[str, DeliveryStatus] = {}
    keys = list(keys)
    for i in range(0, len(keys), 500):
        rows = session.execute(
            select(Delivery.key, Delivery.status).where(Delivery.key.in_(keys[i:i + 500]))
        ).all()
        out.update({k: s for k, s in rows})
    return out


def by_key(session: Session, key: str) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.key == key))


def sent_times(session: Session, keys: Collection[str]) -> dict[str, datetime]:
    """When each of `keys` that was sent went out."""
    out: dict[str, datetime] = {}
    keys = list(keys)
    for i in range(0, len(keys), 500):
        rows = session.execute(
            select(Delivery.key, Delivery.sent_at).where(
                Delivery.key.in_(keys[i:i + 500]), Delivery.status == DeliveryStatus.SENT)
        ).all()
        out.update({k: at for k, at in rows if at is not None})
    return out


def retries_due(session: Session, now: datetime) -> Sequence[Delivery]:
    return session.scalars(
        select(Delivery)
        .where(Delivery.status == DeliveryStatus.RETRYING, Delivery.next_attempt_at <= now)
        .order_by(Delivery.due_at, Delivery.id)
    ).all()


def reclaim(
    session: Session, delivery_id: int, attempts_seen: int, lease_until: datetime
) -> bool:
    """Take a RETRYING delivery for another attempt; False when another instance took it."""
    taken = session.scalar(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.RETRYING,
               Delivery.attempts == attempts_seen)
        .values(status=DeliveryStatus.CLAIMED, attempts=attempts_seen + 1,
                next_attempt_at=lease_until)
        .returning(Delivery.id)
    )
    return taken is not None


def abandon_stale_claims(session: Session, now: datetime) -> tuple[list[str], list[str]]:
    """Deal with claims whose sender stopped (its lease ran out): (retried, unconfirmed).

    A claim stopped between posts, with nothing in flight, is simply retried: the posts
    already recorded are not made again. A claim stopped while a post was in flight is
    counted as sent, unconfirmed (`sending` stays set): the post most likely went out, and
    a duplicate would be in everyone's Slack while a missing message can be looked up.
    """
    stale = (Delivery.status == DeliveryStatus.CLAIMED) & (Delivery.next_attempt_at < now)
    unconfirmed = session.scalars(
        update(Delivery)
        .where(stale, Delivery.sending.is_(True))
        .values(status=DeliveryStatus.SENT, next_attempt_at=None, sent_at=now,
                parts_sent=Delivery.parts_sent + 1,
                last_error="unconfirmed: the instance sending this stopped mid-post; counted "
                           "as sent and not posted again, to avoid a duplicate")
        .returning(Delivery.key)
    ).all()
    retried = session.scalars(
        update(Delivery)
        .where(stale, Delivery.sending.is_(False))
        .values(status=DeliveryStatus.RETRYING, next_attempt_at=now,
                last_error="the instance sending this stopped before posting; retrying")
        .returning(Delivery.key)
    ).all()
    return list(retried), list(unconfirmed)


def unconfirmed(delivery: Delivery) -> bool:
    """Whether a sent delivery's last post was handed to Slack without an answer."""
    return delivery.status == DeliveryStatus.SENT and delivery.sending


def recent(session: Session, *, failed_only: bool = False, limit: int = 50) -> Sequence[Delivery]:
    """The latest deliveries, newest first; with `failed_only`, failures, pending retries
    and sends Slack did not confirm."""
    stmt = select(Delivery)
    if failed_only:
        stmt = stmt.where(Delivery.status.in_([DeliveryStatus.FAILED, DeliveryStatus.RETRYING])
                          | ((Delivery.status == DeliveryStatus.SENT)
                             & Delivery.sending.is_(True)))
    return session.scalars(
        stmt.order_by(Delivery.due_at.desc(), Delivery.id.desc()).limit(limit)
    ).all()
