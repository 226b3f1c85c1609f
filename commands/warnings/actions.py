"""/sales action: PDCA action items from the weekly review, with an owner and a due date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commands.core.access import require_read_team
from commands.core.actors import Actor, resolve_mention
from commands.core.aliases import shown_option
from commands.core.dates import format_day, iso_or_day, local_today, parse_day
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import N_, t
from commands.core.limits import LIMITS, check_length
from commands.core.text import Mention, as_mention, parse_words
from commands.team.sales import find_team
from commands.warnings.action_links import apply_link, link_warning, movements
from commands.warnings.review import LinkedMetric, Movement
from storage import repo
from storage.models import ActionItem, Member, Team

MAX_TEXT = LIMITS["action item"]
RECENT_DONE_DAYS = 14
_REF = re.compile(r"^(?:a-?)?(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ActionAdd:
    owner: Mention | None  # None: the caller
    text: str
    due: str | None  # as typed; resolved in the team's today
    warning: str | None = None  # the key (rule:subject) of the warning it answers


@dataclass(frozen=True)
class ActionDone:
    number: int


@dataclass(frozen=True)
class ActionList:
    scope: Mention | None = None
    include_done: bool = False
    team_name: str | None = None


ActionArgs = ActionAdd | ActionDone | ActionList


def parse_action(text: str) -> ActionArgs:
    """`/sales action add @bob "Call 5 B-tier accounts" due:friday`, `done A-3`, `list`."""
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "list", "ls"):
        words = parse_words(rest, ("team",))
        scope, include_done = None, False
        for w in words.positionals:
            if as_mention(w):
                scope = as_mention(w)
            elif w.lower() == "all":
                include_done = True
            else:
                raise UsageError(t("`{word}` is not a person or `all`; try `/sales action list "
                                   "@bob all`.", word=w))
        return ActionList(scope, include_done, words.options.get("team"))
    if verb == "add":
        words = parse_words(rest, ("due", "warning"))
        pos = list(words.positionals)
        owner = as_mention(pos[0]) if pos and as_mention(pos[0]) else None
        if owner is not None:
            pos = pos[1:]
        item = " ".join(pos).strip()
        if not item:
            raise UsageError(t('Say what to do: `/sales action add @bob "Call 5 B-tier '
                               'accounts" due:friday`.'))
        check_length(item, "action item")
        if "warning" in words.options and not words.options["warning"]:
            raise UsageError(t("`warning:` needs the warning's key, like "
                               "warning:tier_cadence:customer:33."))
        return ActionAdd(owner, item, words.options.get("due"), words.options.get("warning"))
    if verb in ("done", "close", "complete"):
        words = parse_words(rest, ())
        match = _REF.match(words.positionals[0]) if len(words.positionals) == 1 else None
        if match is None:
            raise UsageError(t("Which item? `/sales action done A-3` (`/sales action list` "
                               "shows them)."))
        number = match.group(1)
        if len(number) > 9:  # no item has such a number (nor could PostgreSQL look it up)
            raise UsageError(t("There is no action item A-{number}…; `/sales action list` "
                               "shows them.", number=number[:12]))
        return ActionDone(int(number))
    raise UsageError(t("Use `/sales action add`, `/sales action done A-3` or "
                       "`/sales action list`."))


@dataclass(frozen=True)
class ActionLine:
    ref: str
    owner: str
    text: str
    due: date | None
    state: str  # open | overdue | done | done, no effect yet (its metric got worse)
    movement: Movement | None = None  # a linked item's metric then and now


@dataclass(frozen=True)
class ActionResult:
    message: str
    team_name: str
    items: tuple[ActionLine, ...] = ()


def state_of(item: ActionItem, today: date) -> str:
    if item.done_at is not None:
        return "done"
    if item.due_on is not None and item.due_on < today:
        return "overdue"
    return "open"


def line_of(item: ActionItem, today: date, moved: Movement | None = None) -> ActionLine:
    state = state_of(item, today)
    if state == "done" and moved is not None and moved.worse:
        state = "done, no effect yet"
    return ActionLine(f"A-{item.id}", item.owner.name, item.text, item.due_on, state, moved)


def _added(ref: str, owner: str, due: date | None, text: str,
           link: LinkedMetric | None) -> str:
    """The reply to `/sales action add`: the item, its due day, the metric it is judged by."""
    values = {"ref": ref, "owner": owner, "text": text}
    if link is not None:
        values |= {"label": link.label, "value": f"{link.value:f}"}
    if due is not None and link is not None:
        return t("{ref} for {owner}, due {due}: {text} (about {label}: {value} now)",
                 due=format_day(due), **values)
    if due is not None:
        return t("{ref} for {owner}, due {due}: {text}", due=format_day(due), **values)
    if link is not None:
        return t("{ref} for {owner}: {text} (about {label}: {value} now)", **values)
    return t("{ref} for {owner}: {text}", **values)


def _ref(item: ActionItem) -> str:
    return f"A-{item.id}"


def _may_manage(actor: Actor, team: Team | None, owner: Member) -> bool:
    return actor.is_admin or owner.id == actor.member.id or actor.manages(team)


def run_action(args: ActionArgs, *, session: Session, actor: Actor,
               now: datetime) -> ActionResult:
    ws = actor.workspace
    if isinstance(args, ActionAdd):
        owner = resolve_mention(session, actor, args.owner, now) if args.owner else actor.member
        team = owner.team or find_team(session, actor, None)
        # someone in no team has no manager: the channel's team's manager is not theirs
        if not _may_manage(actor, owner.team, owner):
            raise PermissionDenied(t("Only {owner}'s manager or an admin can give them an "
                                     "action item.", owner=owner.name))
        today = local_today(now, team.timezone)
        due = parse_day(args.due, today=today, prefer="future", option="due") \
            if args.due else None
        if due is not None and due < today:
            raise UsageError(t("`{option}:{due}` is in the past ({day}).",
                               option=shown_option("due"), due=args.due, day=iso_or_day(due)))
        link = link_warning(session, ws, team, args.warning, now) if args.warning else None
        item = ActionItem(workspace_id=ws.id, team_id=team.id, owner_id=owner.id,
                          text=args.text, due_on=due, created_by_id=actor.member.id,
                          created_at=now)
        if link is not None:
            apply_link(item, link)
        session.add(item)
        session.flush()
        return ActionResult(_added(f"A-{item.id}", owner.name, due, args.text, link),
                            team.name, (line_of(item, today),))
    if isinstance(args, ActionDone):
        found = repo.actions.action_item(session, ws.id, args.number)
        if found is None:
            raise UsageError(t("There is no action item A-{number}.", number=args.number))
        if not _may_manage(actor, found.team, found.owner):
            ref = _ref(found)
            raise PermissionDenied(t("{ref} is {owner}'s; they, their manager or an admin can "
                                     "close it.", ref=ref, owner=found.owner.name))
        today = local_today(now, found.team.timezone)
        if found.done_at is not None:
            return ActionResult(t("{ref} was already done.", ref=_ref(found)),
                                found.team.name,
                                (line_of(found, today),))
        found.done_at, found.done_by_id = now, actor.member.id
        done_moved = movements(session, ws, found.team, [found], now).get(found.id)
        return ActionResult(t("Done: {ref} {text}", ref=_ref(found), text=found.text),
                            found.team.name,
                            (line_of(found, today, done_moved),))
    person = resolve_mention(session, actor, args.scope, now) if args.scope else None
    team = person.team if person and person.team else find_team(session, actor, args.team_name)
    # action items come out of the team's review: the team reads them all, not only its own
    require_read_team(actor, team, N_("action items"))
    today = local_today(now, team.timezone)
    since = now - timedelta(days=RECENT_DONE_DAYS) if args.include_done else None
    items = repo.actions.action_items(session, team.id, owner_id=person.id if person else None,
                              done_since=since)
    who = person.name if person else team.name
    message = "" if items else t("No open action items for {who}.", who=who)
    moved = movements(session, ws, team, items, now)
    return ActionResult(message, team.name,
                        tuple(line_of(i, today, moved.get(i.id)) for i in items))
