"""Making and closing follow-ups: what `/visit ... next: by:` and `/deal D-3 next: by:` do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from commands.core.aliases import shown_option
from commands.core.dates import format_day, local_today, parse_day
from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.core.limits import check_length
from storage import repo
from storage.models import Customer, Deal, FollowUp, Member


@dataclass(frozen=True)
class FollowUpView:
    """One follow-up as a reader sees it; `overdue_days` counts in its owner's timezone."""

    id: int
    text: str
    due_on: date
    owner: str
    owner_user_id: str
    customer: str | None
    deal_ref: str | None
    overdue_days: int
    done: bool = False

    @property
    def ref(self) -> str:
        return f"F-{self.id}"

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def view_follow_up(item: FollowUp, now: datetime) -> FollowUpView:
    today = local_today(now, item.owner.timezone)
    return FollowUpView(
        id=item.id, text=item.text, due_on=item.due_on, owner=item.owner.name,
        owner_user_id=item.owner.slack_user_id,
        customer=item.customer.name if item.customer else None,
        deal_ref=item.deal.ref if item.deal else None,
        overdue_days=max(0, (today - item.due_on).days), done=item.done_at is not None,
    )


def parse_by(text: str, *, today: date, option: str = "by") -> date:
    """The day a follow-up is due: every form `on:` takes, read forward; never in the past.
    Its errors concern the form input named like the option."""
    try:
        day = parse_day(text, today=today, prefer="future", option=option)
    except UsageError as exc:
        raise UsageError(exc.message, usage=exc.usage, field=option) from None
    if day < today:
        raise UsageError(t("`{option}:{text}` is {day}, in the past. A follow-up is due "
                           "today or later, like {option}:friday.", option=shown_option(option),
                           text=text,
                           day=format_day(day, today)), field=option)
    return day


def check_next_by(next_step: str | None, by: str | None, *, command: str) -> None:
    """`by:` only goes with `next:` (the step it dates)."""
    if by is not None and not by:
        raise UsageError(t("`{option}:` needs a date, like {option}:friday or {option}:2026-12-10.",
                           option=shown_option("by")), field="by")
    if by is not None and next_step is None:
        raise UsageError(t('`{option}:` dates the next step: add it, like `{command} '
                           '{next}:"send quote" {option}:{by}`.', option=shown_option("by"),
                           next=shown_option("next"), command=command, by=by), field="by")


def schedule_follow_up(session: Session, *, owner: Member, created_by: Member, text: str,
                       due_on: date, customer: Customer | None, deal: Deal | None,
                       activity_id: int | None, now: datetime) -> FollowUpView:
    """Write the follow-up (the caller has checked permission and the day)."""
    check_length(text, "next step")
    item = repo.followups.add_follow_up(
        session, workspace_id=owner.workspace_id, owner_id=owner.id, text=text, due_on=due_on,
        customer_id=customer.id if customer else (deal.customer_id if deal else None),
        deal_id=deal.id if deal else None, activity_id=activity_id,
        created_by_id=created_by.id, now=now,
    )
    session.refresh(item)
    return view_follow_up(item, now)


def close_matching(session: Session, *, member: Member, customer_id: int, deal_id: int | None,
                   activity_id: int, occurred_on: date, now: datetime) -> FollowUpView | None:
    """A visit at the customer (or deal) of one of the member's open follow-ups closes it:
    the earliest due, one on the deal first, which the visit most likely was. Only a
    follow-up made on or before the visit's day: a backdated visit cannot have done a step
    agreed after it."""
    candidates = [
        f for f in repo.followups.open_follow_ups(session, [member.id])
        if f.customer_id == customer_id and made_on(f) <= occurred_on
    ]
    if not candidates:
        return None
    item = min(candidates, key=lambda f: (f.deal_id != deal_id, f.due_on, f.id))
    item.done_at, item.done_by_id, item.closed_by_activity_id = now, member.id, activity_id
    session.flush()
    return view_follow_up(item, now)


def made_on(item: FollowUp) -> date:
    """The day a follow-up's step was agreed: the day of the visit that made it, else the
    day it was written, in its owner's timezone."""
    if item.activity is not None:
        return item.activity.occurred_on
    return local_today(item.created_at, item.owner.timezone)


@dataclass(frozen=True)
class OverdueFollowUps:
    """One person's overdue follow-ups, for the weekly review."""

    owner: str
    count: int
    oldest_days: int  # how long the oldest of them is overdue


def overdue_per_owner(session: Session, people: list[Member],
                      now: datetime) -> tuple[OverdueFollowUps, ...]:
    """Each person's overdue follow-ups (due before their own today), most first."""
    views = [view_follow_up(f, now) for f in
             repo.followups.open_follow_ups(session, [p.id for p in people])]
    by_owner: dict[str, list[int]] = {}
    for v in views:
        if v.overdue:
            by_owner.setdefault(v.owner, []).append(v.overdue_days)
    lines = [OverdueFollowUps(owner, len(days), max(days)) for owner, days in by_owner.items()]
    return tuple(sorted(lines, key=lambda o: (-o.count, -o.oldest_days, o.owner)))
