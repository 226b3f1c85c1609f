"""Writing a checked import, in the caller's transaction."""


from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.io.importer.check import Progress
from commands.io.importer.plan import (
    ImportPlan,
    ImportResult,
    NewActivity,
    NewDeal,
)
from storage import repo
from storage.models import (
    Activity,
    Customer,
    Deal,
    DealHistory,
    FollowUp,
    ForecastAdjustment,
    ForecastCall,
    Workspace,
)


def apply_import(
    plan: ImportPlan, *, session: Session, progress: Progress | None = None
) -> ImportResult:
    """Write everything the plan holds, in the caller's transaction."""
    if not plan.ok:
        raise ValueError("an import with problems must not be applied")
    # Deal numbers first, while the session holds few objects: handing one out is an UPDATE
    # that checks every object in the session, and pending deals would be flushed one by one.
    numbers = [repo.deals.next_deal_number(session, plan.workspace_id) for _ in plan.deals]
    ids = dict(plan.existing_customers)
    customers = [Customer(workspace_id=plan.workspace_id, name=new.name, name_key=new.key,
                          tier=new.tier, owner_id=new.owner_id, created_at=new.created_at)
                 for new in plan.customers]
    session.add_all(customers)
    session.flush()
    ids.update((c.name_key, c.id) for c in customers)
    done = _Done(progress)
    done(len(customers))
    refs = [_add_deal(session, plan.workspace_id, d, number, ids, done)
            for d, number in zip(plan.deals, numbers, strict=True)]
    for a in plan.activities:
        _add_activity(session, plan.workspace_id, a, ids)
        done(1)
    for c in plan.calls:
        # an imported call was submitted by its rep, as every call is
        session.add(ForecastCall(
            workspace_id=plan.workspace_id, team_id=c.team_id, member_id=c.member_id,
            period_kind=c.period_kind, period_start=c.period_start, period_end=c.period_end,
            commit_minor=c.commit_minor, best_minor=c.best_minor, currency=c.currency,
            note=c.note, submitted_by_id=c.member_id, submitted_at=c.submitted_at))
        done(1)
    for adj in plan.adjustments:
        session.add(ForecastAdjustment(
            workspace_id=plan.workspace_id, team_id=adj.team_id, member_id=adj.member_id,
            period_kind=adj.period_kind, period_start=adj.period_start,
            period_end=adj.period_end, commit_minor=adj.commit_minor, best_minor=adj.best_minor,
            currency=adj.currency, reason=adj.reason, adjusted_by_id=adj.adjusted_by_id,
            adjusted_at=adj.adjusted_at))
        done(1)
    for f in plan.follow_ups:
        session.add(FollowUp(
            workspace_id=plan.workspace_id, owner_id=f.owner_id, text=f.text, due_on=f.due_on,
            customer_id=ids[f.customer_key] if f.customer_key else None, deal_id=f.deal_id,
            created_by_id=f.created_by_id, created_at=f.created_at, done_at=f.done_at,
            done_by_id=f.owner_id if f.done_at else None))
        done(1)
    session.flush()
    return ImportResult(
        kind=plan.kind, customers=len(plan.customers), deals=len(plan.deals),
        activities=len(plan.activities), skipped=len(plan.skipped), calls=len(plan.calls),
        adjustments=len(plan.adjustments), follow_ups=len(plan.follow_ups),
        first_ref=refs[0] if refs else None, last_ref=refs[-1] if refs else None,
    )


class _Done:
    """Tells the progress bar, if any, how many more records were written."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress

    def __call__(self, n: int) -> None:
        if self.progress is not None and n:
            self.progress(n)


def _add_deal(session: Session, workspace_id: int, d: NewDeal, number: int,
              ids: dict[str, int], done: _Done) -> str:
    """Add a deal and return its ref."""
    deal = Deal(
        workspace_id=workspace_id, number=number, name=d.name,
        customer_id=ids[d.customer_key], owner_id=d.owner_id,
        amount_minor=d.amount_minor, currency=d.currency, stage=d.stage,
        expected_close=d.expected_close, created_at=d.created_at, closed_at=d.closed_at,
        lost_reason=d.lost_reason,
    )
    # The same history a deal created in chat starts with, dated when it was created.
    amount = f"{Decimal(d.amount_minor).scaleb(-2):f} {d.currency}"
    for field_name, new_value in (("stage", d.stage), ("amount", amount),
                                  ("close", d.expected_close.isoformat()
                                   if d.expected_close else None)):
        if new_value is not None:
            deal.history.append(DealHistory(
                field=field_name, old_value=None, new_value=new_value,
                changed_by_id=d.owner_id, changed_at=d.created_at))
    session.add(deal)
    done(1)
    return deal.ref


def _add_activity(session: Session, workspace_id: int, a: NewActivity,
                  ids: dict[str, int]) -> None:
    """Add an activity, and the follow-up its next step became, if it had one."""
    activity = Activity(
        workspace_id=workspace_id, type=a.type, customer_id=ids[a.customer_key],
        deal_id=a.deal_id, member_id=a.member_id, occurred_on=a.occurred_on,
        outcome=a.outcome, notes=a.notes, next_step=a.next_step, logged_at=a.logged_at,
    )
    session.add(activity)
    if a.follow_up_by is not None and a.next_step:
        session.add(FollowUp(
            workspace_id=workspace_id, owner_id=a.member_id, text=a.next_step,
            due_on=a.follow_up_by, customer_id=ids[a.customer_key], deal_id=a.deal_id,
            activity=activity, created_by_id=a.member_id, created_at=a.logged_at,
            done_at=a.follow_up_done_at,
            done_by_id=a.member_id if a.follow_up_done_at else None))


def pick_workspace(session: Session, slack_team_id: str | None) -> Workspace:
    """The workspace to import into: the one named, else the database's only one."""
    if slack_team_id:
        ws = repo.workspaces.get_workspace(session, slack_team_id)
        if ws is None:
            raise UsageError(t("No workspace {workspace} in this database.",
                               workspace=slack_team_id))
        return ws
    ws = repo.workspaces.only_workspace(session)
    if ws is not None:
        return ws
    ids = repo.workspaces.slack_team_ids(session)
    if not ids:
        raise UsageError(t("This database has no workspace yet: use salesbot in Slack (or "
                           "`salesbot console`) first, so there are people to own the rows."))
    raise UsageError(t("This database has several workspaces; pick one with --workspace: "
                       "{workspaces}.", workspaces=", ".join(ids)))
