"""A week of the demo team's rituals, run through the real ticker with a fast clock.

After the six weeks of history (demo/history.py), team East gets a stand-up: mia turns it on
with `/standup config` on Monday morning, and from then until Friday evening the clock
jumps ahead a few minutes at a time while the ticker (`jobs.ticker.Ticker` over
`jobs.sources.default_sources()`, exactly what `salesbot run` starts) sends what falls due:
stand-up prompts, reminders, summaries with their threads, blocker flags, deviation
warnings and Monday's digest. Nothing goes to Slack: a printing notifier (demo/printing.py)
writes each post to the terminal, as plain text, with when and where it would have gone.

The week is the last Monday-to-Friday over before today, so everything the demo writes
lies in the past; the working days between that Friday and today follow on the same
clock, quietly (everyone answers on time; one line each).

The people act through the real commands, as in the history: answers with
`/standup answer ...`, a skip, a day out of office, and their visits with `/visit`. The
story is fixed (who is late, who is blocked twice, who is away); the seed only moves the
minutes and the visits, so the same seed and today always print the same week.
"""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.console import user_id_for
from bot.dispatch import Deps
from commands.core.actors import WorkspaceDefaults
from commands.core.i18n import t, tn
from demo import team
from demo.clock import DemoClock, simulated_week
from demo.printing import Printed, PrintingNotifier, day_long, day_short, moment
from demo.team import (
    CHANNEL_ID,
    CHANNEL_NAME,
    CURRENCY,
    MANAGER,
    REPS,
    TEAM_ID,
    TIMEZONE,
    type_as,
    words,
)
from jobs.notify import FileUpload
from jobs.sources import default_sources
from jobs.ticker import Ticker
from storage import repo
from storage.db import make_engine, make_session_factory

STANDUP_CONFIG = "/standup config time:09:30 days:mon-fri tz:team window:120m reminder:30m"
TICK_EVERY = timedelta(minutes=5)
DAY_STARTS, DAY_ENDS, WEEK_ENDS = time(8), time(19), time(18)  # local; ends on Friday 18:00
PROMPT_AT = time(9, 30)
SUMMARY_AT = time(11, 30)  # prompt + the 120-minute window

# --- the week's story --------------------------------------------------------------------

# How each person answers on each weekday (0 = Monday): minutes after the 09:30 prompt,
# drawn from a range, or a word: never (no answer: a reminder, then "missing"), late (after
# the 11:30 summary: it joins the summary's thread), skip (/standup skip), away (out of
# office that day, by /standup ooo the evening before).
ON_TIME, AFTER_REMINDER = (3, 24), (33, 58)
STORY: dict[int, dict[str, tuple[int, int] | str]] = {
    0: {"mia": ON_TIME, "alice": ON_TIME, "bob": AFTER_REMINDER, "chen": ON_TIME,
        "dana": ON_TIME, "eli": ON_TIME},
    1: {"mia": ON_TIME, "alice": ON_TIME, "bob": ON_TIME, "chen": ON_TIME, "dana": ON_TIME,
        "eli": "never"},
    2: {"mia": ON_TIME, "alice": ON_TIME, "bob": ON_TIME, "chen": ON_TIME, "dana": "away",
        "eli": AFTER_REMINDER},
    3: {"mia": ON_TIME, "alice": AFTER_REMINDER, "bob": ON_TIME, "chen": ON_TIME,
        "dana": ON_TIME, "eli": "late"},
    4: {"mia": ON_TIME, "alice": ON_TIME, "bob": "skip", "chen": ON_TIME, "dana": ON_TIME,
        "eli": "never"},
}
# Blockers as typed, by weekday; chen's Kaida blocker two days running gets mia a flag.
BLOCKERS: dict[tuple[int, str], str] = {
    (0, "alice"): "Huayi wants a pharma reference customer before the pricing call",
    (1, "chen"): "Kaida legal is still reviewing our data-processing terms",
    (2, "chen"): "Still waiting on Kaida legal for the data-processing terms",
    (4, "dana"): "Hengtong asks for a discount above my approval limit",
}
# mia's own answers: what a manager's stand-up looks like.
MANAGER_DAYS: tuple[tuple[str, str], ...] = (
    ("Read the weekly digest, prepared the pipeline review",
     "Pipeline review with each rep; forecast call at 16:00"),
    ("Pipeline reviews with alice, bob and chen", "Joint visit to Jiangsu Tianrun Steel with bob"),
    ("Tianrun visit with bob: they want a second phase", "Sort out the Kaida contract with legal"),
    ("Legal cleared the Kaida terms", "Coaching session with eli; quarter forecast"),
    ("Forecast sent to the VP", "Month-end numbers; plan next week's targets"),
)
# The working days after the story's week, up to yesterday: everyone on time, no blockers.
QUIET: dict[str, tuple[int, int] | str] = {who: ON_TIME for who in STORY[0]}
QUIET_MANAGER = ("Pipeline reviews and forecast", "Coaching sessions; pipeline review")
AWAY_NOTICE = 17 * 60 + 40  # the evening before, dana says she is out tomorrow
VERBS = {"visit": "visit to {customer}", "call": "call with {customer}",
         "demo": "demo for {customer}", "meeting": "meeting at {customer}",
         "email": "emailed {customer}"}
# Follow-ups and a linked action, by weekday: (minute of the day, who, what they type).
# {F:alice} is the follow-up alice's `by:` made; {warning} the key of a warning the ticker
# posted, and {owner} the person it is about (the manager for a team-wide one).
SCRIPTED: dict[int, tuple[tuple[int, str, str], ...]] = {
    0: ((10 * 60 + 40, MANAGER, '/sales action add {owner} "Two new qualified deals for '
                                'December" due:friday warning:{warning}'),
        (17 * 60 + 50, "alice", '/visit "Shanghai Huayi Pharmaceutical" type:call '
                                'outcome:positive next:"send the pricing for 12 sites" '
                                "by:tuesday Called the CTO. Wants pricing for 12 sites"),
        (17 * 60 + 55, "bob", '/visit "Ningbo Haitong Port Logistics" type:call outcome:neutral '
                              'next:"send two references" by:tuesday Called procurement. '
                              "Asked for two references")),
    1: ((9 * 60 + 10, "alice", "/followups done {F:alice}"),
        (9 * 60 + 15, "bob", "/followups snooze {F:bob} 1d")),
}




@dataclass(frozen=True)
class _Said:
    """What the week's people say, in the demo's language (demo/chinese.py for Chinese)."""

    blockers: dict[tuple[int, str], str]
    manager_days: tuple[tuple[str, str], ...]
    quiet_manager: tuple[str, str]
    scripted: dict[int, tuple[tuple[int, str, str], ...]]
    verbs: dict[str, str]
    out_of_office: str = "Out of office"
    admin_day: str = "Pipeline admin and emails"
    follow_up_calls: str = "Follow-up calls"
    joiner: str = ", "
    away_tomorrow: str = "/standup ooo tomorrow"


def _said() -> _Said:
    if not words().chinese:
        return _Said(BLOCKERS, MANAGER_DAYS, QUIET_MANAGER, SCRIPTED, VERBS)
    from demo import chinese as zh

    scripted = {
        0: ((SCRIPTED[0][0][0], MANAGER, f'/sales action add {{owner}} "{zh.ACTION}" '
                                         "due:周五 warning:{warning}"),
            (SCRIPTED[0][1][0], "alice", zh.PRICING),
            (SCRIPTED[0][2][0], "bob", zh.REFERENCES)),
        1: SCRIPTED[1],
    }
    return _Said(zh.BLOCKERS, zh.MANAGER_DAYS, zh.QUIET_MANAGER, scripted, zh.VERBS,
                 zh.OUT_OF_OFFICE, zh.ADMIN_DAY, zh.FOLLOW_UP_CALLS, "、", zh.AWAY_TOMORROW)


@dataclass(frozen=True)
class WeekSummary:
    """What the simulated week printed, counted."""

    start: date
    prompts: int
    reminders: int
    summaries: int
    answers: int  # thread replies under the summaries, late ones included
    blocker_flags: int
    warnings: int
    digests: int
    visits: int
    chart: Path | None
    posts: tuple[Printed, ...] = field(repr=False, default=())

    def line(self) -> str:
        chart = t("chart written to {path}", path=self.chart) if self.chart else t("no chart")
        return t("A simulated week: {prompts}, {reminders}, {summaries} ({answers} in their "
                 "threads), {flags}, {warnings}, {digests}; {chart}",
                 prompts=tn("{n} prompt", "{n} prompts", self.prompts),
                 reminders=tn("{n} reminder", "{n} reminders", self.reminders),
                 summaries=tn("{n} summary", "{n} summaries", self.summaries),
                 answers=tn("{n} answer", "{n} answers", self.answers),
                 flags=tn("{n} blocker flag", "{n} blocker flags", self.blocker_flags),
                 warnings=tn("{n} warning post", "{n} warning posts", self.warnings),
                 digests=tn("{n} digest", "{n} digests", self.digests), chart=chart)


@dataclass
class _Account:
    name: str
    tier: str
    deals: list[str]  # refs of its open deals


@dataclass
class _Command:
    at: datetime
    user: str
    line: str
    show: bool  # print the line and its reply (routine ones are left to the posts)


class _Week:
    def __init__(self, deps: Deps, clock: DemoClock, ticker: Ticker, notifier: PrintingNotifier,
                 out: TextIO, rng: random.Random, monday: date,
                 accounts: dict[str, list[_Account]]) -> None:
        self.deps = deps
        self.clock = clock
        self.ticker = ticker
        self.notifier = notifier
        self.out = out
        self.rng = rng
        self.monday = monday
        self.accounts = accounts
        self.tz = ZoneInfo(TIMEZONE)
        self.visits = 0
        self.week_visits = 0  # the visits of the story's week, without the days after it
        self.logged: dict[tuple[str, date], list[str]] = {}  # what each rep did on a day
        self.follow_ups: dict[str, str] = {}  # F-n of each person's scripted follow-up
        self.words = words()
        self.said = _said()
        self.short = {name: short for name, short, _, _ in self.words.customers}

    def at(self, day: date, minute: int) -> datetime:
        return datetime.combine(day, time(), self.tz) + timedelta(minutes=minute)

    def run(self, after: list[date]) -> int:
        """The week with its ticker, then the working days `after` it, quietly; returns how
        many posts the week itself printed."""
        for offset in range(5):
            self.day(offset, self.monday + timedelta(days=offset))
        in_week = len(self.notifier.printed)
        self.week_visits = self.visits
        for i, day in enumerate(after):
            shown, self.out = self.out, io.StringIO()
            self.notifier.out = self.out
            before = len(self.notifier.printed)
            visits = self.day(5 + i, day)
            self.out = self.notifier.out = shown
            self.out.write(t("{day}: everyone answers the stand-up on time, {visits} visits, "
                             "calls and demos are logged, and the ticker sends {posts} posts.",
                             day=day_short(day), visits=visits,
                             posts=len(self.notifier.printed) - before) + "\n")
        if after:
            self.out.write("\n")
        return in_week

    def day(self, offset: int, day: date) -> int:
        """One working day of the story (offset 0-4 the week, 5 on the quiet days after)."""
        self.out.write(f"── {day_long(day)} ──\n")
        story = STORY.get(offset, QUIET)
        away = {who for who, how in story.items() if how == "away"}
        commands: list[_Command] = []
        if offset == 0:
            commands.append(_Command(self.at(day, 8 * 60), MANAGER, STANDUP_CONFIG, True))
        prompt = self.at(day, PROMPT_AT.hour * 60 + PROMPT_AT.minute)
        visits = self.visits_of(day, away)
        planned: dict[str, list[str]] = {}
        for c in visits:
            planned.setdefault(c.user, []).append(self.describe_visit(c.line))
        for who, how in story.items():
            if how in ("never", "away"):
                continue
            if how == "skip":
                commands.append(_Command(prompt + timedelta(minutes=self.rng.randint(4, 15)),
                                         who, "/standup skip", True))
                continue
            if how == "late":
                when = self.at(day, SUMMARY_AT.hour * 60 + SUMMARY_AT.minute) \
                    + timedelta(minutes=self.rng.randint(12, 40))
            else:
                assert isinstance(how, tuple)
                when = prompt + timedelta(minutes=self.rng.randint(*how))
            commands.append(_Command(when, who, self.answer(who, offset, day, planned),
                                     how == "late"))
        if offset == 0:  # show how one answer is typed; the rest show in the threads
            first = min((c for c in commands if c.line.startswith("/standup answer")),
                        key=lambda c: c.at)
            first.show = True
        for who, how in STORY.get(offset + 1, {}).items():
            if how == "away":
                commands.append(_Command(self.at(day, AWAY_NOTICE), who,
                                         self.said.away_tomorrow, True))
        commands += visits
        commands += [_Command(self.at(day, minute), who, line, True)
                     for minute, who, line in self.said.scripted.get(offset, ())]
        commands.sort(key=lambda c: c.at)
        end = self.at(day, (WEEK_ENDS if offset == 4 else DAY_ENDS).hour * 60)
        moment = self.at(day, DAY_STARTS.hour * 60)
        pending = iter(commands)
        nxt = next(pending, None)
        while moment <= end:
            while nxt is not None and nxt.at <= moment:
                self.send(nxt)
                nxt = next(pending, None)
            self.clock.move_to(moment)
            self.ticker.tick(moment)
            moment += TICK_EVERY
        while nxt is not None:
            self.send(nxt)
            nxt = next(pending, None)
        self.out.write(t("{day}: {visits} visits, calls and demos logged with /visit.",
                         day=day_short(day), visits=len(visits)) + "\n\n")
        return len(visits)

    # --- what people type -----------------------------------------------------------------

    def send(self, c: _Command) -> None:
        line = self.fill(c.line)
        reply = type_as(self.deps, self.clock, c.user, line, c.at)
        if line.startswith("/visit "):
            self.visits += 1
        text = self.notifier.plain(reply) if reply is not None else ""
        made = re.search(r"\bF-\d+", text) if " by:" in line else None
        if made:
            self.follow_ups[c.user] = made.group(0)
        if c.show:
            if self.words.chinese:
                from demo.chinese import in_chinese_keys

                line = in_chinese_keys(line)
            self.out.write(f"{moment(c.at.astimezone(self.tz))} · {c.user}> {line}\n")
            if reply is not None:
                self.out.write("".join(f"  {part}\n" for part in text.split("\n")))

    def fill(self, line: str) -> str:
        """A scripted line with its follow-up refs and warning key filled in."""
        for who, ref in self.follow_ups.items():
            line = line.replace(f"{{F:{who}}}", ref)
        if "{warning}" in line:
            key, owner = self.posted_warning()
            line = line.replace("{warning}", key).replace("{owner}", f"@{owner}")
        return line

    def posted_warning(self) -> tuple[str, str]:
        """The key of a warning the ticker has posted, a rep's coverage gap if there is one,
        and whom it is about."""
        with self.deps.session_factory() as session:
            ws = repo.workspaces.get_workspace(session, TEAM_ID)
            team = repo.workspaces.team_by_channel(session, ws.id, CHANNEL_ID) if ws else None
            states = repo.warnings.states_of(session, team.id) if team else {}
            names = {m.id: m.name for m in repo.workspaces.workspace_members(session, ws.id)} \
                if ws else {}
        posted = sorted(k for k, s in states.items() if s.active and s.last_posted_at)
        if not posted:
            raise RuntimeError("demo: no warning posted before the scripted action")
        for key in posted:
            rule, _, subject = key.partition(":")
            kind, _, ident = subject.partition(":")
            if rule == "coverage_gap" and kind == "member" and names.get(int(ident)) in REPS:
                return key, names[int(ident)]
        return posted[0], MANAGER

    def visits_of(self, day: date, away: set[str]) -> list[_Command]:
        """Each rep's visits, calls and demos of `day`, logged as they happen."""
        out = []
        for rep in REPS:
            if rep in away:
                continue
            count = self.rng.choices((2, 3, 4), weights=team.PROFILES[rep].per_day)[0]
            minutes = sorted(self.rng.sample(range(10 * 60 + 2, 17 * 60 + 45, 5), count))
            accounts = self.accounts[rep]
            weights = [team.TIER_WEIGHT[a.tier] * (1 + 1.5 * len(a.deals)) for a in accounts]
            picked: list[_Account] = []
            for minute in minutes:
                account = self.rng.choices(accounts, weights=weights)[0]
                while account in picked and len(picked) < len(accounts):
                    account = self.rng.choices(accounts, weights=weights)[0]
                picked.append(account)
                kind = self.rng.choices(team.TYPES, weights=team.PROFILES[rep].types)[0]
                outcome = self.rng.choices(("positive", "neutral", "negative"),
                                           weights=team.PROFILES[rep].outcomes)[0]
                parts = [f'/visit "{account.name}"']
                if kind != "visit":
                    parts.append(f"type:{kind}")
                parts.append(f"outcome:{outcome}")
                if account.deals and self.rng.random() < 0.8:
                    parts.append(f"deal:{self.rng.choice(account.deals)}")
                if outcome != "negative" and self.rng.random() < 0.5:
                    parts.append(f'next:"{self.rng.choice(self.words.next_steps)}"')
                parts.append(self.words.note(self.rng.choice(self.words.openers[kind]),
                                             self.rng.choice(self.words.who),
                                             self.rng.choice(self.words.phrases[outcome])))
                line = " ".join(parts)
                out.append(_Command(self.at(day, minute), rep, line, False))
                self.logged.setdefault((rep, day), []).append(self.describe_visit(line))
        return out

    def describe_visit(self, line: str) -> str:
        """'demo for Huayi' from a /visit line."""
        name = line.split('"')[1]
        kind = re.search(r"\btype:(\w+)", line)
        verb = self.said.verbs[kind.group(1) if kind else "visit"]
        return verb.format(customer=self.short.get(name, name))

    def answer(self, who: str, offset: int, day: date, planned: dict[str, list[str]]) -> str:
        said = self.said
        blockers = said.blockers.get((offset, who), "none")
        if who == MANAGER:
            yesterday, today = said.manager_days[offset] if offset < len(said.manager_days) \
                else said.quiet_manager
        else:
            previous = day - timedelta(days=3 if day.weekday() == 0 else 1)
            back = STORY.get(offset - 1, {}).get(who) == "away"
            yesterday = said.out_of_office if back else \
                _sentence(self.previous_work(who, previous), said.joiner) or said.admin_day
            today = _sentence(planned.get(who, []), said.joiner) or said.follow_up_calls
        return (f'/standup answer yesterday:"{yesterday}" today:"{today}" '
                f'blockers:"{blockers}"')

    def previous_work(self, rep: str, previous: date) -> list[str]:
        """What `rep` logged on the day `previous`."""
        if (rep, previous) in self.logged:
            return self.logged[(rep, previous)]
        with self.deps.session_factory() as session:
            rows = repo.activities.logged_on(session, user_id_for(rep), previous)
        return [self.said.verbs[kind.value].format(customer=self.short.get(name, name))
                for kind, name in rows]


def _sentence(parts: list[str], joiner: str = ", ") -> str:
    text = joiner.join(dict.fromkeys(parts))
    return text[:1].upper() + text[1:]


def _accounts(session: Session, ws_id: int) -> dict[str, list[_Account]]:
    """Each rep's customers and their open deals, as the database has them now."""
    owners = {m.id: m.name for m in repo.workspaces.workspace_members(session, ws_id)}
    out: dict[str, list[_Account]] = {rep: [] for rep in REPS}
    by_id: dict[int, _Account] = {}
    for c in repo.customers.all_customers(session, ws_id):
        owner = owners.get(c.owner_id or 0)
        if owner in out:
            by_id[c.id] = _Account(c.name, c.tier.value, [])
            out[owner].append(by_id[c.id])
    for customer_id, number in repo.deals.open_deal_numbers(session, ws_id):
        if customer_id in by_id:
            by_id[customer_id].deals.append(f"D-{number}")
    return out


def run_week(url: str, *, today: date, out: TextIO, chart: Path | None = Path("demo-digest.png"),
             seed: int = 7) -> WeekSummary:
    """Simulate the last week before `today` on the demo database at `url` (built by
    build_demo with the same `today`), then the working days after it up to yesterday,
    printing every post to `out`; the digest's chart goes to `chart`.
    """
    tz = ZoneInfo(TIMEZONE)
    monday = simulated_week(today)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory() as session:
            ws = repo.workspaces.get_workspace(session, TEAM_ID)
            if ws is None:
                raise ValueError(f"this database holds no demo workspace {TEAM_ID}")
            ws_id = ws.id
            names = {m.slack_user_id: m.name
                     for m in repo.workspaces.workspace_members(session, ws_id)}
            accounts = _accounts(session, ws_id)
        clock = DemoClock(datetime.combine(monday, DAY_STARTS, tz))
        deps = Deps(session_factory=factory, clock=clock,
                    defaults=WorkspaceDefaults(currency=CURRENCY, timezone=TIMEZONE))
        saved: list[Path] = []

        def save(upload: FileUpload) -> str:
            if chart is None:
                return t("nowhere (no --chart)")
            chart.write_bytes(upload.content)
            saved.append(chart)
            return str(chart)

        notifier = PrintingNotifier(out, clock, tz=tz, people=names,
                                    channels={CHANNEL_ID: CHANNEL_NAME}, save=save)
        ticker = Ticker(factory, notifier, default_sources())
        friday = monday + timedelta(days=4)
        after = [friday + timedelta(days=d) for d in range(3, (today - friday).days)
                 if (friday + timedelta(days=d)).weekday() < 5]
        out.write(t("== A simulated week: the scheduler's stand-ups, warnings and digest ==")
                  + "\n" + t("{monday} 08:00 to {friday} 18:00 ({timezone}) on a fast clock: "
                             "the real ticker runs every {minutes} minutes of the working day, "
                             "and what it would post in Slack prints here. People answer with "
                             "/standup answer and log visits with /visit.",
                             monday=day_short(monday), friday=day_short(friday),
                             timezone=TIMEZONE, minutes=TICK_EVERY.seconds // 60) + "\n\n")
        week = _Week(deps, clock, ticker, notifier, out, random.Random(seed), monday, accounts)
        in_week = week.run(after)
        kinds = Counter(p.kind for p in notifier.printed[:in_week])
        summary = WeekSummary(
            start=monday, prompts=kinds["prompt"], reminders=kinds["reminder"],
            summaries=kinds["summary"], answers=kinds["answer"], blocker_flags=kinds["blocker"],
            warnings=kinds["warning"], digests=kinds["digest"], visits=week.week_visits,
            chart=saved[-1] if saved else None, posts=tuple(notifier.printed[:in_week]))
        out.write(summary.line() + "\n")
        return summary
    finally:
        engine.dispose()
