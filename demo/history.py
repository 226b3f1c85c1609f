"""A demo team with six weeks of history, built by replaying real chat commands.

Every visit, deal and stage move goes through `execute`, exactly as if team East's people
(demo/team.py) had typed it in Slack, with the clock moved through their working days.
Nothing is written behind the commands' back, so the demo data obeys every rule real data
does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.console import user_id_for
from bot.dispatch import Deps
from commands.core.actors import WorkspaceDefaults
from commands.core.periods import period_containing
from demo.clock import DemoClock, add_working_days, history_days
from demo.team import (
    AMOUNTS,
    CURRENCY,
    MANAGER,
    MAX_OPEN,
    MIN_DAYS_IN_STAGE,
    OPEN_STAGES,
    OUTCOMES,
    PROFILES,
    REPS,
    TEAM_ID,
    TIER_WEIGHT,
    TIMEZONE,
    TYPES,
    Words,
    type_as,
    words,
)
from storage import repo
from storage.db import make_engine, make_session_factory


@dataclass(frozen=True)
class DemoSummary:
    members: int
    customers: int
    activities: int
    deals: int
    won: int
    lost: int


@dataclass
class _Deal:
    number: int
    name: str
    stage: str
    amount_k: int
    close: int  # the expected close date, as a working-day index (may lie past the window)
    entered: int  # working-day index when it entered its current stage
    cap: str | None = None  # a showcase deal never goes past this stage and never closes

    @property
    def ref(self) -> str:
        return f"D-{self.number}"


@dataclass
class _Customer:
    name: str
    short: str
    tier: str
    owner: str
    first_day: int
    created: bool = False
    deals: list[_Deal] = field(default_factory=list)  # the open ones
    no_deal_before: int = 0
    touched_on: int = -1


class _Replay:
    """Decides what each person does next and types it as a command."""

    def __init__(self, deps: Deps, clock: DemoClock, rng: random.Random, days: list[date]) -> None:
        self.deps = deps
        self.clock = clock
        self.rng = rng
        self.days = days
        self.tz = ZoneInfo(TIMEZONE)
        self.words: Words = words()
        self.deals_made = 0
        self.customers: dict[str, list[_Customer]] = {rep: [] for rep in REPS}
        for name, short, tier, owner in self.words.customers:
            # A and B accounts are known from the start; C accounts trickle in as new ones.
            first = rng.randint(0, 4) if tier in "AB" else rng.randint(2, 24)
            self.customers[owner].append(_Customer(name, short, tier, owner, first))
        self.pending: list[tuple[str, str, int]] = []  # logged next morning: rep, line, minute

    # --- typing ---------------------------------------------------------------------------

    def at(self, day: int, minute: int) -> datetime:
        """`minute` minutes after midnight on working day `day`, Shanghai time."""
        d = self.days[day]
        return datetime(d.year, d.month, d.day, tzinfo=self.tz) + timedelta(minutes=minute)

    def send(self, user: str, line: str, when: datetime) -> None:
        type_as(self.deps, self.clock, user, line, when)

    def close_date(self, index: int) -> str:
        return add_working_days(self.days[0], index).isoformat()

    # --- the story ------------------------------------------------------------------------

    def run(self) -> None:
        self.send(MANAGER, f'/sales team create "{self.words.team}" tz:{TIMEZONE}',
                  self.at(0, 8 * 60 + 30))
        mentions = " ".join(f"<@{user_id_for(rep)}|{rep}>" for rep in REPS)
        self.send(MANAGER, f"/sales team add {mentions}", self.at(0, 8 * 60 + 35))
        quarter = period_containing("quarter", self.days[-1]).label
        self.send(MANAGER, f"/target set team revenue 36M quarter:{quarter}",
                  self.at(0, 8 * 60 + 40))
        self.send(MANAGER, f"/target set team visits 300 quarter:{quarter}",
                  self.at(0, 8 * 60 + 41))
        self.opening()
        for day in range(len(self.days)):
            self.working_day(day)

    def opening(self) -> None:
        """The two showcase deals the demo script talks about: D-1 (alice) and D-2 (bob)."""
        w = self.words
        for rep, english, minute, deal_name, amount_k, stage, close, cap in (
            ("alice", "Hangzhou Lianhua Retail Group", 9 * 60 + 40, w.showcase[0], 1200,
             "qualified", 30, "proposal"),
            ("bob", "Jiangsu Tianrun Steel", 10 * 60 + 5, w.showcase[1], 860, "lead",
             25, "negotiation"),
        ):
            name = w.customer(english)
            customer = next(c for c in self.customers[rep] if c.name == name)
            customer.first_day = 0
            self.first_contact(rep, customer, 0, self.at(0, minute), outcome="positive",
                               pipeline=False)
            self.new_deal(rep, customer, 0, self.at(0, minute + 12), name=deal_name,
                          amount_k=amount_k, stage=stage, close=close, cap=cap)

    def working_day(self, day: int) -> None:
        for rep, line, minute in self.pending:
            self.send(rep, line, self.at(day, minute))
        self.pending = []
        slots: list[tuple[int, int, str]] = []
        for order, rep in enumerate(REPS):
            count = self.rng.choices((2, 3, 4), weights=PROFILES[rep].per_day)[0]
            if day == 0 and rep in ("alice", "bob"):
                count -= 1  # the opening was their first
            minutes = sorted(self.rng.sample(range(9 * 60 + 15, 17 * 60 + 45, 5), count))
            slots.extend((minute, order, rep) for minute in minutes)
        for minute, _, rep in sorted(slots):
            self.touch(rep, day, minute)
        if day % 5 == 4:
            for order, rep in enumerate(REPS):
                self.pipeline_review(rep, day, self.at(day, 17 * 60 + 30 + 5 * order))
        if self.days[day].weekday() == 0:
            self.forecast_call(day)

    def forecast_call(self, day: int) -> None:
        """Monday's forecast call, after the day's work: each rep calls the month, and the
        manager puts a lower figure beside alice's (both are kept)."""
        for order, rep in enumerate(REPS):
            commit = 1500 + 300 * order + 100 * (day // 5)
            w = self.words
            typed = (f"commit:{commit}k best:{commit + 600}k" if not w.chinese
                     else f"commit:{w.amount(commit)} best:{w.amount(commit + 600)}")
            self.send(rep, f"/forecast submit {typed}", self.at(day, 18 * 60 + 5 * order))
        reason = "联华推迟到下个月" if self.words.chinese else "Lianhua slips to next month"
        self.send(MANAGER, f"/forecast adjust <@{user_id_for(REPS[0])}|{REPS[0]}> "
                           f"commit:{self.words.amount(1200)} reason:\"{reason}\"",
                  self.at(day, 18 * 60 + 30))

    def touch(self, rep: str, day: int, minute: int) -> None:
        """One activity of `rep`: a first contact when one is due, else a known customer."""
        when = self.at(day, minute)
        unmet = sorted((c for c in self.customers[rep] if not c.created),
                       key=lambda c: (c.first_day, c.name))
        known = [c for c in self.customers[rep] if c.created]
        if unmet and (unmet[0].first_day <= day or not known):
            self.first_contact(rep, unmet[0], day, when)
            return
        weights = [TIER_WEIGHT[c.tier] * (1 + 1.5 * len(c.deals))
                   * (0.2 if c.touched_on == day else 1.0) for c in known]
        customer = self.rng.choices(known, weights=weights)[0]
        customer.touched_on = day
        profile = PROFILES[rep]
        deal = self.rng.choice(customer.deals) if customer.deals else None
        type_weights = profile.types
        if deal is not None and deal.stage == "qualified":
            type_weights = (3, 2, 4, 2, 1)
        elif deal is not None and deal.stage in ("proposal", "negotiation"):
            type_weights = (3, 2, 2, 4, 1)
        kind = self.rng.choices(TYPES, weights=type_weights)[0]
        outcome: str | None = self.rng.choices(OUTCOMES, weights=profile.outcomes)[0]
        w = self.words
        notes = w.note(self.rng.choice(w.openers[kind]), self.rng.choice(w.who),
                       self.rng.choice(w.phrases[outcome or "neutral"]))
        if kind == "email" and self.rng.random() < 0.5:
            outcome = None
        if deal is not None and self.rng.random() < 0.1:
            deal = None  # forgot to say which deal it was about
        late = day + 1 < len(self.days) and self.rng.random() < profile.late_rate
        line = self.visit_line(customer, kind, outcome, notes, deal,
                               on=self.days[day] if late else None)
        if late:  # written up first thing next morning; the pipeline waits until then too
            self.pending.append((rep, line, 8 * 60 + 40 + self.rng.randrange(0, 30)))
            return
        self.send(rep, line, when)
        self.after_touch(rep, customer, deal, day, outcome, when)

    def visit_line(self, customer: _Customer, kind: str, outcome: str | None, notes: str,
                   deal: _Deal | None, *, on: date | None = None, first: bool = False) -> str:
        parts = [f'/visit "{customer.name}"']
        if first:
            parts.append(f"tier:{customer.tier} new:yes")
        if kind != "visit":
            parts.append(f"type:{kind}")
        if outcome is not None:
            parts.append(f"outcome:{outcome}")
        if on is not None:
            parts.append(f"on:{on.isoformat()}")
        if deal is not None:
            parts.append(f"deal:{deal.ref}")
        if outcome != "negative" and self.rng.random() < 0.5:
            parts.append(f'next:"{self.rng.choice(self.words.next_steps)}"')
        parts.append(notes)
        return " ".join(parts)

    def first_contact(self, rep: str, customer: _Customer, day: int, when: datetime,
                      outcome: str | None = None, *, pipeline: bool = True) -> None:
        kind = self.rng.choice(("visit", "call", "meeting"))
        outcome = outcome or self.rng.choices(OUTCOMES, weights=(50, 40, 10))[0]
        w = self.words
        notes = w.note(self.rng.choice(w.first_openers), self.rng.choice(w.who),
                       self.rng.choice(w.phrases[outcome]))
        self.send(rep, self.visit_line(customer, kind, outcome, notes, None, first=True), when)
        customer.created = True
        customer.touched_on = day
        if pipeline:
            self.after_touch(rep, customer, None, day, outcome, when)

    def after_touch(self, rep: str, customer: _Customer, deal: _Deal | None, day: int,
                    outcome: str | None, when: datetime) -> None:
        """What the rep does to the pipeline after talking to `customer` about `deal`."""
        profile = PROFILES[rep]
        later = when + timedelta(minutes=self.rng.randint(3, 12))
        if deal is not None and day - deal.entered >= MIN_DAYS_IN_STAGE[customer.tier]:
            roll = self.rng.random()
            if outcome == "negative" and deal.cap is None and roll < 0.3:
                self.close_lost(rep, customer, deal, day, later)
                return
            chance = {"positive": profile.advance, "neutral": profile.advance / 3}
            if roll < chance.get(outcome or "neutral", 0.0) and self.advance(
                    rep, customer, deal, day, later):
                return
        chance = {"positive": profile.deal_rate, "neutral": profile.deal_rate / 4}
        if len(customer.deals) < MAX_OPEN[customer.tier] and day >= customer.no_deal_before \
                and self.rng.random() < chance.get(outcome or "", 0.0) / (1 + len(customer.deals)):
            self.new_deal(rep, customer, day, later)

    def new_deal(self, rep: str, customer: _Customer, day: int, when: datetime, *,
                 name: str | None = None, amount_k: int | None = None, stage: str | None = None,
                 close: int | None = None, cap: str | None = None) -> None:
        low, high, step = AMOUNTS[customer.tier]
        if amount_k is None:
            amount_k = self.rng.randrange(low, high + 1, step)
        if name is None:
            taken = {d.name for d in customer.deals}
            products = [p for p in self.words.products[customer.tier]
                        if self.words.deal_name(customer.short, p) not in taken]
            name = self.words.deal_name(customer.short, self.rng.choice(products))
        if stage is None:
            stage = self.rng.choices(("lead", "qualified"), weights=(1, 1))[0]
        if close is None:
            close = day + self.rng.randint(10, 30) + (10 if customer.tier == "A" else 0)
        self.send(rep, f'/deal new "{name}" customer:"{customer.name}" '
                       f"amount:{self.words.amount(amount_k)} stage:{stage} "
                       f"close:{self.close_date(close)}", when)
        self.deals_made += 1
        customer.deals.append(_Deal(self.deals_made, name, stage, amount_k, close, day, cap))

    def advance(self, rep: str, customer: _Customer, deal: _Deal, day: int,
                when: datetime) -> bool:
        """Move `deal` one stage on (from negotiation: close it); False when it may not."""
        position = OPEN_STAGES.index(deal.stage)
        if deal.cap is not None and position >= OPEN_STAGES.index(deal.cap):
            return False
        if deal.stage == "negotiation":
            if self.rng.random() < PROFILES[rep].win_rate:
                self.send(rep, f"/deal {deal.ref} won", when)
                customer.deals.remove(deal)
                customer.no_deal_before = day + 2
            else:
                self.close_lost(rep, customer, deal, day, when,
                                self.rng.choice(self.words.lost_reasons[:3]))
            return True
        target = OPEN_STAGES[position + 1]
        line = f"/deal {deal.ref} stage:{target}"
        change = None
        if target == "proposal" and self.rng.random() < 0.3:
            change = self.rng.uniform(0.9, 1.25)
        elif target == "negotiation" and self.rng.random() < 0.4:
            change = self.rng.uniform(0.85, 0.95)  # the discount that gets it over the line
        if change is not None:
            _, _, step = AMOUNTS[customer.tier]
            amount_k = max(step, round(deal.amount_k * change / step) * step)
            if amount_k != deal.amount_k:
                line += f" amount:{self.words.amount(amount_k)}"
                deal.amount_k = amount_k
        self.send(rep, line, when)
        deal.stage, deal.entered = target, day
        return True

    def close_lost(self, rep: str, customer: _Customer, deal: _Deal, day: int, when: datetime,
                   reason: str | None = None) -> None:
        reason = reason or self.rng.choice(self.words.lost_reasons)
        self.send(rep, f'/deal {deal.ref} lost reason:"{reason}"', when)
        customer.deals.remove(deal)
        customer.no_deal_before = day + 5

    def pipeline_review(self, rep: str, day: int, when: datetime) -> None:
        """Weekly review: push close dates that will not hold, drop deals going nowhere."""
        profile = PROFILES[rep]
        deals = sorted(((d, c) for c in self.customers[rep] for d in c.deals),
                       key=lambda pair: pair[0].number)
        for deal, customer in deals:
            if deal.close > day + 3:
                continue
            if self.rng.random() < profile.push_rate:
                deal.close = max(deal.close, day) + self.rng.randint(5, 15)
                self.send(rep, f"/deal {deal.ref} close:{self.close_date(deal.close)}", when)
            elif deal.cap is None and deal.stage in ("lead", "qualified") \
                    and self.rng.random() < 0.4:
                self.close_lost(rep, customer, deal, day, when, self.words.lost_reasons[3])
            when += timedelta(minutes=2)


def _summary(session: Session, workspace_id: int) -> DemoSummary:
    return DemoSummary(**repo.workspaces.counts(session, workspace_id))


def build_demo(url: str, *, today: date, seed: int = 7) -> DemoSummary:
    """Fill the (already migrated) database at `url` with team East's six weeks of history,
    up to the simulated week (demo/week.py) that ends before `today`.

    The same `seed` and `today` always give the same data.
    """
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            if repo.workspaces.get_workspace(session, TEAM_ID) is not None:
                raise ValueError(f"this database already holds the demo workspace {TEAM_ID}")
        days = history_days(today)
        tz = ZoneInfo(TIMEZONE)
        clock = DemoClock(datetime(days[0].year, days[0].month, days[0].day, 8, tzinfo=tz))
        deps = Deps(session_factory=factory, clock=clock,
                    defaults=WorkspaceDefaults(currency=CURRENCY, timezone=TIMEZONE))
        _Replay(deps, clock, random.Random(seed), days).run()
        with factory() as session:
            ws = repo.workspaces.get_workspace(session, TEAM_ID)
            assert ws is not None
            return _summary(session, ws.id)
    finally:
        engine.dispose()
