"""Checking an import file's rows against the workspace: the plan, nothing written."""


from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from commands.core.actors import People
from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.core.i18n import current_locale, t
from commands.core.limits import LIMITS
from commands.core.money import parse_amount, parse_currency
from commands.core.periods import Period, period_containing
from commands.core.text import closest, name_key
from commands.deals.visit import parse_deal_ref
from commands.io.importer.layouts import (
    SALESFORCE_STAGE_NAMES,
    SALESFORCE_STAGES,
    ImportKind,
    find_layout,
)
from commands.io.importer.plan import (
    ImportPlan,
    NewActivity,
    NewCall,
    NewCustomer,
    NewDeal,
    Problem,
    Skipped,
)
from storage import repo
from storage.models import (
    ActivityType,
    Outcome,
    Stage,
    Tier,
    Workspace,
    to_minor,
)

Progress = Callable[[int], None]


class _Bad(Exception):
    """One cell's problem, in words for the person who made the file."""


@dataclass
class _Known:
    """What the workspace already holds, loaded once for the whole file."""

    workspace: Workspace
    people: People
    member_names: list[str]
    timezones: dict[int, str]  # member id -> timezone
    teams: dict[int, int | None]  # member id -> team id
    customers: dict[str, tuple[int, str]]  # name key -> (id, name)
    stages: dict[str, Stage]
    deals_by_name: dict[tuple[int, str], int]  # (customer id, deal name key) -> number
    deals_by_number: dict[int, tuple[int, int]]  # number -> (deal id, customer id)


def _load(session: Session, ws: Workspace) -> _Known:
    members, customers, deals = repo.imports.known(session, ws.id)
    return _Known(
        workspace=ws,
        people=People(members),
        member_names=sorted(m.name for m in members),
        timezones={m.id: m.timezone for m in members},
        teams={m.id: m.team_id for m in members},
        customers={k: (i, n) for k, i, n in customers},
        stages={s.name: s for s in repo.deals.stages(session, ws.id)},
        deals_by_name={(c, name_key(n)): num for num, _, c, n in deals},
        deals_by_number={num: (i, c) for num, i, c, _ in deals},
    )


class _Row:
    """One data row by field name, collecting every problem found in it."""

    def __init__(self, line: int, cells: Mapping[str, str], mapping: Mapping[str, str]) -> None:
        self.line = line
        self.headers = mapping
        self.values = {f: str(cells[h]).strip() for f, h in mapping.items()}
        # PostgreSQL cannot store a NUL character and SQLite would keep it silently
        self.reasons: list[str] = [t("{column} contains a NUL character (\\0)", column=h)
                                   for f, h in mapping.items() if "\x00" in self.values[f]]

    def __getitem__(self, field_name: str) -> str:
        return self.values.get(field_name, "")

    def header(self, field_name: str) -> str:
        return self.headers.get(field_name, field_name)

    def check(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except _Bad as exc:
            self.reasons.append(str(exc))
            return None


def _closest_of(word: str, names: Iterable[str]) -> str | None:
    """The name most like `word`, compared ignoring case."""
    by_folded = {n.casefold(): n for n in names}
    guess = closest(word.casefold(), by_folded)
    return by_folded[guess] if guess else None


def _hint(word: str, names: Iterable[str]) -> str:
    guess = _closest_of(word, names)
    return t(' (did you mean "{guess}"?)', guess=guess) if guess else ""


def _required(row: _Row, field_name: str) -> str:
    value = row[field_name]
    if not value:
        raise _Bad(t("{column} is empty", column=row.header(field_name)))
    return value


def _name(row: _Row, field_name: str, limit: str = "customer name") -> str:
    clean = " ".join(_required(row, field_name).split())
    return _within(row, field_name, clean, limit)


def _text(row: _Row, field_name: str, limit: str) -> str:
    return _within(row, field_name, row[field_name], limit)


def _within(row: _Row, field_name: str, value: str, limit: str) -> str:
    """`value`, or the row refused when it is longer than the limit a command would apply."""
    if len(value) > LIMITS[limit]:
        length, most = f"{len(value):,}", f"{LIMITS[limit]:,}"
        raise _Bad(t("{column} is {length} characters long; the limit is {limit}",
                     column=row.header(field_name), length=length, limit=most))
    return value


def _person(row: _Row, field_name: str, known: _Known, *, optional: bool = False) -> int | None:
    raw = row[field_name].removeprefix("@").strip()
    if not raw:
        if optional:
            return None
        raise _Bad(t("{column} is empty", column=row.header(field_name)))
    try:  # the same matching as a person named in a command
        found = known.people.find(raw)
    except UsageError:
        raise _Bad(t('more than one person is called "{name}"', name=raw)) from None
    if found is not None:
        return found.id
    raise _Bad(t('{column} "{value}" is not anyone in this workspace{hint}',
                 column=row.header(field_name), value=raw,
                 hint=_hint(raw, known.member_names)))


def _tier(row: _Row) -> Tier:
    raw = row["tier"].upper()
    if not raw:
        return Tier.C
    if raw not in Tier.__members__:
        raise _Bad(t('tier "{value}" is not A, B or C', value=row["tier"]))
    return Tier(raw)


def _amount(row: _Row, default_currency: str) -> tuple[int, str]:
    raw = _required(row, "amount")
    # Salesforce writes multi-currency amounts as "USD 120,000.00"
    coded = re.fullmatch(r"([A-Za-z]{3})\s*([$€£¥￥₹₩]?\d.*)", raw)
    text = f"{coded.group(2)} {coded.group(1)}" if coded else raw
    try:
        money = parse_amount(text, option=row.header("amount"))
        explicit = parse_currency(row["currency"]) if row["currency"] else None
    except UsageError as exc:
        raise _Bad(exc.message) from None
    if money.currency and explicit and money.currency != explicit:
        raise _Bad(t("the amount says {currency} but {column} says {other}",
                     currency=money.currency, column=row.header("currency"), other=explicit))
    return to_minor(money.amount), explicit or money.currency or default_currency


def _stage(row: _Row, known: _Known) -> Stage:
    raw = _required(row, "stage")
    folded = raw.casefold()
    name = folded if folded in known.stages else SALESFORCE_STAGES.get(folded, "")
    if name in known.stages:
        return known.stages[name]
    choices = [*known.stages, *SALESFORCE_STAGE_NAMES.values()]
    raise _Bad(t('unknown stage "{value}"{hint}; stages are {stages} (or Salesforce\'s, '
                 "like Closed Won)", value=raw, hint=_hint(raw, choices),
                 stages=", ".join(known.stages)))


_DAY_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?: .*)?$"),
)


def day_first(values: Iterable[str]) -> bool | None:
    """Whether a file writes its slashed dates day first, decided from all its rows.

    A date that is real only one way votes for that way (15/12/2026 day first, 12/15/2026
    month first); one real neither way (13/45/2026) does not vote, it is just a bad row.
    The way with more votes wins; with none, dotted dates (always day first) decide, else
    None: the file does not say, and a date like 03/04/2026 cannot be read one way.
    """
    votes = {True: 0, False: 0}
    dotted = False
    for value in values:
        m = _DAY_PATTERNS[1].match(value.strip())
        if m is None:
            continue
        if m.group("sep") == ".":
            dotted = True
            continue
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        as_dmy, as_mdy = _real(year, b, a), _real(year, a, b)
        if as_dmy != as_mdy:
            votes[as_dmy] += 1
    if votes[True] != votes[False]:
        return votes[True] > votes[False]
    return True if dotted else None


def _real(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _day_parts(raw: str, dayfirst: bool | None) -> tuple[int, int, int] | None:
    """(year, month, day) as written, not yet checked to be a real date. Raises _Bad for a
    slashed date the file gives no way to read one way (03/04/2026 with nothing else)."""
    if m := _DAY_PATTERNS[0].match(raw):
        return int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if m := _DAY_PATTERNS[1].match(raw):
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        if m.group("sep") == ".":
            return year, b, a
        if dayfirst is None:
            if _real(year, b, a) and _real(year, a, b) and a != b:
                raise _Bad(t("could be {one} or {other}, and no other date in the file says "
                             "which; write it like {example}", one=_day_month(a, b),
                             other=_day_month(b, a), example=date(year, b, a).isoformat()))
            dayfirst = _real(year, b, a)
        return (year, b, a) if dayfirst else (year, a, b)
    return None


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")


def _day_month(day: int, month: int) -> str:
    """'3 Apr' (4月3日 in Chinese): one reading of an ambiguous date."""
    return f"{day} {_MONTH_NAMES[month - 1]}" if current_locale() == "en" else f"{month}月{day}日"


def _calendar_day(raw: str, dayfirst: bool | None) -> date | None:
    try:
        parts = _day_parts(raw.strip(), dayfirst)
        return date(*parts) if parts else None
    except (ValueError, _Bad):
        return None


def _day(row: _Row, field_name: str, dayfirst: bool | None) -> date | None:
    raw = row[field_name]
    if not raw:
        return None
    try:
        parts = _day_parts(raw, dayfirst)
    except _Bad as exc:
        raise _Bad(t('{column} "{value}" {problem}', column=row.header(field_name), value=raw,
                     problem=exc)) from None
    if parts is None:
        raise _Bad(t('{column} "{value}" is not a date; write it like 2026-12-15',
                     column=row.header(field_name), value=raw))
    try:
        return date(*parts)
    except ValueError:
        other_way = dayfirst is not None and _calendar_day(raw, not dayfirst) is not None
        order = "" if not other_way else (
            t(" read day first like the file's other dates") if dayfirst
            else t(" read month first like the file's other dates"))
        raise _Bad(t('{column} "{value}" is not a real date{order}',
                     column=row.header(field_name), value=raw, order=order)) from None


def _moment(row: _Row, field_name: str, tz: str, dayfirst: bool | None) -> datetime | None:
    """A timestamp; without an offset it is taken in `tz`, a bare date at its midnight."""
    raw = row[field_name]
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace(" UTC", "+00:00"))
    except ValueError:
        day = _day(row, field_name, dayfirst)
        assert day is not None
        return datetime.combine(day, time(), ZoneInfo(tz))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def _choice(row: _Row, field_name: str, options: Sequence[str]) -> str | None:
    raw = row[field_name].casefold()
    if not raw:
        return None
    if raw in options:
        return raw
    raise _Bad(t('{column} "{value}" is not one of {options}{hint}',
                 column=row.header(field_name), value=row[field_name],
                 options=", ".join(options), hint=_hint(raw, options)))


def _tz(known: _Known, member_id: int | None) -> str:
    if member_id is None:
        return known.workspace.default_timezone
    return known.timezones.get(member_id, known.workspace.default_timezone)


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
    known = _load(session, workspace)
    day_fields = [f for f in ("date", "expected_close", "created_at", "closed_at",
                              "logged_at", "start", "end", "submitted_at") if f in mapping]
    dayfirst = day_first(v for f in day_fields for v in rows[mapping[f]].astype(str))
    checker = _Checker(kind, known, now, dayfirst)
    if kind is ImportKind.ACTIVITIES:
        checker.load_activities(session, rows, mapping)
    if kind is ImportKind.FORECASTS:
        checker.existing_calls = {
            (m, k, s, at.replace(microsecond=0))
            for m, k, s, at in repo.imports.forecast_calls(session, workspace.id)}
    for line, cells in rows.iterrows():
        row = _Row(int(line), cells, mapping)
        checker.check(row)
        if row.reasons:
            checker.problems.append(Problem(row.line, tuple(row.reasons)))
        if progress is not None:
            progress(1)
    return ImportPlan(
        kind=kind, layout=layout.name, workspace_id=workspace.id, rows=len(rows),
        customers=tuple(checker.new_customers.values()), deals=tuple(checker.deals),
        activities=tuple(checker.activities), calls=tuple(checker.calls),
        existing_customers={k: v[0] for k, v in known.customers.items()},
        skipped=tuple(checker.skipped), problems=tuple(checker.problems),
    )


class _Checker:
    """Checks rows one by one, remembering what earlier rows of the file will add."""

    def __init__(self, kind: ImportKind, known: _Known, now: datetime,
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
        self.skipped: list[Skipped] = []
        self.problems: list[Problem] = []
        self.seen: dict[tuple[Any, ...], int] = {}  # a record's identity -> its line
        self.existing_activities: set[tuple[Any, ...]] = set()

    def load_activities(self, session: Session, rows: pd.DataFrame,
                        mapping: Mapping[str, str]) -> None:
        """Remember the activities already logged on the days the file covers."""
        days = sorted(d for d in (_calendar_day(str(v), self.dayfirst)
                                  for v in rows[mapping["date"]]) if d)
        if not days:
            return
        found = repo.imports.activities_between(session, self.known.workspace.id, days[0],
                                                days[-1])
        self.existing_activities = {(c, m, d, ActivityType(t), n) for c, m, d, t, n in found}

    def check(self, row: _Row) -> None:
        if self.kind is ImportKind.CUSTOMERS:
            self._customer(row)
        elif self.kind is ImportKind.DEALS:
            self._deal(row)
        elif self.kind is ImportKind.FORECASTS:
            self._call(row)
        else:
            self._activity(row)

    def _duplicate(self, row: _Row, identity: tuple[Any, ...], what: str) -> bool:
        if identity in self.seen:
            self.skipped.append(Skipped(row.line, t("{what} is the same as line {line}", what=what,
                                                    line=self.seen[identity])))
            return True
        self.seen[identity] = row.line
        return False

    def _customer_for(self, row: _Row, name: str, owner_id: int | None,
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

    def _customer(self, row: _Row) -> None:
        name = row.check(_name, row, "name")
        tier = row.check(_tier, row)
        owner_id = row.check(_person, row, "owner", self.known, optional=True)
        tz = _tz(self.known, owner_id)
        created = row.check(_moment, row, "created_at", tz, self.dayfirst) or self.now
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

    def _deal(self, row: _Row) -> None:
        name = row.check(_name, row, "name", "deal name")
        customer = row.check(_name, row, "customer")
        lost_reason = row.check(_text, row, "lost_reason", "lost reason")
        owner_id = row.check(_person, row, "owner", self.known)
        money = row.check(_amount, row, self.known.workspace.default_currency)
        stage: Stage | None = row.check(_stage, row, self.known)
        tz = _tz(self.known, owner_id)
        close = row.check(_day, row, "expected_close", self.dayfirst)
        created = row.check(_moment, row, "created_at", tz, self.dayfirst) or self.now
        closed_at = row.check(_moment, row, "closed_at", tz, self.dayfirst)
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

    def _activity(self, row: _Row) -> None:
        member_id = row.check(_person, row, "member", self.known)
        tz = _tz(self.known, member_id)
        day = row.check(_required, row, "date") and row.check(_day, row, "date", self.dayfirst)
        if day and day > local_today(self.now, tz):
            row.reasons.append(t("date {day} is in the future", day=day.isoformat()))
        type_ = row.check(_required, row, "type") and row.check(
            _choice, row, "type", [t.value for t in ActivityType])
        customer = row.check(_name, row, "customer")
        outcome = row.check(_choice, row, "outcome", [o.value for o in Outcome])
        deal_id = row.check(self._deal_ref, row, customer)
        logged = row.check(_moment, row, "logged_at", tz, self.dayfirst) or self.now
        notes = row.check(_text, row, "notes", "notes")
        next_step = row.check(_text, row, "next_step", "next step")
        follow_up_by = row.check(_day, row, "follow_up_by", self.dayfirst)
        follow_up_done = row.check(_moment, row, "follow_up_done_at", tz, self.dayfirst)
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

    def _deal_ref(self, row: _Row, customer: str | None) -> int | None:
        raw = row["deal"]
        if not raw:
            return None
        try:
            number = parse_deal_ref(raw)
        except UsageError:
            raise _Bad(t('{column} "{value}" is not a deal reference like D-3',
                         column=row.header("deal"), value=raw)) from None
        ref = f"D-{number}"
        if number not in self.known.deals_by_number:
            raise _Bad(t("there is no deal {ref} in this workspace", ref=ref))
        deal_id, customer_id = self.known.deals_by_number[number]
        if customer is not None:
            existing = self.known.customers.get(name_key(customer))
            if existing is None or existing[0] != customer_id:
                theirs = next(n for i, n in self.known.customers.values() if i == customer_id)
                raise _Bad(t("{ref} is a deal with {theirs}, not {customer}", ref=ref,
                             theirs=theirs, customer=customer))
        return deal_id

    def _call(self, row: _Row) -> None:
        """A forecast call, as the export's forecast_calls table writes it."""
        member_id = row.check(_person, row, "person", self.known)
        period: Period | None = row.check(_call_period, row, self.dayfirst)
        currency = row.check(_call_currency, row)
        commit = row.check(_call_money, row, "commit", currency)
        best = row.check(_call_money, row, "best", currency)
        note = row.check(_text, row, "note", "notes")
        submitted = row.check(_moment, row, "submitted_at", _tz(self.known, member_id),
                              self.dayfirst) or self.now
        if commit is not None and best is not None and best < commit:
            row.reasons.append(t("{best} is below {commit}: the best case includes the commit",
                                 best=row.header("best"), commit=row.header("commit")))
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


def _call_period(row: _Row, dayfirst: bool | None) -> Period:
    """The month or quarter a call is for: it starts on the period's first day, and ends on
    its last (when the file says)."""
    kind = _required(row, "period_kind") and _choice(row, "period_kind", ("month", "quarter"))
    start = _required(row, "start") and _day(row, "start", dayfirst)
    assert kind is not None and start is not None
    period = period_containing(kind, start)  # type: ignore[arg-type]
    if period.start != start:
        values = {"column": row.header("start"), "value": row["start"],
                  "start": period.start.isoformat()}
        raise _Bad(t('{column} "{value}" is not the first day of a month (that month starts '
                     "{start})", **values) if kind == "month" else
                   t('{column} "{value}" is not the first day of a quarter (that quarter starts '
                     "{start})", **values))
    end = _day(row, "end", dayfirst)
    if end is not None and end != period.end:
        raise _Bad(t('{column} "{value}" is not the last day of {period} ({end})',
                     column=row.header("end"), value=row["end"], period=period.label,
                     end=period.end.isoformat()))
    return period


def _call_currency(row: _Row) -> str:
    try:
        return parse_currency(_required(row, "currency"), row.header("currency"))
    except UsageError as exc:
        raise _Bad(exc.message) from None


def _call_money(row: _Row, field_name: str, currency: str | None) -> int | None:
    """A call's figure in minor units, exact to the cent; it may not name another currency."""
    raw = row[field_name]
    if not raw:
        if field_name == "commit":
            raise _Bad(t("{column} is empty", column=row.header(field_name)))
        return None
    try:
        money = parse_amount(raw, row.header(field_name), allow_zero=True)
    except UsageError as exc:
        raise _Bad(exc.message) from None
    if money.currency and currency and money.currency != currency:
        raise _Bad(t("{column} says {currency} but {other_column} says {other}",
                     column=row.header(field_name), currency=money.currency,
                     other_column=row.header("currency"), other=currency))
    return to_minor(money.amount)
