"""/followups: list open follow-ups, mark one done, snooze it, or reopen it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from commands.core.access import can_read_deal, can_read_person
from commands.core.actors import Actor, can_edit_records_of
from commands.core.dates import days_after, local_today
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import N_, t
from commands.core.limits import check_length
from commands.core.text import Mention, as_mention, parse_words, yes_no
from commands.deals.customers import find_or_create_customer
from commands.deals.visit import load_deal, parse_deal_ref
from commands.followups.schedule import (
    FollowUpView,
    parse_by,
    schedule_follow_up,
    view_follow_up,
)
from commands.plan.target_plan import person_in_view, require_read_scope, team_for
from storage import repo
from storage.models import FollowUp, Member

USAGE = N_("Use `/followups`, `/followups @alice`, `/followups team` (add `all` for later ones "
           "too), `/followups add send quote by:friday [deal:D-3]`, `/followups done F-3`, "
           "`/followups snooze F-3 1d|1w|friday` or `/followups reopen F-3`.")
_REF = re.compile(r"^(?:f-?|#)?(\d{1,9})$", re.I)
# Without `all`, the list shows what is overdue and due within this many days.
SOON = timedelta(days=7)


@dataclass(frozen=True)
class FollowUpsList:
    scope: Mention | None = None
    team: bool = False
    all: bool = False


@dataclass(frozen=True)
class FollowUpDone:
    number: int


@dataclass(frozen=True)
class FollowUpSnooze:
    number: int
    until: str  # 1d, 1w or a date


@dataclass(frozen=True)
class FollowUpReopen:
    number: int


@dataclass(frozen=True)
class FollowUpAdd:
    """A follow-up of one's own, not made by a visit or a deal (a form, `/followups add`)."""

    text: str
    by: str  # as typed or picked: a day, today or later
    deal_number: int | None = None
    customer: str | None = None  # matched as /visit matches it; None: the deal's, if any
    new_customer: bool = False  # create `customer` even though it is close to a known one


@dataclass(frozen=True)
class FollowUpShow:
    """One follow-up as it is now: what a button redraws in place after a click."""

    number: int


FollowUpsArgs = (FollowUpsList | FollowUpDone | FollowUpSnooze | FollowUpReopen | FollowUpAdd
                 | FollowUpShow)


@dataclass(frozen=True)
class FollowUpListing:
    scope_name: str
    is_self: bool
    items: tuple[FollowUpView, ...]  # overdue first, then by due day
    today: date
    all: bool
    not_shown: int = 0  # teammates' follow-ups the reader may not see, only counted
    asked: FollowUpsList | None = None  # what was asked: a click redraws the same list

    @property
    def command_text(self) -> str:
        """The `/followups` arguments that list this again ('', 'team all', '<@U1>')."""
        if self.asked is None:
            return ""
        scope = self.asked.scope
        words = ["team"] if self.asked.team else (
            [f"<@{scope.user_id}>" if scope.user_id else f"@{scope.name}"] if scope else [])
        return " ".join([*words, *(["all"] if self.asked.all else [])])


@dataclass(frozen=True)
class FollowUpShown:
    item: FollowUpView
    today: date


@dataclass(frozen=True)
class FollowUpChanged:
    item: FollowUpView
    action: str  # done | snoozed | reopened | added
    today: date
    previous_due: date | None = None


def parse_ref(text: str) -> int:
    m = _REF.match(text.strip())
    if not m or int(m.group(1)) == 0:
        raise UsageError(t("`{text}` is not a follow-up. Follow-ups look like F-3.", text=text))
    return int(m.group(1))


def parse_followups(text: str) -> FollowUpsArgs:
    """Parse `/followups [@rep|team] [all]`, `done F-3`, `snooze F-3 1d`, `reopen F-3`."""
    words = parse_words(text, ())
    pos = list(words.positionals)
    verb = pos[0].lower() if pos else ""
    if verb == "add":
        return _parse_add(text)
    if verb in ("done", "snooze", "reopen"):
        if len(pos) < 2:
            raise UsageError(t("Which follow-up? Like `/followups {verb} F-3`.", verb=verb))
        number = parse_ref(pos[1])
        if verb == "snooze":
            if len(pos) != 3:
                raise UsageError(t("Snooze it until when? Like `/followups snooze F-3 1d`, "
                                   "`1w` or a date."))
            return FollowUpSnooze(number, pos[2])
        if len(pos) != 2:
            raise UsageError(t("`/followups {verb} F-{number}` takes nothing else.",
                               verb=verb, number=number))
        return FollowUpDone(number) if verb == "done" else FollowUpReopen(number)
    show_all = any(p.lower() == "all" for p in pos)
    rest = [p for p in pos if p.lower() != "all"]
    if not rest:
        return FollowUpsList(all=show_all)
    if len(rest) == 1 and rest[0].lower() == "team":
        return FollowUpsList(team=True, all=show_all)
    mention = as_mention(rest[0]) if len(rest) == 1 else None
    if mention is None:
        raise UsageError(t(USAGE))
    return FollowUpsList(scope=mention, all=show_all)


def _parse_add(text: str) -> FollowUpAdd:
    words = parse_words(text, ("by", "deal", "customer", "new"))
    what = " ".join(words.positionals[1:]).strip()
    if not what or "by" not in words.options:
        raise UsageError(t("Add what, by when? Like `/followups add send quote by:friday` "
                           "(`deal:D-3` ties it to a deal)."))
    deal = words.options.get("deal")
    customer = words.options.get("customer")
    if customer is not None and not customer.strip():
        raise UsageError(t('`customer:` needs a name, like customer:"Acme Corp".'),
                         field="customer")
    return FollowUpAdd(what, words.options["by"], parse_deal_ref(deal) if deal else None,
                       customer=customer,
                       new_customer=yes_no(words.options["new"], "new")
                       if "new" in words.options else False)


def run_followups(args: FollowUpsArgs, *, session: Session, actor: Actor,
                  now: datetime) -> FollowUpListing | FollowUpChanged | FollowUpShown:
    if isinstance(args, FollowUpsList):
        return _list(args, session, actor, now)
    if isinstance(args, FollowUpAdd):
        return _add(args, session, actor, now)
    if isinstance(args, FollowUpShow):
        return _show(args.number, session, actor, now)
    item = _editable(session, actor, args.number)
    today = local_today(now, item.owner.timezone)
    if isinstance(args, FollowUpDone):
        if item.done_at is not None:
            raise UsageError(t("{ref} is already done.", ref=item.ref))
        item.done_at, item.done_by_id = now, actor.member.id
        action, previous = "done", None
    elif isinstance(args, FollowUpReopen):
        if item.done_at is None:
            raise UsageError(t("{ref} is still open.", ref=item.ref))
        item.done_at = item.done_by_id = item.closed_by_activity_id = None
        action, previous = "reopened", None
    else:
        if item.done_at is not None:
            raise UsageError(t("{ref} is done; reopen it first with "
                               "`/followups reopen {ref}`.", ref=item.ref))
        previous = item.due_on
        item.due_on = snooze_until(args.until, today)
        action = "snoozed"
    session.flush()
    return FollowUpChanged(view_follow_up(item, now), action, today, previous)


def snooze_until(text: str, today: date) -> date:
    """1d: tomorrow, 1w: a week from today (1天, 1周, 1个月 in Chinese), or a day (today or
    later)."""
    days = days_after(text, today)
    if days is None:
        return parse_by(text, today=today, option="snooze")
    if days == 0:
        raise UsageError(t("Snooze by a day or more, like `1d` or `1w`."))
    return today + timedelta(days=days)


def _add(args: FollowUpAdd, session: Session, actor: Actor, now: datetime) -> FollowUpChanged:
    """The caller's own follow-up, on a deal they may see when one is named."""
    text = args.text.strip()
    if not text:
        raise UsageError(t("What is the follow-up? Like `send the quote`."), field="text")
    today = local_today(now, actor.member.timezone)
    due_on = parse_by(args.by, today=today)
    deal = load_deal(session, actor, args.deal_number) if args.deal_number else None
    if deal is not None and not can_read_deal(actor.member, deal):
        raise PermissionDenied(t("{ref} is not yours to see.", ref=deal.ref), field="deal")
    check_length(text, "next step", label=N_("follow-up"), form_input="text")
    customer = None
    if args.customer is not None:
        customer = find_or_create_customer(
            session, actor.workspace.id, args.customer, owner=actor.member, tier=None,
            force_new=args.new_customer, now=now).customer
        if deal is not None and deal.customer_id != customer.id:
            raise UsageError(t("{ref} is a deal with {customer}, not {other}.", ref=deal.ref,
                               customer=deal.customer.name, other=customer.name),
                             field="deal")
    made = schedule_follow_up(session, owner=actor.member, created_by=actor.member, text=text,
                              due_on=due_on, customer=customer, deal=deal, activity_id=None,
                              now=now)
    return FollowUpChanged(made, "added", today)


def follow_up_to_log(session: Session, actor: Actor, number: int,
                     now: datetime) -> FollowUpView:
    """The follow-up a **Log visit** click pre-fills the visit form from (its customer, deal
    and text as the next step), once the clicker may act on it."""
    return view_follow_up(_editable(session, actor, number), now)


def _show(number: int, session: Session, actor: Actor, now: datetime) -> FollowUpShown:
    item = _known(session, actor, number)
    if not can_read_person(actor.member, item.owner):
        raise PermissionDenied(t("F-{number} is {owner}'s follow-up: only they, their "
                                 "manager or an admin can change it.", number=number,
                                 owner=item.owner.name))
    return FollowUpShown(view_follow_up(item, now), local_today(now, actor.member.timezone))


def _known(session: Session, actor: Actor, number: int) -> FollowUp:
    item = repo.followups.follow_up(session, actor.workspace.id, number)
    if item is None:
        raise UsageError(t("There is no follow-up F-{number}. `/followups` lists yours.",
                           number=number))
    return item


def _editable(session: Session, actor: Actor, number: int) -> FollowUp:
    item = _known(session, actor, number)
    if not can_edit_records_of(actor, item.owner):
        raise PermissionDenied(t("F-{number} is {owner}'s follow-up: only they, their "
                                 "manager or an admin can change it.", number=number,
                                 owner=item.owner.name))
    return item


def _list(args: FollowUpsList, session: Session, actor: Actor,
          now: datetime) -> FollowUpListing:
    person = person_in_view(session, actor, args.scope, now, team=args.team)
    people: list[Member]
    if person is not None and args.scope is None:
        people, scope_name = [person], person.name  # one's own: no team needed
    else:
        team = team_for(session, actor, person)
        require_read_scope(actor, team, person, N_("follow-ups"), "/followups team")
        people = [person] if person else list(team.members)
        scope_name = person.name if person else team.name
    readable = [p for p in people if can_read_person(actor.member, p)]
    today = local_today(now, actor.member.timezone)
    due_by = None if args.all else today + SOON
    items = [view_follow_up(f, now) for f in repo.followups.open_follow_ups(
        session, [p.id for p in readable], due_by=due_by)]
    hidden = [p.id for p in people if p not in readable]
    not_shown = len(repo.followups.open_follow_ups(session, hidden, due_by=due_by)) \
        if hidden else 0
    items.sort(key=lambda v: (not v.overdue, v.due_on, v.id))
    return FollowUpListing(
        scope_name=scope_name, is_self=person is not None and person.id == actor.member.id,
        items=tuple(items), today=today, all=args.all, not_shown=not_shown, asked=args,
    )
