"""Deviation warnings as people see them: `/sales warnings`, Snooze and Acknowledge, and what
the team was last told about each warning (WarningState).

The scheduled check (jobs/warnings.py) asks reason_to_post() which warnings to post, and
records what it posted with record_posted() and what fires with record_firing(). A warning
is identified across checks by Deviation.key (rule:subject).

- Cooldown: a warning posted once, no worse since, waits RuleConfig.cooldown to be posted
  again.
- Snooze (1 day or 1 week): never posted while snoozed, whatever happens.
- Acknowledge: posted again only when it gets worse than the severity acknowledged (the
  severity last posted); posting it worse clears the acknowledgement.
- A warning that stops firing is marked inactive; when it fires again it is new: posted at
  once (unless snoozed), its acknowledgement cleared.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from commands.core.access import require_read_team
from commands.core.actors import Actor
from commands.core.errors import PermissionDenied, UsageError
from commands.core.fx import LeftOut
from commands.core.i18n import N_, t
from commands.core.limits import LIMITS, check_length
from commands.core.text import parse_words
from commands.team.config import rule_config
from commands.team.sales import find_team
from commands.warnings.checks import team_check, team_deviations
from commands.warnings.deviations import RULES, Deviation, should_post
from commands.warnings.rule_config import RuleConfig
from storage import repo
from storage.models import Customer, Member, Team, WarningState, Workspace

PostReason = Literal["new", "worse", "again"]
SNOOZE_DAYS = (1, 7)  # the Snooze buttons: 1 day, 1 week
MAX_REASON = LIMITS["snooze reason"]


# --- what to post -----------------------------------------------------------------------------


def reason_to_post(deviation: Deviation, state: WarningState | None, cooldown: timedelta,
                   now: datetime) -> PostReason | None:
    """Why to post a firing warning now (new, worse, again after its cooldown); None: not now."""
    live = state is not None and state.active
    previous = state.posted_severity if state is not None and live else None
    last = state.last_posted_at if state is not None and live else None
    snoozed = state.snoozed_until if state is not None else None
    if not should_post(previous, deviation.severity, last, cooldown, snoozed, now):
        return None
    if state is not None and live and state.acknowledged_at is not None \
            and deviation.severity <= (state.posted_severity or 0):
        return None  # acknowledged, and no worse than what was acknowledged
    if previous is None or last is None:
        return "new"
    return "worse" if deviation.severity > previous else "again"


def team_config(session: Session, team: Team) -> RuleConfig:
    return rule_config(repo.workspaces.team_settings(session, team.id))


def evaluate(session: Session, team: Team, now: datetime) -> list[Deviation]:
    """Every warning firing for a team at `now`, with the team's settings."""
    ws = session.get_one(Workspace, team.workspace_id)
    return team_deviations(session, ws, team, now, team_config(session, team))


def evaluate_named(session: Session, team: Team,
                   now: datetime) -> tuple[list[Deviation], tuple[LeftOut, ...]]:
    """evaluate(), and the deals its revenue and pipeline figures left out (no rate)."""
    ws = session.get_one(Workspace, team.workspace_id)
    return team_check(session, ws, team, now, team_config(session, team))


def states_of(session: Session, team_id: int) -> dict[str, WarningState]:
    return repo.warnings.states_of(session, team_id)


# --- recording what was posted and what fires -------------------------------------------------


def _reopen(state: WarningState, now: datetime) -> None:
    """A warning that had stopped firing fires again: it is new (a snooze still holds)."""
    state.active = True
    state.first_seen_at = now
    state.posted_severity = state.last_posted_at = None
    state.acknowledged_at = state.acknowledged_by_id = None


def record_firing(session: Session, team_id: int, firing: Iterable[str], now: datetime,
                  states: dict[str, WarningState] | None = None) -> None:
    """Mark the team's warnings firing now as seen (reopening resolved ones), others inactive."""
    keys = set(firing)
    for key, state in (states if states is not None else states_of(session, team_id)).items():
        if key in keys:
            if not state.active:
                _reopen(state, now)
            state.last_seen_at = now
        elif state.active:
            state.active = False


def record_posted(session: Session, team_id: int, posted: Sequence[Deviation],
                  firing: Iterable[str], message_ts: str, now: datetime) -> None:
    """Record warnings just posted (message `message_ts`) and which others fire now."""
    states = states_of(session, team_id)
    record_firing(session, team_id, {*firing, *(d.key for d in posted)}, now, states)
    for d in posted:
        state = states.get(d.key)
        if state is None:
            state = WarningState(team_id=team_id, key=d.key, rule=d.rule, first_seen_at=now,
                                 last_seen_at=now, active=True)
            session.add(state)
        elif state.acknowledged_at is not None and d.severity > (state.posted_severity or 0):
            state.acknowledged_at = state.acknowledged_by_id = None  # worse than acknowledged
        state.severity = state.posted_severity = d.severity
        state.message, state.fix = d.message, d.fix
        state.last_posted_at, state.message_ts = now, message_ts
    session.flush()


# --- /sales warnings --------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningsArgs:
    team_name: str | None = None


def parse_warnings(text: str) -> WarningsArgs:
    """`/sales warnings [team:"East"]` (or the team's name alone)."""
    words = parse_words(text, ("team",))
    name = words.options.get("team") or " ".join(words.positionals) or None
    return WarningsArgs(name)


@dataclass(frozen=True)
class ListedWarning:
    """A warning firing now, and what the team was told about it."""

    deviation: Deviation
    first_seen_at: datetime | None = None
    last_posted_at: datetime | None = None
    snoozed_until: datetime | None = None  # only while it lasts
    snooze_reason: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    may_act: bool = False  # the reader may snooze and acknowledge it


@dataclass(frozen=True)
class WarningsResult:
    team_id: int
    team_name: str
    timezone: str  # the reader's, for the times shown
    warnings: tuple[ListedWarning, ...]
    off: tuple[str, ...]  # rules turned off with /sales config warnings off:...
    cooldown_days: int
    left_out: tuple[LeftOut, ...] = ()  # deals the revenue figures could not count, and why


def run_warnings(args: WarningsArgs, *, session: Session, actor: Actor,
                 now: datetime) -> WarningsResult:
    """List the team's warnings firing now, with their snooze and acknowledgement."""
    team = find_team(session, actor, args.team_name)
    require_read_team(actor, team, N_("warnings"))
    config = team_config(session, team)
    ws = session.get_one(Workspace, team.workspace_id)
    states = states_of(session, team.id)
    names = {i: m.name for i, m in repo.workspaces.members_by_id(session, {
        s.acknowledged_by_id for s in states.values() if s.acknowledged_by_id is not None}).items()}
    listed = []
    in_charge = actor.is_admin or actor.manages(team)
    deviations, left_out = team_check(session, ws, team, now, config)
    for d in deviations:
        may_act = in_charge or about(session, team, d.key) == actor.member.id
        s = states.get(d.key)
        if s is None:
            listed.append(ListedWarning(d, may_act=may_act))
            continue
        snoozed = _snoozed(s, now)
        reason = s.snooze_reason if snoozed else None
        if not s.active:  # resolved since last recorded: new again, only a snooze holds
            listed.append(ListedWarning(d, snoozed_until=snoozed, snooze_reason=reason,
                                        may_act=may_act))
            continue
        listed.append(ListedWarning(
            d, s.first_seen_at, s.last_posted_at, snoozed, reason, s.acknowledged_at,
            names.get(s.acknowledged_by_id) if s.acknowledged_by_id is not None else None,
            may_act))
    return WarningsResult(team.id, team.name, actor.member.timezone, tuple(listed),
                          tuple(r for r in RULES if not config.is_on(r)), config.cooldown_days,
                          left_out)


def _snoozed(state: WarningState, now: datetime) -> datetime | None:
    if state.snoozed_until is None or state.snoozed_until <= now:
        return None
    return state.snoozed_until


# --- Snooze and Acknowledge -------------------------------------------------------------------


@dataclass(frozen=True)
class WarningRef:
    """A warning someone may act on, as the Snooze form shows it."""

    team_id: int
    team_name: str
    key: str
    message: str


@dataclass(frozen=True)
class WarningActed:
    """What Snooze or Acknowledge did."""

    action: Literal["snoozed", "acknowledged"]
    team_name: str
    key: str
    message: str  # the warning's
    timezone: str  # the actor's, for snoozed_until
    by_user_id: str  # who acknowledged (maybe earlier) or snoozed
    snoozed_until: datetime | None = None
    reason: str | None = None
    already: bool = False  # acknowledged before: nothing changed
    team_language: str | None = None  # the team channel's, for its posted message


def warning_value(team_id: int, key: str) -> str:
    """The value of a warning's buttons: the team id and the warning's key."""
    return f"{team_id}:{key}"


def parse_warning_value(value: str) -> tuple[int, str]:
    team, _, key = value.partition(":")
    if not (team.isascii() and team.isdigit()) or len(team) > 9 or not key:
        raise UsageError(t("That button does not name a warning any more."))
    return int(team), key


def about(session: Session, team: Team, key: str) -> int | None:
    """The member a warning is about: the rep behind, the deal's or customer's owner."""
    _, _, subject = key.partition(":")
    kind, _, ref = subject.partition(":")
    try:
        if kind == "member":
            return int(ref)
        if kind == "deal":
            deal = repo.deals.deal_by_number(session, team.workspace_id,
                                             int(ref.removeprefix("D-")))
            return deal.owner_id if deal is not None else None
        if kind == "customer":
            customer = session.get(Customer, int(ref))
            if customer is not None and customer.workspace_id == team.workspace_id:
                return customer.owner_id
    except ValueError:
        return None
    return None


def _target(session: Session, actor: Actor, team_id: int, key: str,
            verb: Literal["snooze", "acknowledge"]) -> tuple[Team, WarningState | None]:
    team = session.get(Team, team_id)
    if team is None or team.workspace_id != actor.workspace.id:
        raise UsageError(t("That warning's team no longer exists."))
    if not (actor.is_admin or actor.manages(team) or about(session, team, key) == actor.member.id):
        if verb == "snooze":
            raise PermissionDenied(t("Only a manager of {team}, an admin or the person the "
                                     "warning is about can snooze it.", team=team.name))
        raise PermissionDenied(t("Only a manager of {team}, an admin or the person the warning "
                                 "is about can acknowledge it.", team=team.name))
    return team, states_of(session, team.id).get(key)


def warning_to_snooze(session: Session, actor: Actor, team_id: int, key: str) -> WarningRef:
    """The warning behind a Snooze button, if the actor may snooze it."""
    team, state = _target(session, actor, team_id, key, "snooze")
    return WarningRef(team.id, team.name, key, state.message if state else key)


def _state(session: Session, team: Team, key: str, state: WarningState | None,
           now: datetime) -> WarningState:
    if state is not None:
        return state
    rule = key.partition(":")[0]
    # Posted but not recorded (the record failed after the post): it fires now, so start
    # its record. A key that neither was recorded nor fires was never posted.
    if rule not in RULES or key not in {d.key for d in evaluate(session, team, now)}:
        raise UsageError(t("salesbot has not posted that warning to {team}: nothing to act on.",
                           team=team.name))
    return repo.claims.add_or_get(session, WarningState(
        team_id=team.id, key=key, rule=rule, message=key, first_seen_at=now, last_seen_at=now,
        active=True), lambda: states_of(session, team.id).get(key))


def snooze_warning(session: Session, actor: Actor, team_id: int, key: str, days: int,
                   reason: str, now: datetime) -> WarningActed:
    """Keep a warning quiet for `days` (1 or 7) from now, with an optional reason."""
    if days not in SNOOZE_DAYS:
        raise UsageError(t("A warning can be snoozed for 1 day or 1 week."))
    reason = reason.strip()
    if "\x00" in reason:
        raise UsageError(t("The reason contains a NUL character (\\0); remove it."),
                         field="reason")
    check_length(reason, "snooze reason", form_input="reason")
    team, found = _target(session, actor, team_id, key, "snooze")
    state = _state(session, team, key, found, now)
    state.snoozed_until = now + timedelta(days=days)
    state.snooze_reason = reason or None
    session.flush()
    return WarningActed("snoozed", team.name, key, state.message, actor.member.timezone,
                        actor.member.slack_user_id, state.snoozed_until, reason or None)


def acknowledge_warning(session: Session, actor: Actor, team_id: int, key: str,
                        now: datetime) -> WarningActed:
    """Acknowledge a warning: it is posted again only when it gets worse."""
    team, found = _target(session, actor, team_id, key, "acknowledge")
    state = _state(session, team, key, found, now)
    already = state.acknowledged_at is not None
    if not already:
        state.acknowledged_at, state.acknowledged_by_id = now, actor.member.id
        session.flush()
    by = session.get(Member, state.acknowledged_by_id) if state.acknowledged_by_id else None
    return WarningActed("acknowledged", team.name, key, state.message, actor.member.timezone,
                        by.slack_user_id if by else actor.member.slack_user_id,
                        already=already, team_language=team.language)
