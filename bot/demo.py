"""A demo team with six weeks of history, built by replaying real chat commands.

Every visit, deal and stage move goes through `execute`, exactly as if the people below
had typed it in Slack, with the clock moved through their working days. Nothing is written
behind the commands' back, so the demo data obeys every rule real data does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.dispatch import Caller, Deps, execute
from commands.core.actors import WorkspaceDefaults
from commands.core.errors import UserFacingError
from commands.core.periods import period_containing
from storage.db import make_engine, make_session_factory
from storage.models import Activity, Customer, Deal, Member, Stage, Workspace

TEAM_ID = "T0DEMO"
CHANNEL_ID = "C0EAST"
TIMEZONE = "Asia/Shanghai"
CURRENCY = "CNY"
MANAGER = "mia"
REPS = ("alice", "bob", "chen", "dana", "eli")
WORKING_DAYS = 30  # six weeks of Monday to Friday
OPEN_STAGES = ("lead", "qualified", "proposal", "negotiation")
TYPES = ("visit", "call", "demo", "meeting", "email")
OUTCOMES = ("positive", "neutral", "negative")

# A short console session over the demo data: one of everything, and one typo that the
# bot catches. D-1 (alice's) and D-2 (bob's) are opened first and kept open by build_demo.
DEMO_SCRIPT: list[tuple[str, str]] = [
    ("alice", '/visit "Shanghai Huayi Pharmaceutical" type:demo outcome:positive on:yesterday '
              'next:"send quote" Demoed dispensing analytics to the CTO, wants pricing for 12 '
              "sites"),
    ("alice", "/deal list"),
    ("alice", "/deal D-1"),
    ("alice", '/deal D-1 stage:negotiation amount:1.1m close:"next friday"'),
    ("bob", '/visit "Jiangsu Tianrun Steal" type:meeting outcome:positive deal:D-2 '
            "Contract signed"),
    ("bob", '/visit "Jiangsu Tianrun Steel" type:meeting outcome:positive deal:D-2 '
            "Contract signed by procurement, PO to follow"),
    ("bob", "/deal D-2 won"),
    ("mia", "/sales team"),
    ("mia", "/deal list @dana"),
    ("mia", "/target show team"),
    ("mia", "/plan team"),
    ("alice", "/plan"),
    ("mia", "/pipeline team"),
    ("mia", "/sales report month team"),
    ("mia", "/sales leaderboard"),
    ("alice", "home"),  # what her Home tab in Slack shows
]


@dataclass(frozen=True)
class DemoSummary:
    members: int
    customers: int
    activities: int
    deals: int
    won: int
    lost: int


@dataclass(frozen=True)
class _Profile:
    """How a rep works; the differences are what later makes their reports differ."""

    per_day: tuple[int, int, int]  # weights of 2, 3 and 4 activities a day
    types: tuple[int, int, int, int, int]  # weights of visit, call, demo, meeting, email
    outcomes: tuple[int, int, int]  # weights of positive, neutral, negative
    deal_rate: float  # a positive touch with a customer without a deal opens one
    advance: float  # a positive touch on a deal moves it one stage on
    win_rate: float  # a deal in negotiation that closes is won
    push_rate: float  # a deal due soon gets its close date pushed at the weekly review
    late_rate: float  # an activity is logged the next morning instead of the same day


PROFILES: dict[str, _Profile] = {
    "alice": _Profile((1, 4, 5), (5, 2, 2, 3, 1), (60, 32, 8), 0.60, 0.90, 0.75, 0.50, 0.03),
    "bob": _Profile((2, 5, 3), (3, 4, 1, 2, 1), (50, 40, 10), 0.50, 0.80, 0.60, 0.60, 0.05),
    "chen": _Profile((3, 5, 2), (2, 2, 5, 2, 1), (50, 38, 12), 0.55, 0.80, 0.55, 0.50, 0.05),
    "dana": _Profile((5, 4, 1), (3, 3, 1, 1, 3), (40, 45, 15), 0.45, 0.65, 0.35, 0.60, 0.10),
    "eli": _Profile((6, 3, 1), (2, 5, 1, 1, 2), (42, 45, 13), 0.40, 0.65, 0.50, 0.85, 0.25),
}

# name, short name for deal titles, tier, owner
CUSTOMERS: tuple[tuple[str, str, str, str], ...] = (
    ("Hangzhou Lianhua Retail Group", "Lianhua", "A", "alice"),
    ("Shanghai Huayi Pharmaceutical", "Huayi", "A", "alice"),
    ("Jiangsu Tianrun Steel", "Tianrun", "A", "bob"),
    ("Ningbo Haitong Port Logistics", "Haitong", "A", "bob"),
    ("Shenzhen Kaida Electronics", "Kaida", "A", "chen"),
    ("Wuxi Xinrui Semiconductor", "Xinrui", "A", "chen"),
    ("Suzhou Hengtong Textiles", "Hengtong", "A", "dana"),
    ("Beijing Zhongke Cloud Data", "Zhongke", "A", "eli"),
    ("Hefei Yuanda Home Appliances", "Yuanda", "B", "alice"),
    ("Changzhou Ruifeng Auto Parts", "Ruifeng", "B", "alice"),
    ("Shanghai Meilin Cosmetics", "Meilin", "B", "alice"),
    ("Suzhou Greenfield Logistics", "Greenfield", "B", "bob"),
    ("Nanjing Jinling Hotels", "Jinling", "B", "bob"),
    ("Xiamen Bluewave Foods", "Bluewave", "B", "bob"),
    ("Hangzhou Westlake Software", "Westlake", "B", "chen"),
    ("Qingdao Haiyang Cold Chain", "Haiyang", "B", "chen"),
    ("Shaoxing Yuefeng Printing", "Yuefeng", "B", "dana"),
    ("Jiaxing Dongsheng Packaging", "Dongsheng", "B", "dana"),
    ("Wenzhou Baili Footwear", "Baili", "B", "eli"),
    ("Kunshan Precision Molds", "Kunshan Molds", "B", "eli"),
    ("Minhang Fresh Bakery Chain", "Minhang Bakery", "C", "alice"),
    ("Songjiang Office Supplies", "Songjiang Office", "C", "alice"),
    ("Putuo Dental Clinics", "Putuo Dental", "C", "alice"),
    ("Taicang Harbour Trading", "Taicang Harbour", "C", "bob"),
    ("Yangzhou Lakeside Tea House", "Lakeside Tea", "C", "bob"),
    ("Zhenjiang Vinegar Works", "Zhenjiang Vinegar", "C", "bob"),
    ("Nantong Cotton Mills", "Nantong Cotton", "C", "bob"),
    ("Jinhua Hardware Tools", "Jinhua Tools", "C", "chen"),
    ("Huzhou Silk Studio", "Huzhou Silk", "C", "chen"),
    ("Lishui Eco Farms", "Lishui Farms", "C", "chen"),
    ("Zhoushan Seafood Export", "Zhoushan Seafood", "C", "chen"),
    ("Xuhui Language School", "Xuhui School", "C", "dana"),
    ("Jing'an Coworking Spaces", "Jing'an Coworking", "C", "dana"),
    ("Hongkou Bike Rental", "Hongkou Bikes", "C", "dana"),
    ("Baoshan Scrap Recycling", "Baoshan Recycling", "C", "dana"),
    ("Pudong Pet Hospital", "Pudong Pets", "C", "dana"),
    ("Fengxian Flower Market", "Fengxian Flowers", "C", "eli"),
    ("Qingpu Outlet Stores", "Qingpu Outlets", "C", "eli"),
    ("Chongming Organic Rice", "Chongming Rice", "C", "eli"),
    ("Jiading Car Wash Network", "Jiading Car Wash", "C", "eli"),
)

PRODUCTS: dict[str, tuple[str, ...]] = {
    "A": ("ERP rollout", "group-wide CRM", "data platform", "3-year licence"),
    "B": ("CRM licences", "warehouse system", "BI dashboards", "annual renewal"),
    "C": ("starter package", "POS upgrade", "support contract", "pilot"),
}
# deal size in thousands (CNY): low, high, step
AMOUNTS: dict[str, tuple[int, int, int]] = {
    "A": (600, 2000, 50), "B": (150, 600, 10), "C": (30, 150, 5),
}
TIER_WEIGHT = {"A": 6.0, "B": 3.0, "C": 1.5}
MAX_OPEN = {"A": 3, "B": 2, "C": 1}  # open deals one customer can have at a time
MIN_DAYS_IN_STAGE = {"A": 2, "B": 2, "C": 1}

OPENERS: dict[str, tuple[str, ...]] = {
    "visit": ("Visited", "Dropped in on", "On site with"),
    "call": ("Called", "Phone call with", "Follow-up call with"),
    "demo": ("Demoed the platform to", "Ran a product demo for", "Showed the reporting module to"),
    "meeting": ("Meeting with", "Workshop with", "Lunch meeting with"),
    "email": ("Emailed", "Sent the deck to", "Wrote to"),
}
FIRST_OPENERS = ("First meeting with", "Intro call with", "Cold visit, met")
WHO = ("the CTO", "procurement", "the IT director", "the CFO", "the operations manager",
       "the owner", "the finance team", "the head of sales")
PHRASES: dict[str, tuple[str, ...]] = {
    "positive": ("Strong interest, asked for pricing", "They want a proposal by next week",
                 "Budget confirmed for this quarter", "Good fit, keen to move forward",
                 "Agreed on the pilot scope"),
    "neutral": ("Interested but no timeline yet", "Need to loop in their boss",
                "Asked for two references", "Comparing us with two other vendors",
                "Will revisit after their internal review"),
    "negative": ("Budget frozen until next year", "Unhappy with the price",
                 "Went quiet, no decision maker in the room",
                 "They prefer the incumbent vendor", "Project put on hold"),
}
NEXT_STEPS = ("send quote", "book a demo", "send case studies", "follow up next week",
              "draft the proposal", "intro to our solution engineer", "chase the PO",
              "schedule a site visit")
LOST_REASONS = ("price", "went with a competitor", "no budget this year", "project postponed",
                "chose to build in-house")


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


class _Clock:
    """The demo's clock: it only moves forward."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def move_to(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


def _shift(day: date, n: int) -> date:
    """The working day `n` working days after (or before) the working day `day`."""
    weeks, rest = divmod(day.weekday() + n, 5)
    return day - timedelta(days=day.weekday()) + timedelta(weeks=weeks, days=rest)


def working_days(today: date, count: int = WORKING_DAYS) -> list[date]:
    """The last `count` Monday-to-Friday dates up to and including `today`."""
    last = today - timedelta(days=max(0, today.weekday() - 4))
    first = _shift(last, -(count - 1))
    return [_shift(first, i) for i in range(count)]


def simulated_week(today: date) -> date:
    """The Monday of the simulated week: the last Monday-to-Friday over before `today`, so
    that the demo's whole story lies in the past."""
    monday = today - timedelta(days=today.weekday())
    return monday if today.weekday() >= 5 else monday - timedelta(days=7)


def history_days(today: date) -> list[date]:
    """The history's working days: six weeks up to the Friday before the simulated week."""
    return working_days(simulated_week(today) - timedelta(days=3))


def _user_id(name: str) -> str:
    return f"U{name.upper()}"


def _amount_text(thousands: int) -> str:
    if thousands >= 1000 and thousands % 10 == 0:
        return f"{Decimal(thousands) / 1000:f}m"
    return f"{thousands}k"


class _Replay:
    """Decides what each person does next and types it as a command."""

    def __init__(self, deps: Deps, clock: _Clock, rng: random.Random, days: list[date]) -> None:
        self.deps = deps
        self.clock = clock
        self.rng = rng
        self.days = days
        self.tz = ZoneInfo(TIMEZONE)
        self.deals_made = 0
        self.customers: dict[str, list[_Customer]] = {rep: [] for rep in REPS}
        for name, short, tier, owner in CUSTOMERS:
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
        self.clock.move_to(when)
        command, _, text = line.lstrip("/").partition(" ")
        caller = Caller(TEAM_ID, _user_id(user), CHANNEL_ID, user)
        try:
            execute(self.deps, caller, command, text)
        except UserFacingError as exc:  # a bug in the demo, not a user's mistake
            raise RuntimeError(f"demo command failed: {user}> {line}\n{exc.message}") from exc

    def close_date(self, index: int) -> str:
        return _shift(self.days[0], index).isoformat()

    # --- the story ------------------------------------------------------------------------

    def run(self) -> None:
        self.send(MANAGER, f'/sales team create "East" tz:{TIMEZONE}', self.at(0, 8 * 60 + 30))
        mentions = " ".join(f"<@{_user_id(rep)}|{rep}>" for rep in REPS)
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
        for rep, name, minute, deal_name, amount_k, stage, close, cap in (
            ("alice", "Hangzhou Lianhua Retail Group", 9 * 60 + 40, "Lianhua POS rollout", 1200,
             "qualified", 30, "proposal"),
            ("bob", "Jiangsu Tianrun Steel", 10 * 60 + 5, "Tianrun MES upgrade", 860, "lead",
             25, "negotiation"),
        ):
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
            self.send(rep, f"/forecast submit commit:{commit}k best:{commit + 600}k",
                      self.at(day, 18 * 60 + 5 * order))
        self.send(MANAGER, f"/forecast adjust <@{_user_id(REPS[0])}|{REPS[0]}> commit:1.2m "
                           'reason:"Lianhua slips to next month"', self.at(day, 18 * 60 + 30))

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
        notes = f"{self.rng.choice(OPENERS[kind])} {self.rng.choice(WHO)}. " \
                f"{self.rng.choice(PHRASES[outcome or 'neutral'])}"
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
            parts.append(f'next:"{self.rng.choice(NEXT_STEPS)}"')
        parts.append(notes)
        return " ".join(parts)

    def first_contact(self, rep: str, customer: _Customer, day: int, when: datetime,
                      outcome: str | None = None, *, pipeline: bool = True) -> None:
        kind = self.rng.choice(("visit", "call", "meeting"))
        outcome = outcome or self.rng.choices(OUTCOMES, weights=(50, 40, 10))[0]
        notes = f"{self.rng.choice(FIRST_OPENERS)} {self.rng.choice(WHO)}. " \
                f"{self.rng.choice(PHRASES[outcome])}"
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
            products = [p for p in PRODUCTS[customer.tier] if f"{customer.short} {p}" not in taken]
            name = f"{customer.short} {self.rng.choice(products)}"
        if stage is None:
            stage = self.rng.choices(("lead", "qualified"), weights=(1, 1))[0]
        if close is None:
            close = day + self.rng.randint(10, 30) + (10 if customer.tier == "A" else 0)
        self.send(rep, f'/deal new "{name}" customer:"{customer.name}" '
                       f"amount:{_amount_text(amount_k)} stage:{stage} "
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
                                self.rng.choice(LOST_REASONS[:3]))
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
                line += f" amount:{_amount_text(amount_k)}"
                deal.amount_k = amount_k
        self.send(rep, line, when)
        deal.stage, deal.entered = target, day
        return True

    def close_lost(self, rep: str, customer: _Customer, deal: _Deal, day: int, when: datetime,
                   reason: str | None = None) -> None:
        reason = reason or self.rng.choice(LOST_REASONS)
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
                self.close_lost(rep, customer, deal, day, when, "project postponed")
            when += timedelta(minutes=2)


def _count(session: Session, stmt: Select[int]) -> int:
    return session.scalar(stmt) or 0


def _summary(session: Session, workspace_id: int) -> DemoSummary:
    def rows(model: type[Member | Customer | Activity | Deal]) -> Select[int]:
        return select(func.count()).select_from(model).where(
            model.workspace_id == workspace_id
        )

    closed = rows(Deal).join(
        Stage, (Stage.workspace_id == Deal.workspace_id) & (Stage.name == Deal.stage)
    )
    return DemoSummary(
        members=_count(session, rows(Member)),
        customers=_count(session, rows(Customer)),
        activities=_count(session, rows(Activity)),
        deals=_count(session, rows(Deal)),
        won=_count(session, closed.where(Stage.is_won)),
        lost=_count(session, closed.where(Stage.is_lost)),
    )


def build_demo(url: str, *, today: date, seed: int = 7) -> DemoSummary:
    """Fill the (already migrated) database at `url` with team East's six weeks of history,
    up to the simulated week (bot/demo_week.py) that ends before `today`.

    The same `seed` and `today` always give the same data.
    """
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            if session.scalar(select(Workspace.id).where(Workspace.slack_team_id == TEAM_ID)):
                raise ValueError(f"this database already holds the demo workspace {TEAM_ID}")
        days = history_days(today)
        tz = ZoneInfo(TIMEZONE)
        clock = _Clock(datetime(days[0].year, days[0].month, days[0].day, 8, tzinfo=tz))
        deps = Deps(session_factory=factory, clock=clock,
                    defaults=WorkspaceDefaults(currency=CURRENCY, timezone=TIMEZONE))
        _Replay(deps, clock, random.Random(seed), days).run()
        with factory() as session:
            ws_id = session.scalar(select(Workspace.id).where(Workspace.slack_team_id == TEAM_ID))
            assert ws_id is not None
            return _summary(session, ws_id)
    finally:
        engine.dispose()
