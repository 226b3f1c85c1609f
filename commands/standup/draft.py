"""The pre-filled stand-up answer: what the member logged on their previous working day and
what their plan and their follow-ups ask of them today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import UserFacingError
from commands.core.i18n import t, tn, tp
from commands.core.limits import LIMITS
from commands.core.periods import working_days
from commands.core.text import Mention
from commands.plan.names import period_name
from commands.plan.plan import PlanArgs, run_plan
from storage import repo

MAX_TEXT = LIMITS["stand-up answer"]


@dataclass(frozen=True)
class StandupDraft:
    """What the answer form starts with: logged work, the plan, any answer already given."""

    day: date
    team_name: str
    previous_day: date
    yesterday: str
    today: str
    blockers: str
    plan_hint: str | None


def standup_draft(session: Session, actor: Actor, day: date, now: datetime) -> StandupDraft:
    """Pre-fill an answer for `day` from the member's previous working day and their plan."""
    member = actor.member
    team = member.team
    hol = repo.targets.holidays(session, team.id) if team else set()
    earlier = working_days(day - timedelta(days=14), day - timedelta(days=1), hol)
    previous = earlier[-1] if earlier else day - timedelta(days=1)
    existing = repo.standups.answer_for(session, member.id, day)
    hint = plan_hint(session, actor, now)
    if existing is not None and not existing.skipped:
        return StandupDraft(day, team.name if team else "", previous, existing.yesterday,
                            existing.today, existing.blockers, hint)
    lines = []
    next_steps: list[tuple[str, str]] = []
    for a in repo.activities.activities_on(session, member.id, previous):
        line = f"• {_type_name(a.type.value)}: {a.customer.name}"
        if a.outcome:
            line += f" ({_outcome_name(a.outcome.value)})"
        if a.notes:
            line += f" — {a.notes[:120]}"
        lines.append(line)
        if a.next_step:
            next_steps.append((f"• {a.next_step[:120]} ({a.customer.name})",
                               a.next_step[:120]))
    zone = ZoneInfo(member.timezone)
    start = datetime.combine(previous, time(), zone)
    for h in repo.deals.deal_changes_between(session, member.id, start,
                                           start + timedelta(days=1)):
        what = {"stage": tp("deal field", "stage"), "amount": tp("deal field", "amount"),
                "close": tp("deal field", "close date")}.get(h.field, h.field)
        before = h.old_value or tp("deal change", "set")
        lines.append(f"• {h.deal.ref} {h.deal.name}: {what} {before} → {h.new_value}")
    today_lines = _today_lines(session, member.id, day, hint, next_steps)
    return StandupDraft(day, team.name if team else "", previous,
                        "\n".join(lines)[:MAX_TEXT], "\n".join(today_lines)[:MAX_TEXT], "",
                        hint)


def _today_lines(session: Session, member_id: int, day: date, hint: str | None,
                 next_steps: list[tuple[str, str]]) -> list[str]:
    """The plan's ask, the follow-ups due on `day` (overdue ones too), and the next steps
    logged the day before; a next step with a follow-up is listed once, on its day."""
    due = [f"• {f.ref} {f.text[:120]}" + (f" ({f.customer.name})" if f.customer else "")
           + (t(" (overdue)") if f.due_on < day else "")
           for f in repo.followups.open_follow_ups(session, [member_id], due_by=day)]
    scheduled = {f.text[:120] for f in repo.followups.open_follow_ups(session, [member_id])}
    return ([f"• {hint}"] if hint else []) + due + [
        line for line, text in next_steps if text not in scheduled]


def plan_hint(session: Session, actor: Actor, now: datetime) -> str | None:
    """'2.5 visits a day to stay on pace' from the member's revenue plan, when there is one."""
    member = actor.member
    try:
        plan = run_plan(PlanArgs(Mention(member.slack_user_id, member.name), None),
                        session=session, actor=actor, now=now)
    except UserFacingError:
        return None
    per_day = plan.plan.visits_per_rep_per_day
    if per_day is None or per_day <= 0:
        return None
    # rounded up: 33.34 visits a day is not done with 33.3
    text = f"{per_day.quantize(Decimal('0.1'), ROUND_CEILING)}".removesuffix(".0")
    return tn("{per_day} visit a day to stay on pace ({period} plan)",
              "{per_day} visits a day to stay on pace ({period} plan)",
              1 if text == "1" else 2, per_day=text, period=period_name(plan.period))


def _type_name(value: str) -> str:
    """Visit, Call, Demo, Meeting, Email (a logged activity's type) in the current language."""
    names = {"visit": tp("activity type", "Visit"), "call": tp("activity type", "Call"),
             "demo": tp("activity type", "Demo"), "meeting": tp("activity type", "Meeting"),
             "email": tp("activity type", "Email")}
    return names.get(value, value.capitalize())


def _outcome_name(value: str) -> str:
    """positive, neutral, negative in the current language."""
    names = {"positive": tp("outcome", "positive"), "neutral": tp("outcome", "neutral"),
             "negative": tp("outcome", "negative")}
    return names.get(value, value)
