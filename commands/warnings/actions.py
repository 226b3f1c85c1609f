"""/sales action: PDCA action items from the weekly review, with an owner and a due date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commands.core.access import require_read_team
from commands.core.actors import Actor, resolve_mention
from commands.core.dates import local_today, parse_day
from commands.core.errors import PermissionDenied, UsageError
from commands.core.limits import LIMITS, check_length
from commands.core.text import Mention, as_mention, parse_words
from commands.team.sales import find_team
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
                raise UsageError(f"`{w}` is not a person or `all`; try `/sales action list "
                                 "@bob all`.")
        return ActionList(scope, include_done, words.options.get("team"))
    if verb == "add":
        words = parse_words(rest, ("due",))
        pos = list(words.positionals)
        owner = as_mention(pos[0]) if pos and as_mention(pos[0]) else None
        if owner is not None:
            pos = pos[1:]
        item = " ".join(pos).strip()
        if not item:
            raise UsageError('Say what to do: `/sales action add @bob "Call 5 B-tier accounts" '
                             "due:friday`.")
        check_length(item, "action item")
        return ActionAdd(owner, item, words.options.get("due"))
    if verb in ("done", "close", "complete"):
        words = parse_words(rest, ())
        match = _REF.match(words.positionals[0]) if len(words.positionals) == 1 else None
        if match is None:
            raise UsageError("Which item? `/sales action done A-3` (`/sales action list` shows "
                             "them).")
        number = match.group(1)
        if len(number) > 9:  # no item has such a number (nor could PostgreSQL look it up)
            raise UsageError(f"There is no action item A-{number[:12]}…; `/sales action list` "
                             "shows them.")
        return ActionDone(int(number))
    raise UsageError("Use `/sales action add`, `/sales action done A-3` or `/sales action list`.")


@dataclass(frozen=True)
class ActionLine:
    ref: str
    owner: str
    text: str
    due: date | None
    state: str  # open | overdue | done


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


def line_of(item: ActionItem, today: date) -> ActionLine:
    return ActionLine(f"A-{item.id}", item.owner.name, item.text, item.due_on,
                      state_of(item, today))


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
            raise PermissionDenied(f"Only {owner.name}'s manager or an admin can give them an "
                                   "action item.")
        today = local_today(now, team.timezone)
        due = parse_day(args.due, today=today, prefer="future", option="due") \
            if args.due else None
        if due is not None and due < today:
            raise UsageError(f"`due:{args.due}` is in the past ({due.isoformat()}).")
        item = ActionItem(workspace_id=ws.id, team_id=team.id, owner_id=owner.id,
                          text=args.text, due_on=due, created_by_id=actor.member.id,
                          created_at=now)
        session.add(item)
        session.flush()
        when = f", due {due:%a %d %b}" if due else ""
        return ActionResult(f"A-{item.id} for {owner.name}{when}: {args.text}", team.name,
                            (line_of(item, today),))
    if isinstance(args, ActionDone):
        found = repo.actions.action_item(session, ws.id, args.number)
        if found is None:
            raise UsageError(f"There is no action item A-{args.number}.")
        if not _may_manage(actor, found.team, found.owner):
            raise PermissionDenied(f"A-{found.id} is {found.owner.name}'s; they, their manager "
                                   "or an admin can close it.")
        today = local_today(now, found.team.timezone)
        if found.done_at is not None:
            return ActionResult(f"A-{found.id} was already done.", found.team.name,
                                (line_of(found, today),))
        found.done_at, found.done_by_id = now, actor.member.id
        return ActionResult(f"Done: A-{found.id} {found.text}", found.team.name,
                            (line_of(found, today),))
    person = resolve_mention(session, actor, args.scope, now) if args.scope else None
    team = person.team if person and person.team else find_team(session, actor, args.team_name)
    # action items come out of the team's review: the team reads them all, not only its own
    require_read_team(actor, team, "action items")
    today = local_today(now, team.timezone)
    since = now - timedelta(days=RECENT_DONE_DAYS) if args.include_done else None
    items = repo.actions.action_items(session, team.id, owner_id=person.id if person else None,
                              done_since=since)
    who = person.name if person else team.name
    message = "" if items else f"No open action items for {who}."
    return ActionResult(message, team.name, tuple(line_of(i, today) for i in items))
