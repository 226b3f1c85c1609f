"""Checking an import file's rows against the workspace: the plan, nothing written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.core.periods import Period
from commands.core.text import name_key
from commands.deals.visit import parse_deal_ref
from commands.io.importer.cells import (
    Bad,
    Known,
    Row,
    load_known,
    read_amount,
    read_choice,
    read_name,
    read_person,
    read_required,
    read_stage,
    read_team,
    read_text,
    read_tier,
    tz_of,
)
from commands.io.importer.days import calendar_day, day_first, read_day, read_moment
from commands.io.importer.forecasts import (
    read_call_currency,
    read_call_money,
    read_call_period,
)
from commands.io.importer.layouts import ImportKind, find_layout
from commands.io.importer.plan import (
    ImportPlan,
    NewActivity,
    NewAdjustment,
    NewCall,
    NewCustomer,
    NewDeal,
    NewFollowUp,
    Problem,
    Skipped,
)
from storage import repo
from storage.models import ActivityType, Outcome, Stage, Tier, Workspace

Progress = Callable[[int], None]


def plan_import(
    kind: ImportKind | str, rows: pd.DataFrame, *, session: Session, workspace: Workspace,
    now: datetime, progress: Progress | None = None,
) -> ImportPlan:
    """Check every row against the workspace and say what importing them would write.

    Nothing is written. `rows` comes from `read_rows` (text cells indexed by file line).
    Raises UsageError when the file's columns fit no layout.
    """
    kind = ImportKind(kind)
    layout, mapping = find_layout(kind, [str(c) for c in rows.columns])
    known = load_known(session, workspace)
    day_fields = [f for f in ("date", "expected_close", "created_at", "closed_at",
                              "logged_at", "start", "end", "submitted_at", "adjusted_at", "due",
                              "done_at") if f in mapping]
    dayfirst = day_first(v for f in day_fields for v in rows[mapping[f]].astype(str))
    checker = _Checker(kind, known, now, dayfirst)
    checker.load_existing(session, rows, mapping)
    for line, cells in rows.iterrows():
        row = Row(int(line), cells, mapping)
        checker.check(row)
        if row.reasons:
            checker.problems.append(Problem(row.line, tuple(row.reasons)))
        if progress is not None:
            progress(1)
    return ImportPlan(
        kind=kind, layout=layout.name, workspace_id=workspace.id, rows=len(rows),
        customers=tuple(checker.new_customers.values()), deals=tuple(checker.deals),
        activities=tuple(checker.activities), calls=tuple(checker.calls),
        adjustments=tuple(checker.adjustments), follow_ups=tuple(checker.follow_ups),
        existing_customers={k: v[0] for k, v in known.customers.items()},
        skipped=tuple(checker.skipped), problems=tuple(checker.problems),
    )


class _Checker:
    """Checks rows one by one, remembering what earlier rows of the file will add."""

    def __init__(self, kind: ImportKind, known: Known, now: datetime,
                 dayfirst: bool | None) -> None:
        self.kind = kind
        self.known = known
        self.now = now
        self.dayfirst = dayfirst
        self.new_customers: dict[str, NewCustomer] = {}
        self.deals: list[NewDeal] = []
        self.activities: list[NewActivity] = []
        self.calls: list[NewCall] = []
        self.existing_calls: set[tuple[Any, ...]] = set()
        self.adjustments: list[NewAdjustment] = []
        self.existing_adjustments: set[tuple[Any, ...]] = set()
        self.follow_ups: list[NewFollowUp] = []
        self.existing_follow_ups: set[tuple[Any, ...]] = set()
        self.skipped: list[Skipped] = []
        self.problems: list[Problem] = []
        self.seen: dict[tuple[Any, ...], int] = {}  # a record's identity -> its line
        self.existing_activities: set[tuple[Any, ...]] = set()

    def load_existing(self, session: Session, rows: pd.DataFrame,
                      mapping: Mapping[str, str]) -> None:
        """Remember what the workspace already holds of what the file brings, to skip it."""
        ws_id = self.known.workspace.id
        if self.kind is ImportKind.ACTIVITIES:
            self.load_activities(session, rows, mapping)
        elif self.kind is ImportKind.FORECASTS:
            self.existing_calls = {(m, k, s, at.replace(microsecond=0))
                                   for m, k, s, at in repo.imports.forecast_calls(session, ws_id)}
        elif self.kind is ImportKind.ADJUSTMENTS:
            self.existing_adjustments = {
                (team, m, k, s, at.replace(microsecond=0))
                for team, m, k, s, at in repo.imports.forecast_adjustments(session, ws_id)}
        elif self.kind is ImportKind.FOLLOW_UPS:
            self.existing_follow_ups = {(o, text, due) for o, text, due
                                        in repo.imports.follow_ups(session, ws_id)}

    def load_activities(self, session: Session, rows: pd.DataFrame,
                        mapping: Mapping[str, str]) -> None:
        """Remember the activities already logged on the days the file covers."""
        days = sorted(d for d in (calendar_day(str(v), self.dayfirst)
                                  for v in rows[mapping["date"]]) if d)
        if not days:
            return
        found = repo.imports.activities_between(session, self.known.workspace.id, days[0],
                                                days[-1])
        self.existing_activities = {(c, m, d, ActivityType(t), n) for c, m, d, t, n in found}

    def check(self, row: Row) -> None:
        if self.kind is ImportKind.CUSTOMERS:
            self._customer(row)
        elif self.kind is ImportKind.DEALS:
            self._deal(row)
        elif self.kind is ImportKind.FORECASTS:
            self._call(row)
        elif self.kind is ImportKind.ADJUSTMENTS:
            self._adjustment(row)
        elif self.kind is ImportKind.FOLLOW_UPS:
            self._follow_up(row)
        else:
            self._activity(row)

    def _duplicate(self, row: Row, identity: tuple[Any, ...], what: str) -> bool:
        if identity in self.seen:
            self.skipped.append(Skipped(row.line, t("{what} is the same as line {line}", what=what,
                                                    line=self.seen[identity])))
            return True
        self.seen[identity] = row.line
        return False

    def _customer_for(self, row: Row, name: str, owner_id: int | None,
                      when: datetime) -> str:
        """The customer's name key, planning it as new when the workspace lacks it."""
        key = name_key(name)
        if key not in self.known.customers:
            planned = self.new_customers.get(key)
            if planned is None:
                self.new_customers[key] = NewCustomer(row.line, name, key, Tier.C, owner_id, when)
            elif when < planned.created_at:
                self.new_customers[key] = replace(planned, created_at=when)
        return key

    def _customer(self, row: Row) -> None:
        name = row.check(read_name, row, "name")
        tier = row.check(read_tier, row)
        owner_id = row.check(read_person, row, "owner", self.known, optional=True)
        tz = tz_of(self.known, owner_id)
        created = row.check(read_moment, row, "created_at", tz, self.dayfirst) or self.now
        if row.reasons:
            return
        key = name_key(name)
        if key in self.known.customers:
            self.skipped.append(Skipped(row.line, t('customer "{name}" is already there',
                                                    name=self.known.customers[key][1])))
            return
        if self._duplicate(row, ("customer", key), t('customer "{name}"', name=name)):
            return
        self.new_customers[key] = NewCustomer(row.line, name, key, tier, owner_id, created)

    def _deal(self, row: Row) -> None:
        name = row.check(read_name, row, "name", "deal name")
        customer = row.check(read_name, row, "customer")
        lost_reason = row.check(read_text, row, "lost_reason", "lost reason")
        owner_id = row.check(read_person, row, "owner", self.known)
        money = row.check(read_amount, row, self.known.workspace.default_currency)
        stage: Stage | None = row.check(read_stage, row, self.known)
        tz = tz_of(self.known, owner_id)
        close = row.check(read_day, row, "expected_close", self.dayfirst)
        created = row.check(read_moment, row, "created_at", tz, self.dayfirst) or self.now
        closed_at = row.check(read_moment, row, "closed_at", tz, self.dayfirst)
        if row.reasons:
            return
        assert stage is not None and money is not None
        key = name_key(customer)
        existing = self.known.customers.get(key)
        if existing is not None:
            number = self.known.deals_by_name.get((existing[0], name_key(name)))
            if number is not None:
                ref = f"D-{number}"
                self.skipped.append(Skipped(row.line, t(
                    'deal "{name}" with {customer} is already there ({ref})', name=name,
                    customer=existing[1], ref=ref)))
                return
        if self._duplicate(row, ("deal", key, name_key(name)),
                           t('deal "{name}" with {customer}', name=name, customer=customer)):
            return
        if stage.is_closed:
            closed_at = closed_at or (datetime.combine(close, time(), ZoneInfo(tz)) if close
                                      else self.now)
        else:
            closed_at = None
        self.deals.append(NewDeal(
            line=row.line, name=name, customer_key=self._customer_for(row, customer, owner_id,
                                                                      created),
            owner_id=owner_id, amount_minor=money[0], currency=money[1], stage=stage.name,
            expected_close=close, created_at=created, closed_at=closed_at,
            lost_reason=(lost_reason or None) if stage.is_lost else None,
        ))

    def _activity(self, row: Row) -> None:
        member_id = row.check(read_person, row, "member", self.known)
        tz = tz_of(self.known, member_id)
        day = row.check(read_required, row, "date") and row.check(read_day, row, "date",
                                                                  self.dayfirst)
        if day and day > local_today(self.now, tz):
            row.reasons.append(t("date {day} is in the future", day=day.isoformat()))
        type_ = row.check(read_required, row, "type") and row.check(
            read_choice, row, "type", [t.value for t in ActivityType])
        customer = row.check(read_name, row, "customer")
        outcome = row.check(read_choice, row, "outcome", [o.value for o in Outcome])
        deal_id = row.check(self._deal_ref, row, customer)
        logged = row.check(read_moment, row, "logged_at", tz, self.dayfirst) or self.now
        notes = row.check(read_text, row, "notes", "notes")
        next_step = row.check(read_text, row, "next_step", "next step")
        follow_up_by = row.check(read_day, row, "follow_up_by", self.dayfirst)
        follow_up_done = row.check(read_moment, row, "follow_up_done_at", tz, self.dayfirst)
        if (follow_up_by or follow_up_done) and not next_step:
            dated = "follow_up_by" if follow_up_by else "follow_up_done_at"
            row.reasons.append(t("{column} dates a follow-up, and the row has no next step to "
                                 "follow up", column=row.header(dated)))
        if follow_up_done and not follow_up_by:
            row.reasons.append(t("{column} needs the day the follow-up was due (follow_up_by)",
                                 column=row.header("follow_up_done_at")))
        if row.reasons:
            return
        key = name_key(customer)
        existing = self.known.customers.get(key)
        identity = (existing[0] if existing else key, member_id, day, ActivityType(type_),
                    notes)
        if existing is not None and identity in self.existing_activities:
            self.skipped.append(Skipped(row.line, t(
                "this {type} with {customer} on {day} is already there", type=type_,
                customer=existing[1], day=day)))
            return
        if self._duplicate(row, ("activity", *identity),
                           t("this {type} with {customer}", type=type_, customer=customer)):
            return
        self.activities.append(NewActivity(
            line=row.line, occurred_on=day, type=ActivityType(type_),
            customer_key=self._customer_for(row, customer, member_id, logged),
            member_id=member_id, deal_id=deal_id, outcome=Outcome(outcome) if outcome else None,
            notes=notes, next_step=next_step or None, logged_at=logged,
            follow_up_by=follow_up_by, follow_up_done_at=follow_up_done,
        ))

    def _deal_ref(self, row: Row, customer: str | None) -> int | None:
        raw = row["deal"]
        if not raw:
            return None
        try:
            number = parse_deal_ref(raw)
        except UsageError:
            raise Bad(t('{column} "{value}" is not a deal reference like D-3',
                         column=row.header("deal"), value=raw)) from None
        ref = f"D-{number}"
        if number not in self.known.deals_by_number:
            raise Bad(t("there is no deal {ref} in this workspace", ref=ref))
        deal_id, customer_id = self.known.deals_by_number[number]
        if customer is not None:
            existing = self.known.customers.get(name_key(customer))
            if existing is None or existing[0] != customer_id:
                theirs = next(n for i, n in self.known.customers.values() if i == customer_id)
                raise Bad(t("{ref} is a deal with {theirs}, not {customer}", ref=ref,
                             theirs=theirs, customer=customer))
        return deal_id

    def _call(self, row: Row) -> None:
        """A forecast call, as the export's forecast_calls table writes it."""
        member_id = row.check(read_person, row, "person", self.known)
        period: Period | None = row.check(read_call_period, row, self.dayfirst)
        currency = row.check(read_call_currency, row)
        commit = row.check(read_call_money, row, "commit", currency)
        best = row.check(read_call_money, row, "best", currency)
        note = row.check(read_text, row, "note", "notes")
        submitted = row.check(read_moment, row, "submitted_at", tz_of(self.known, member_id),
                              self.dayfirst) or self.now
        _best_covers_commit(row, commit, best)
        if row.reasons:
            return
        assert period is not None and member_id is not None
        identity = (member_id, period.kind, period.start, submitted.replace(microsecond=0))
        what = t("{person}'s call for {period} submitted {when}", person=row["person"],
                 period=period.label, when=submitted.isoformat())
        if identity in self.existing_calls:
            self.skipped.append(Skipped(row.line, t("{what} is already there", what=what)))
            return
        if self._duplicate(row, ("call", *identity), what):
            return
        self.calls.append(NewCall(
            line=row.line, member_id=member_id, team_id=self.known.teams.get(member_id),
            period_kind=period.kind, period_start=period.start, period_end=period.end,
            commit_minor=commit, best_minor=best, currency=currency, note=note or "",
            submitted_at=submitted,
        ))

    def _adjustment(self, row: Row) -> None:
        """A manager's adjustment, as the export's forecast_adjustments table writes it."""
        team_id = row.check(read_team, row, self.known)
        member_id = row.check(read_person, row, "person", self.known, optional=True)
        by_id = row.check(read_person, row, "adjusted_by", self.known)
        period: Period | None = row.check(read_call_period, row, self.dayfirst)
        currency = row.check(read_call_currency, row)
        commit = row.check(read_call_money, row, "commit", currency)
        best = row.check(read_call_money, row, "best", currency)
        reason = row.check(read_required, row, "reason") and row.check(
            read_text, row, "reason", "notes")
        adjusted = row.check(read_moment, row, "adjusted_at", tz_of(self.known, by_id),
                             self.dayfirst) or self.now
        _best_covers_commit(row, commit, best)
        if row.reasons:
            return
        assert period is not None and team_id is not None and by_id is not None
        identity = (team_id, member_id, period.kind, period.start,
                    adjusted.replace(microsecond=0))
        values = {"period": period.label, "when": adjusted.isoformat()}
        what = t("{person}'s call for {period} adjusted {when}", person=row["person"],
                 **values) if member_id is not None else \
            t("{team}'s forecast for {period} adjusted {when}", team=row["team"], **values)
        if identity in self.existing_adjustments:
            self.skipped.append(Skipped(row.line, t("{what} is already there", what=what)))
            return
        if self._duplicate(row, ("adjustment", *identity), what):
            return
        self.adjustments.append(NewAdjustment(
            line=row.line, team_id=team_id, member_id=member_id, period_kind=period.kind,
            period_start=period.start, period_end=period.end, commit_minor=commit,
            best_minor=best, currency=currency, reason=reason, adjusted_by_id=by_id,
            adjusted_at=adjusted,
        ))

    def _follow_up(self, row: Row) -> None:
        """A follow-up, as the export's follow_ups table writes it (a deal's among them)."""
        owner_id = row.check(read_person, row, "owner", self.known)
        text = row.check(read_required, row, "text") and row.check(
            read_text, row, "text", "next step")
        due = row.check(read_required, row, "due") and row.check(
            read_day, row, "due", self.dayfirst)
        customer = row.check(read_name, row, "customer") if row["customer"] else None
        deal_id = row.check(self._deal_ref, row, customer)
        by_id = row.check(read_person, row, "created_by", self.known, optional=True)
        tz = tz_of(self.known, owner_id)
        created = row.check(read_moment, row, "created_at", tz, self.dayfirst) or self.now
        done = row.check(read_moment, row, "done_at", tz, self.dayfirst)
        if row.reasons:
            return
        assert owner_id is not None and due is not None
        what = t('the follow-up "{text}" of {owner} due {due}', text=text, owner=row["owner"],
                 due=due.isoformat())
        if (owner_id, text, due) in self.existing_follow_ups:
            self.skipped.append(Skipped(row.line, t("{what} is already there", what=what)))
            return
        if self._duplicate(row, ("follow-up", owner_id, text, due), what):
            return
        self.follow_ups.append(NewFollowUp(
            line=row.line, owner_id=owner_id, text=text, due_on=due,
            customer_key=self._customer_for(row, customer, owner_id, created)
            if customer else None,
            deal_id=deal_id, created_by_id=by_id or owner_id, created_at=created, done_at=done,
        ))


def _best_covers_commit(row: Row, commit: int | None, best: int | None) -> None:
    if commit is not None and best is not None and best < commit:
        row.reasons.append(t("{best} is below {commit}: the best case includes the commit",
                             best=row.header("best"), commit=row.header("commit")))
