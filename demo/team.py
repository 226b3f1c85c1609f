"""Team East: who is in it, how each rep works, their customers, the words they type, and
how they type a command (`type_as`).

The demo's history (demo/history.py) and its simulated week (demo/week.py) both draw on
these; the story is in the code there, the cast is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.console import user_id_for
from bot.dispatch import Caller, Deps, execute
from bot.render import Reply
from commands.core.errors import UserFacingError
from commands.core.i18n import current_locale
from demo.clock import DemoClock

TEAM_ID = "T0DEMO"
CHANNEL_ID = "C0EAST"
CHANNEL_NAME = "east"
TIMEZONE = "Asia/Shanghai"
CURRENCY = "CNY"
MANAGER = "mia"
REPS = ("alice", "bob", "chen", "dana", "eli")
OPEN_STAGES = ("lead", "qualified", "proposal", "negotiation")
TYPES = ("visit", "call", "demo", "meeting", "email")
OUTCOMES = ("positive", "neutral", "negative")


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


@dataclass(frozen=True)
class Words:
    """What team East says and types, in one language: the demo's data is in the language
    it runs in (`salesbot demo --lang zh`: a Chinese team, demo/chinese.py)."""

    team: str  # the team's name
    customers: tuple[tuple[str, str, str, str], ...]  # as CUSTOMERS
    products: dict[str, tuple[str, ...]]
    openers: dict[str, tuple[str, ...]]
    first_openers: tuple[str, ...]
    who: tuple[str, ...]
    phrases: dict[str, tuple[str, ...]]
    next_steps: tuple[str, ...]
    lost_reasons: tuple[str, ...]  # the fourth is "project postponed"
    showcase: tuple[str, str]  # D-1's and D-2's names
    chinese: bool = False

    def note(self, opener: str, who: str, phrase: str) -> str:
        """A visit's notes: 'Called the CFO. Budget frozen' / 给CFO打了电话。预算冻结到明年"""
        if self.chinese:
            return f"{opener.format(who=who)}。{phrase}"
        return f"{opener} {who}. {phrase}"

    def deal_name(self, short: str, product: str) -> str:
        return f"{short}{product}" if self.chinese else f"{short} {product}"

    def amount(self, thousands: int) -> str:
        """An amount as a rep types it: 1.2m, 600k / 120万, 60万."""
        if self.chinese:
            return f"{Decimal(thousands) / 10:f}万"
        if thousands >= 1000 and thousands % 10 == 0:
            return f"{Decimal(thousands) / 1000:f}m"
        return f"{thousands}k"

    def customer(self, english: str) -> str:
        """The name in this language of the customer named `english` in CUSTOMERS."""
        for (name, _, _, _), mine in zip(CUSTOMERS, self.customers, strict=True):
            if name == english:
                return mine[0]
        raise KeyError(english)


ENGLISH = Words("East", CUSTOMERS, PRODUCTS, OPENERS, FIRST_OPENERS, WHO, PHRASES, NEXT_STEPS,
                LOST_REASONS, ("Lianhua POS rollout", "Tianrun MES upgrade"))


def words() -> Words:
    """Team East's words in the current language."""
    if current_locale() == "zh":
        from demo.chinese import CHINESE

        return CHINESE
    return ENGLISH


def type_as(deps: Deps, clock: DemoClock, user: str, line: str, when: datetime) -> Reply | None:
    """Move the clock to `when` and run `line` as `user` typed it in the team's channel."""
    clock.move_to(when)
    if words().chinese:
        from demo.chinese import in_chinese_keys

        line = in_chinese_keys(line)
    command, _, text = line.lstrip("/").partition(" ")
    caller = Caller(TEAM_ID, user_id_for(user), CHANNEL_ID, user)
    try:
        return execute(deps, caller, command, text)
    except UserFacingError as exc:  # a bug in the demo, not a user's mistake
        raise RuntimeError(f"demo command failed: {user}> {line}\n{exc.message}") from exc
