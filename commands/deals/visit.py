"""/visit: log a visit, call, demo, meeting or email with a customer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from commands.core.actors import Actor, can_edit_deal
from commands.core.aliases import shown_option
from commands.core.dates import format_day, local_today, parse_day
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import t
from commands.core.limits import check_length
from commands.core.text import choice, name_key, parse_words, yes_no
from commands.deals.customers import SIMILAR, find_or_create_customer
from commands.deals.labels import stage_label
from commands.followups.schedule import (
    FollowUpView,
    check_next_by,
    close_matching,
    parse_by,
    schedule_follow_up,
)
from storage import repo
from storage.models import ActivityType, Customer, Deal, Outcome, Tier

VISIT_OPTIONS = ("type", "outcome", "on", "next", "by", "deal", "tier", "new")
TYPES = tuple(t.value for t in ActivityType)
OUTCOMES = tuple(o.value for o in Outcome)
TIERS = tuple(t.value for t in Tier)
_DEAL_REF = re.compile(r"^(?:d-?|#)?(\d{1,9})$", re.I)
# How far back a visit may be logged: older than this is almost always a typo in the year.
MAX_AGE_DAYS = 366


@dataclass(frozen=True)
class VisitArgs:
    words: tuple[str, ...]  # the customer name (maybe unquoted) followed by the notes
    type: ActivityType = ActivityType.VISIT
    outcome: Outcome | None = None
    on: str | None = None
    next_step: str | None = None
    deal_number: int | None = None
    tier: Tier | None = None
    new_customer: bool = False
    customer: str | None = None  # set by forms: the name exactly, and `words` are the notes
    by: str | None = None  # the day the next step is due: makes it a follow-up


@dataclass(frozen=True)
class VisitResult:
    activity_id: int
    type: ActivityType
    customer: str
    tier: Tier
    customer_created: bool
    occurred_on: date
    today: date
    outcome: Outcome | None
    notes: str
    next_step: str | None
    deal_ref: str | None
    tier_given: bool = False  # the tier was in the command: no hint to set it
    follow_up: FollowUpView | None = None  # the next step, due `by:`
    closed_follow_up: FollowUpView | None = None  # the open one this visit took care of


def parse_deal_ref(text: str, option: str = "deal") -> int:
    m = _DEAL_REF.match(text.strip())
    if not m or int(m.group(1)) == 0:
        raise UsageError(t("`{option}:{text}` is not a deal reference. Deals look like D-3.",
                           option=shown_option(option), text=text), field=option)
    return int(m.group(1))


def parse_tier(text: str) -> Tier:
    value = text.strip().upper()
    if value not in TIERS:
        raise UsageError(t("`{option}:{text}` is not a tier. Customers are tier A, B or C.",
                           option=shown_option("tier"), text=text))
    return Tier(value)


def parse_visit(text: str) -> VisitArgs:
    """Parse `/visit "Acme Corp" type:demo outcome:positive on:yesterday next:"..." notes`."""
    words = parse_words(text, VISIT_OPTIONS)
    opts = words.options
    if not words.positionals and "deal" not in opts:
        raise UsageError(t('Name the customer first, like `/visit "Acme Corp" Met the CTO`.'))
    next_step = opts.get("next")
    if next_step is not None and not next_step:
        raise UsageError(t('`{option}:` needs the next step, like {option}:"send quote".',
                           option=shown_option("next")))
    if "on" in opts and not opts["on"]:
        raise UsageError(t("`{option}:` needs a date, like {option}:yesterday or "
                           "{option}:2026-11-20.", option=shown_option("on")))
    check_next_by(next_step, opts.get("by"), command='/visit "Acme Corp"')
    return VisitArgs(
        words=tuple(words.positionals),
        type=ActivityType(choice(opts["type"], TYPES, "type")) if "type" in opts
        else ActivityType.VISIT,
        outcome=Outcome(choice(opts["outcome"], OUTCOMES, "outcome")) if "outcome" in opts
        else None,
        on=opts.get("on"),
        next_step=next_step,
        deal_number=parse_deal_ref(opts["deal"]) if "deal" in opts else None,
        tier=parse_tier(opts["tier"]) if "tier" in opts else None,
        new_customer=yes_no(opts["new"], "new") if "new" in opts else False,
        by=opts.get("by"),
    )


def _split_customer(
    session: Session, workspace_id: int, words: tuple[str, ...]
) -> tuple[str, str, Customer | None]:
    """Separate the customer name from the notes; the customer too when it is known.

    A quoted name is taken as it is. Unquoted, the longest run of leading words that names
    a known customer wins (`/visit Acme Corp met the CTO`); failing that, the longest run
    that looks like a typo of one (so `Acme Crop` is caught), else the first word alone.
    Every candidate is looked up in one query.
    """
    first = words[0]
    if " " in first or len(words) == 1:
        return first, " ".join(words[1:]), None
    candidates = [" ".join(words[:n]) for n in range(min(6, len(words)), 0, -1)]
    known_keys = repo.customers.customers_by_keys(session, workspace_id,
                                                  [name_key(c) for c in candidates])
    for candidate in candidates:
        customer = known_keys.get(name_key(candidate))
        if customer is not None:
            return candidate, " ".join(words[len(candidate.split()):]), customer
    candidates = candidates[:-1]  # a lone first word is too short to call a typo
    known = [k for k, _ in repo.customers.customer_names(session, workspace_id)]
    for candidate in candidates:
        if process.extractOne(name_key(candidate), known, scorer=fuzz.ratio,
                              score_cutoff=SIMILAR):
            return candidate, " ".join(words[len(candidate.split()):]), None
    return first, " ".join(words[1:]), None


def load_deal(session: Session, actor: Actor, number: int) -> Deal:
    deal = repo.deals.deal_by_number(session, actor.workspace.id, number)
    if deal is None:
        raise UsageError(t("There is no deal D-{number}. `/deal list` shows your open deals.",
                           number=number), field="deal")
    return deal


def _check_open_then(session: Session, deal: Deal, day: date, tz: str) -> None:
    """Refuse an activity dated after its deal was won or lost: it is not part of that
    deal any more (an activity up to the day it closed is, like the meeting that won it)."""
    stage = next((s for s in repo.deals.stages(session, deal.workspace_id) if s.name == deal.stage),
                 None)
    if stage is None or not stage.is_closed:
        return
    closed_on = local_today(deal.closed_at, tz) if deal.closed_at else None
    if closed_on is not None and day <= closed_on:
        return
    if closed_on is not None:
        message = t("{ref} was {stage} on {day}, so this activity cannot go on it. Log it "
                    "without the deal, or reopen {ref} first, like "
                    "`/deal {ref} stage:negotiation`.",
                    ref=deal.ref, stage=stage_label(deal.stage), day=format_day(closed_on))
    else:
        message = t("{ref} was {stage}, so this activity cannot go on it. Log it without the "
                    "deal, or reopen {ref} first, like `/deal {ref} stage:negotiation`.",
                    ref=deal.ref, stage=stage_label(deal.stage))
    raise UsageError(message, field="deal")


def run_visit(args: VisitArgs, *, session: Session, actor: Actor, now: datetime) -> VisitResult:
    """Log the activity; nothing is written if any part of the input is wrong."""
    member = actor.member
    today = local_today(now, member.timezone)
    occurred_on = today
    if args.on is not None:
        occurred_on = parse_day(args.on, today=today, prefer="past", option="on")
        if occurred_on > today:
            raise UsageError(
                t("`{option}:{given}` is in the future ({day}). Log activities once they have "
                  "happened.", option=shown_option("on"), given=args.on,
                  day=format_day(occurred_on)),
                field="on",
            )
        if occurred_on < today - timedelta(days=MAX_AGE_DAYS):
            raise UsageError(t("`{option}:{given}` is more than a year ago; check the year.",
                               option=shown_option("on"), given=args.on), field="on")

    check_next_by(args.next_step, args.by, command='/visit "Acme Corp"')  # a form's too
    due_on = parse_by(args.by, today=today) if args.by is not None else None
    deal = load_deal(session, actor, args.deal_number) if args.deal_number else None
    if deal is not None and not can_edit_deal(actor, deal):
        # an activity on a deal is part of the deal's record: it resets its staleness
        raise PermissionDenied(t("{ref} is {owner}'s deal: only they, their manager or an "
                                 "admin can log activity on it.",
                                 ref=deal.ref, owner=deal.owner.name), field="deal")
    if deal is not None:
        _check_open_then(session, deal, occurred_on, member.timezone)
    known: Customer | None = None
    if args.customer is not None:
        customer_name, notes = args.customer, " ".join(args.words)
    elif args.words and deal is not None and not args.new_customer \
            and " " not in args.words[0] and not repo.customers.customers_by_keys(
        session, actor.workspace.id,
        [name_key(" ".join(args.words[:n])) for n in range(1, min(6, len(args.words)) + 1)],
    ):
        # `/visit deal:D-3 Chased the PO`: the deal names the customer, the words are notes
        customer_name, notes = deal.customer.name, " ".join(args.words)
    elif args.words:
        customer_name, notes, known = _split_customer(session, actor.workspace.id, args.words)
    else:
        assert deal is not None  # parse_visit requires a customer or a deal
        customer_name, notes = deal.customer.name, ""
    check_length(notes.strip(), "notes", form_input="notes")
    if args.next_step is not None:
        check_length(args.next_step, "next step", form_input="next")
    pick = find_or_create_customer(
        session, actor.workspace.id, customer_name, owner=member, tier=args.tier,
        force_new=args.new_customer, now=now, known=known,
    )
    if deal is not None and deal.customer_id != pick.customer.id:
        raise UsageError(
            t("{ref} is a deal with {customer}, not {other}.", ref=deal.ref,
              customer=deal.customer.name, other=pick.customer.name),
            field="deal",
        )
    activity_id = repo.activities.add_activity(
        session, workspace_id=actor.workspace.id, type=args.type, customer_id=pick.customer.id,
        deal_id=deal.id if deal else None, member_id=member.id, occurred_on=occurred_on,
        outcome=args.outcome, notes=notes.strip(), next_step=args.next_step, logged_at=now,
    )
    closed = close_matching(session, member=member, customer_id=pick.customer.id,
                            deal_id=deal.id if deal else None, activity_id=activity_id,
                            occurred_on=occurred_on, now=now)
    follow_up = None
    if due_on is not None and args.next_step is not None:
        follow_up = schedule_follow_up(
            session, owner=member, created_by=member, text=args.next_step, due_on=due_on,
            customer=pick.customer, deal=deal, activity_id=activity_id, now=now)
    return VisitResult(
        activity_id=activity_id, type=args.type, customer=pick.customer.name,
        tier=pick.customer.tier, customer_created=pick.created, occurred_on=occurred_on,
        today=today, outcome=args.outcome, notes=notes.strip(), next_step=args.next_step,
        deal_ref=deal.ref if deal else None, tier_given=args.tier is not None,
        follow_up=follow_up, closed_follow_up=closed,
    )
