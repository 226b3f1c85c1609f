"""Who may change what: every command that writes, and every button and form that writes,
against a rep, the manager of the team, the manager of another team and an admin. Allowed: it
takes effect. Otherwise: refused (PermissionDenied; for a button or form, said privately to
the one who pressed it) and nothing written.

One workspace is set up per database for the whole module. Each cell of the command matrix
runs in a transaction that is rolled back afterwards (the command's own transaction becomes
a savepoint), so every cell starts from the same state. The buttons and forms go through the
running app (signed HTTP requests as Slack sends them, the Web API a local stub), whose
transactions are its own: each of those cells acts on things no other cell touches (its own
deal, its own stand-up day) or posts its warning afresh, and compares the whole database
before and after.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.dispatch import Deps
from bot.render import render
from bot.render.warnings import SNOOZE_ACTIONS
from bot.views.warnings import snooze_form
from commands.core.actors import WorkspaceDefaults
from commands.core.errors import PermissionDenied
from commands.warnings.deviations import SERIOUS, WARNING, Deviation
from commands.warnings.warnings import WarningRef, record_posted, states_of
from jobs.warnings import WarningPost
from storage.db import make_engine, make_session_factory
from storage.models import Activity, Deal, Member, Team, WarningState
from tests.bot.http_helpers import Client, fill, running_app, view_of
from tests.conftest import NOW, Clock
from tests.reliability.helpers import changed_tables, chat, run_rolled_back, snapshot
from tests.slack_stub import Call

ACTORS = {"rep": "alice", "manager": "mia", "other manager": "wes", "admin": "ada"}
REP, MANAGER, OTHER, ADMIN = "rep", "manager", "other manager", "admin"
BOB = "<@UBOB|bob>"


@dataclass(frozen=True)
class Row:
    """A command, who may run it, and a table it must change when it is allowed."""

    what: str
    line: str
    allowed: frozenset[str]
    changes: str
    channel: str = "C0EAST"


def row(what: str, line: str, allowed: set[str], changes: str, **kw: Any) -> Any:
    return pytest.param(Row(what, line, frozenset(allowed), changes, **kw), id=what)


# Everything runs in East's channel unless said otherwise. bob is a rep of East: D-1 and A-1
# are his; D-2 is alice's own. East's targets for 2027-Q1 are locked.
MATRIX = [
    row("edit a rep's deal", "/deal D-1 amount:150k", {MANAGER, ADMIN}, "deal"),
    row("close a rep's deal", "/deal D-1 won", {MANAGER, ADMIN}, "deal"),
    row("lose a rep's deal", '/deal D-1 lost reason:"price"', {MANAGER, ADMIN}, "deal"),
    row("edit one's own deal", "/deal D-2 stage:qualified", {REP, MANAGER, ADMIN},
        "deal_history"),
    row("categorize a rep's deal", "/deal D-1 forecast:commit", {MANAGER, ADMIN},
        "deal_history"),
    row("adjust a rep's call", f'/forecast adjust {BOB} commit:50k reason:"slips"',
        {MANAGER, ADMIN}, "forecast_adjustment"),
    row("adjust the team's call", '/forecast adjust team commit:500k reason:"cautious"',
        {MANAGER, ADMIN}, "forecast_adjustment"),
    row("adjust another team's call", '/forecast adjust team commit:500k reason:"x"',
        {OTHER, ADMIN}, "forecast_adjustment", channel="C0WEST"),
    row("set the stage categories", "/sales config forecast proposal:commit", {ADMIN},
        "forecast_settings"),
    row("set the forecast call's time", "/sales config forecast:tue-09:00", {MANAGER, ADMIN},
        "forecast_schedule"),
    row("set the team target", "/target set team revenue 900k month:2026-12",
        {MANAGER, ADMIN}, "target"),
    row("set a rep's target", f"/target set {BOB} revenue 300k month:2026-12",
        {MANAGER, ADMIN}, "target"),
    row("set a target in a locked period", "/target set team revenue 600k month:2027-02",
        {ADMIN}, "target"),
    row("lock the team's targets", "/target lock quarter:2026-Q4", {MANAGER, ADMIN},
        "period_lock"),
    row("lock a rep's targets", f"/target lock {BOB} quarter:2026-Q4", {MANAGER, ADMIN},
        "period_lock"),
    row("lock another team's targets", '/target lock quarter:2026-Q4 team:"West"',
        {OTHER, ADMIN}, "period_lock"),
    row("lock every team's targets", "/target lock all quarter:2026-Q4", {ADMIN},
        "period_lock"),
    row("add someone to the team", "/sales team add <@UNIA|nia>", {MANAGER, ADMIN}, "member"),
    row("remove a rep from the team", f"/sales team remove {BOB}", {MANAGER, ADMIN},
        "member"),
    # a move between teams needs an admin or a manager of both: carl is West's rep, bob East's
    row("take another team's rep", "/sales team add <@UCARL|carl>", {ADMIN}, "member"),
    row("give a rep to another team", f"/sales team add {BOB}", {ADMIN}, "member",
        channel="C0WEST"),
    row("change a role", f"/sales role {BOB} manager", {ADMIN}, "member"),
    row("add a holiday", '/sales holiday add 2026-12-24 "Christmas Eve"', {MANAGER, ADMIN},
        "holiday"),
    row("set a rep's start date", f"/sales member {BOB} start:2026-10-01", {MANAGER, ADMIN},
        "member"),
    row("give a rep an action item", f'/sales action add {BOB} "Call Globex"',
        {MANAGER, ADMIN}, "action_item"),
    row("close a rep's action item", "/sales action done A-1", {MANAGER, ADMIN},
        "action_item"),
    row("set the digest time", "/sales config digest:tue-09:15", {MANAGER, ADMIN},
        "team_settings"),
    row("tune the warnings", "/sales config warnings stale_days:10", {MANAGER, ADMIN},
        "team_settings"),
    row("configure the stand-up", "/standup config time:10:00 days:mon-fri",
        {MANAGER, ADMIN}, "standup_config"),
    row("start the stand-up now", "/standup now", {MANAGER, ADMIN}, "standup_config"),
    row("create another team", '/sales team create "North"', {MANAGER, OTHER, ADMIN}, "team",
        channel="C0NORTH"),
    row("log a visit on a rep's deal", '/visit "Acme Corp" deal:D-1 Joint visit',
        {MANAGER, ADMIN}, "activity"),
    row("log a visit on one's own deal", '/visit "Globex" deal:D-2 Call', {REP, MANAGER, ADMIN},
        "activity"),
]


@dataclass
class World:
    engine: Engine

    def run(self, user: str, line: str, channel: str) -> tuple[Any, list[str]]:
        """Run `line` as `user` in a transaction rolled back afterwards: (the reply or the
        error it raised, the tables it changed)."""
        return run_rolled_back(self.engine, user, line, channel)


def set_up(engine: Engine) -> None:
    world = chat(engine)
    world.say("ada", '/sales team create "HQ" tz:Asia/Shanghai', channel="C0HQ")  # first: admin
    world.say("ada", "/sales role <@UMIA|mia> manager")
    world.say("ada", "/sales role <@UWES|wes> manager")
    world.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    world.say("wes", '/sales team create "West" tz:Europe/Berlin', channel="C0WEST")
    world.say("mia", f"/sales team add <@UALICE|alice> {BOB}")
    world.say("wes", "/sales team add <@UCARL|carl>", channel="C0WEST")
    world.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:100k')
    world.say("alice", '/deal new "Globex pilot" customer:"Globex" amount:50k')
    world.say("mia", f'/sales action add {BOB} "Call Acme"')
    world.say("ada", "/target lock quarter:2027-Q1")
    # for the buttons and forms: a stand-up in every team, and a deal for each card cell
    for manager, channel in (("ada", "C0HQ"), ("mia", "C0EAST"), ("wes", "C0WEST")):
        world.say(manager, "/standup config time:09:30 days:mon-fri", channel=channel)
    for card in CARDS:
        for actor in ACTORS:
            world.say(card.owner, f'/deal new "{card.deal(actor)}" customer:"Acme Corp" '
                                  "amount:100k")


@pytest.fixture(scope="module")
def world(module_db_url: str) -> Iterator[World]:
    """The workspace above, on each backend, set up once for the module."""
    engine = make_engine(module_db_url)
    try:
        set_up(engine)
        yield World(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", MATRIX)
def test_permission_matrix(world: World, case: Row, actor: str) -> None:
    outcome, changed = world.run(ACTORS[actor], case.line, case.channel)
    if actor in case.allowed:
        assert not isinstance(outcome, PermissionDenied), \
            f"{actor} may {case.what}, but was told: {outcome}"
        assert case.changes in changed, f"{case.what} by the {actor} changed only {changed}"
    else:
        assert isinstance(outcome, PermissionDenied), \
            f"the {actor} may not {case.what}, yet got: {getattr(outcome, 'text', outcome)}"
        assert changed == [], f"a refused {case.what} wrote to {changed}"


# --- buttons and forms ------------------------------------------------------------------------

SLACK_IDS = {actor: f"U{name.upper()}" for actor, name in ACTORS.items()}
OWNERS = {"a rep's deal": ("bob", {MANAGER, ADMIN}),
          "one's own deal": ("alice", {REP, MANAGER, ADMIN})}
# East is behind pace; bob's D-1 and alice's D-2 are stale
WARNINGS = {"the team's warning": (None, {MANAGER, ADMIN}),
            "a warning about a rep's deal": (("bob", "D-1"), {MANAGER, ADMIN}),
            "a warning about one's own deal": (("alice", "D-2"), {REP, MANAGER, ADMIN})}
LOST_REASON, NEW_AMOUNT = "Went with a competitor", "150k"
SNOOZE_REASON = "Customer on holiday"
SKIP_DAY, ANSWER_DAY, AWAY = "2026-11-23", "2026-11-24", ("2026-12-24", "2026-12-26")


@dataclass(frozen=True)
class Card:
    """A deal card's button (and the form it opens), or the /visit form naming the deal, on
    someone's deal, and who may use it."""

    what: str
    action: str
    owner: str
    allowed: frozenset[str]

    def deal(self, actor: str) -> str:
        """The name of the deal this cell acts on (one per cell: cells stay independent)."""
        return f"{self.what} as the {actor}"


@dataclass(frozen=True)
class Warned:
    """A warning button (Snooze opens the reason form) on a warning in East's channel."""

    what: str
    action: str
    about: tuple[str, str] | None  # (owner, deal) of a stale deal; None: East is behind
    allowed: frozenset[str]


@dataclass(frozen=True)
class Own:
    """A button or form that writes the presser's own record: everyone may, for themselves."""

    what: str
    action: str
    changes: str


CARDS = [Card(f"{verb} {whose}", action, owner, frozenset(allowed))
         for verb, action in (("advance", "deal_advance"), ("win", "deal_won"),
                              ("lose (form with a reason)", "deal_lost"),
                              ("edit (form)", "deal_edit"),
                              ("log a visit (form) on", "/visit"))
         for whose, (owner, allowed) in OWNERS.items()]
WARNED = [Warned(f"{verb} {about}", action, subject, frozenset(allowed))
          for verb, action in (("snooze for a day (form with a reason)", "warning_snooze_day"),
                               ("snooze for a week (form with a reason)", "warning_snooze_week"),
                               ("acknowledge", "warning_ack"))
          for about, (subject, allowed) in WARNINGS.items()]
OWN = [Own("skip the stand-up", "standup_skip", "standup_answer"),
       Own("answer the stand-up (form)", "standup_answer", "standup_answer"),
       Own("plan days out of office (form)", "standup_ooo", "out_of_office"),
       Own("log a visit (form)", "/visit", "activity")]


@dataclass(frozen=True)
class Seen:
    """What pressing a button, and submitting the form it opened, did.

    said: new private messages to the presser (ephemeral replies); form_errors: errors shown
    in the submitted form (only its submitter sees them); shown: anything else in Slack (a
    message replaced, a post); changed: the tables written.
    """

    said: tuple[str, ...]
    form_errors: tuple[str, ...]
    shown: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def errors(self) -> list[str]:
        return [*self.form_errors, *(s for s in self.said if s.startswith((":warning:", ":x:")))]


@dataclass
class Desk:
    """The running app on the module's workspace, pressed by each role in turn."""

    slack: Client
    engine: Engine
    clock: Clock
    views: int = 0
    factory: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.factory = make_session_factory(self.engine)

    def press(self, actor: str, act: Callable[[str, int], list[str]]) -> Seen:
        """Run `act(slack user id, calls before)` (it waits until the app is done) as `actor`."""
        user, since = SLACK_IDS[actor], len(self.calls())
        before = snapshot(self.engine)
        errors = act(user, since)
        changed = changed_tables(before, snapshot(self.engine))
        said, shown = [], []
        for call in self.calls()[since:]:
            text_ = call.body.get("text", "")
            if call.method == "response" and call.body.get("replace_original") is not True:
                assert call.body.get("response_type", "ephemeral") == "ephemeral", call.body
                said.append(text_)
            elif call.method == "chat.postEphemeral" and call.body.get("user") == user:
                said.append(text_)
            elif call.method == "response" or call.method.startswith("chat."):
                shown.append(text_)
        return Seen(tuple(said), tuple(errors), tuple(shown), tuple(changed))

    def calls(self) -> list[Call]:
        return self.slack.stub.wait_for(lambda c: True)

    def wait(self, since: int, done: Callable[[list[Call]], bool]) -> None:
        self.slack.stub.wait_for(lambda c: done(c[since:]))

    def click(self, user: str, action_id: str, value: str, **kw: Any) -> None:
        status, _ = self.slack.click(user, action_id, value, **kw)
        assert status == 200

    def replied(self, since: int, *, final: bool = False) -> None:
        """Wait for a reply through response_url (final: not the card refreshed in place)."""
        self.wait(since, lambda c: any(x.method == "response" and not (
            final and x.body.get("replace_original") is True) for x in c))

    def form(self, user: str, since: int, entered: dict[str, str],
             otherwise: dict[str, Any] | None = None) -> list[str]:
        """Fill in and submit the form the click opened (refused at the click: `otherwise`, a
        form still open from before, if given); the errors shown in it."""
        self.wait(since, lambda c: any(x.method in ("views.open", "response") for x in c))
        opened = [c for c in self.calls()[since:] if c.method == "views.open"]
        view = view_of(opened[-1]) if opened else otherwise
        return [] if view is None else self.submit(user, view, entered)

    def visit_form(self, user: str) -> dict[str, Any]:
        """Open the /visit form (`/visit` alone), as `user`."""
        since = len(self.calls())
        status, _ = self.slack.command(user, "/visit", "")
        assert status == 200
        return self.slack.opened_view(since)

    def submit(self, user: str, view: dict[str, Any], entered: dict[str, str]) -> list[str]:
        """Fill in and submit `view`; the errors shown in it (none: wait for its reply)."""
        self.views += 1
        mark = len(self.calls())
        status, body = self.slack.submit(user, fill(view, self.views, **entered))
        assert status == 200
        if body:
            return list(json.loads(body)["errors"].values())
        self.wait(mark, lambda c: any(x.method in ("chat.postEphemeral", "chat.postMessage")
                                      for x in c))
        return []

    def scalar(self, stmt: Any) -> Any:
        with self.factory() as session:
            return session.scalar(stmt)


@pytest.fixture(scope="module")
def desk(world: World) -> Iterator[Desk]:
    """The app over HTTP on the module's workspace, its clock fixed."""
    clock = Clock(NOW)
    deps = Deps(session_factory=make_session_factory(world.engine), clock=clock,
                defaults=WorkspaceDefaults(currency="USD", timezone="UTC"))
    with running_app(deps, world.engine) as slack:
        yield Desk(slack, world.engine, clock)


def judge(seen: Seen, what: str, actor: str, allowed: frozenset[str], changes: str,
          refusal: str) -> None:
    if actor in allowed:
        assert not seen.errors, f"{actor} may {what}, but was told: {seen.errors}"
        assert changes in seen.changed, f"{what} by the {actor} changed only {seen.changed}"
    else:
        assert any(refusal in s for s in (*seen.said, *seen.form_errors)), \
            f"the {actor} may not {what}, yet was told only {seen.said} {seen.form_errors}"
        assert seen.shown == (), f"a refused {what} showed {seen.shown}"
        assert seen.changed == (), f"a refused {what} wrote to {seen.changed}"


def card_buttons(owner: str, engine: Engine, number: int) -> dict[str, str]:
    """The buttons of the deal's card as its owner sees it: action id -> value."""
    reply = chat(engine).as_(owner, f"/deal D-{number}")
    assert reply is not None
    return {e["action_id"]: e["value"] for b in reply.blocks if b.type == "actions"
            for e in b.to_dict()["elements"]}


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", [pytest.param(c, id=c.what) for c in CARDS])
def test_deal_card_buttons(desk: Desk, case: Card, actor: str) -> None:
    number = desk.scalar(select(Deal.number).where(Deal.name == case.deal(actor)))
    buttons = card_buttons(case.owner, desk.engine, number)
    visit = desk.visit_form(SLACK_IDS[actor]) if case.action == "/visit" else {}

    def act(user: str, since: int) -> list[str]:
        if case.action == "/visit":
            return desk.submit(user, visit, {"customer": "Acme Corp", "deal": f"D-{number}",
                                             "notes": "Joint visit"})
        desk.click(user, case.action, buttons[case.action], block_id="deal_actions")
        if case.action in ("deal_lost", "deal_edit"):
            errors = desk.form(user, since, {"reason": LOST_REASON} if case.action == "deal_lost"
                               else {"amount": NEW_AMOUNT})
            opened = [c for c in desk.calls()[since:] if c.method == "views.open"]
            # someone who may not change the deal is refused at the click, before any form
            assert bool(opened) == (actor in case.allowed), (actor, case.what, opened)
            return errors
        desk.replied(since, final=case.action == "deal_won")
        return []

    seen = desk.press(actor, act)
    deal = desk.scalar(select(Deal).where(Deal.number == number))
    if case.action == "/visit":  # the visit is the presser's; it is on the deal's record
        judge(seen, case.what, actor, case.allowed, "activity",
              f"D-{number} is {case.owner}'s deal: only they, their manager or an admin can "
              "log activity on it.")
        presser = desk.scalar(select(Member.id).where(Member.slack_user_id == SLACK_IDS[actor]))
        logged = desk.scalar(select(func.count()).select_from(Activity).where(
            Activity.deal_id == deal.id, Activity.member_id == presser))
        assert logged == (actor in case.allowed)
        return
    judge(seen, case.what, actor, case.allowed, "deal",
          f"D-{number} belongs to {case.owner}. Only they, their manager or an admin can "
          "change it.")
    expected = {"deal_advance": ("stage", buttons["deal_advance"].partition(":")[2]),
                "deal_won": ("stage", "won"), "deal_lost": ("lost_reason", LOST_REASON),
                "deal_edit": ("amount_minor", 15_000_000)}[case.action]
    if actor in case.allowed:
        assert getattr(deal, expected[0]) == expected[1]
        assert "deal_history" in seen.changed
    else:
        assert (deal.stage, deal.amount_minor) == ("lead", 10_000_000)


def post_warning(desk: Desk, about: tuple[str, str] | None) -> tuple[int, str, dict[str, Any]]:
    """Post one of East's warnings afresh (its earlier snooze or acknowledgement forgotten):
    (team id, key, the channel message as Slack shows it to the app)."""
    with desk.factory.begin() as session:
        east = session.scalars(select(Team).where(Team.name == "East")).one()
        ids = {name: i for name, i in session.execute(select(Member.name, Member.id))}
        if about is None:
            warning = Deviation("behind_pace", f"team:{east.id}", "East", SERIOUS,
                                "East is at 40% of November's revenue target, 60% of the "
                                "month gone.", "Close 180k more: 22.5k a working day.")
        else:
            owner, deal = about
            warning = Deviation("stale_deal", f"deal:{deal}", owner, WARNING,
                                f"{deal}: no activity for 20 days.",
                                "Call the customer and log the next step.",
                                owner=f"member:{ids[owner]}")
        earlier = states_of(session, east.id).get(warning.key)
        if earlier is not None:
            session.delete(earlier)
            session.flush()
        ts = "1795400000.000100"
        post = WarningPost(east.id, east.name, (warning,), firing=(warning.key,),
                           mentions=((warning.owner, f"U{warning.who.upper()}"),)
                           if warning.owner else ())
        record_posted(session, east.id, post.warnings, post.firing, ts, desk.clock())
    reply = render(post)
    return east.id, warning.key, {"ts": ts, "text": reply.text,
                                  "blocks": [b.to_dict() for b in reply.blocks]}


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", [pytest.param(c, id=c.what) for c in WARNED])
def test_warning_buttons(desk: Desk, case: Warned, actor: str) -> None:
    team_id, key, message = post_warning(desk, case.about)
    value = next(e["value"] for b in message["blocks"] if b["type"] == "actions"
                 for e in b["elements"] if e["action_id"] == case.action)
    days = SNOOZE_ACTIONS.get(case.action)

    def act(user: str, since: int) -> list[str]:
        desk.click(user, case.action, value, block_id=f"warning:{key}", message=message)
        if days is None:
            desk.replied(since)
            return []
        # refused at the click, the form is not opened; one still open (say, from before
        # the warning's deal changed hands) is refused when submitted
        still_open = snooze_form(WarningRef(team_id, "East", key, key), days,
                                 "C0EAST").to_dict()
        return desk.form(user, since, {"reason": SNOOZE_REASON}, otherwise=still_open)

    seen = desk.press(actor, act)
    verb = "acknowledge" if days is None else "snooze"
    judge(seen, case.what, actor, case.allowed, "warning_state",
          f"Only a manager of East, an admin or the person the warning is about can {verb} "
          "it.")
    state = desk.scalar(select(WarningState).where(WarningState.team_id == team_id,
                                                   WarningState.key == key))
    presser = desk.scalar(select(Member.id).where(Member.slack_user_id == SLACK_IDS[actor]))
    if actor not in case.allowed:
        assert (state.snoozed_until, state.acknowledged_at) == (None, None)
    elif days is None:
        assert (state.acknowledged_at, state.acknowledged_by_id) == (NOW, presser)
    else:
        assert (state.snoozed_until, state.snooze_reason) == (NOW + timedelta(days=days),
                                                              SNOOZE_REASON)


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("case", [pytest.param(c, id=c.what) for c in OWN])
def test_own_records_from_buttons_and_forms(desk: Desk, case: Own, actor: str) -> None:
    """The stand-up's buttons and forms and the /visit form write only the presser's own
    records (nothing in them names anyone else): every role may, for themselves."""
    dm = f"D{SLACK_IDS[actor]}"
    visit = desk.visit_form(SLACK_IDS[actor]) if case.action == "/visit" else {}

    def act(user: str, since: int) -> list[str]:
        if case.action == "standup_skip":
            desk.click(user, case.action, SKIP_DAY, block_id="standup_actions", channel=dm)
            desk.replied(since)
            return []
        if case.action == "/visit":
            return desk.submit(user, visit, {"customer": "Acme Corp", "notes": "Met the CTO"})
        day = ANSWER_DAY if case.action == "standup_answer" else SKIP_DAY
        desk.click(user, case.action, day, block_id="standup_actions", channel=dm)
        if case.action == "standup_answer":
            return desk.form(user, since, {"today": "Send Acme the quote"})
        return desk.form(user, since, {"start": AWAY[0], "end": AWAY[1]})

    presser = desk.scalar(select(Member.id).where(Member.slack_user_id == SLACK_IDS[actor]))
    mine = text(f"SELECT count(*) FROM {case.changes} WHERE member_id = :id")
    with desk.engine.connect() as conn:
        before = conn.execute(mine, {"id": presser}).scalar_one()
    seen = desk.press(actor, act)
    judge(seen, case.what, actor, frozenset(ACTORS), case.changes, "")
    with desk.engine.connect() as conn:
        assert conn.execute(mine, {"id": presser}).scalar_one() == before + 1
