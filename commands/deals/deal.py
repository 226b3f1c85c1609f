"""/deal: create, update, close, list and show deals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.access import require_read_deal, require_read_person
from commands.core.actors import Actor, can_edit_deal, require_deal_edit, resolve_mention
from commands.core.aliases import shown_option
from commands.core.dates import format_day, local_today, parse_day
from commands.core.errors import UsageError
from commands.core.i18n import N_, t
from commands.core.limits import check_length
from commands.core.money import Money, parse_amount, parse_currency
from commands.core.text import Mention, as_mention, choice, parse_words, yes_no
from commands.deals.customers import find_or_create_customer
from commands.deals.labels import stage_label
from commands.deals.visit import load_deal, parse_deal_ref, parse_tier
from commands.followups.schedule import FollowUpView, check_next_by, parse_by, schedule_follow_up
from commands.forecast.categories import parse_category, recategorize, workspace_categories
from storage import repo
from storage.models import Deal, DealHistory, Member, Stage, Tier, to_minor

NEW_OPTIONS = ("customer", "amount", "stage", "close", "currency", "new", "tier")
UPDATE_OPTIONS = ("stage", "amount", "close", "currency", "name", "reason", "next", "by",
                  "forecast")
LOST_OPTIONS = ("reason",)


# --- arguments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DealNew:
    name: str
    customer: str
    amount: Money
    stage: str | None = None
    close: str | None = None
    currency: str | None = None
    new_customer: bool = False
    tier: Tier | None = None


@dataclass(frozen=True)
class DealUpdate:
    number: int
    stage: str | None = None
    amount: Money | None = None
    close: str | None = None
    currency: str | None = None
    name: str | None = None
    reason: str | None = None
    next_step: str | None = None  # with `by`: the deal's next step, a follow-up
    by: str | None = None
    forecast: str | None = None  # a forecast category, or "auto"


@dataclass(frozen=True)
class DealWon:
    number: int


@dataclass(frozen=True)
class DealLost:
    number: int
    reason: str


@dataclass(frozen=True)
class DealShow:
    number: int


@dataclass(frozen=True)
class DealList:
    owner: Mention | None = None


DealArgs = DealNew | DealUpdate | DealWon | DealLost | DealShow | DealList

USAGE_HINT = N_(
    "Try `/deal new \"Acme renewal\" customer:\"Acme Corp\" amount:120k`, "
    "`/deal D-1 stage:negotiation`, `/deal D-1 won`, `/deal D-1 lost reason:\"price\"` "
    "or `/deal list`."
)


def parse_deal(text: str) -> DealArgs:
    """Parse every form of /deal; see USAGE_HINT."""
    head, _, rest = text.strip().partition(" ")
    lowered = head.lower()
    if lowered in ("", "list", "ls"):
        return _parse_list(rest)
    if lowered in ("new", "create", "add"):
        return _parse_new(rest)
    try:
        number = parse_deal_ref(head, option="deal")
    except UsageError:
        raise UsageError(t("I don't understand `/deal {text}`. {hint}", text=text.strip(),
                           hint=t(USAGE_HINT))) from None
    return _parse_existing(number, rest)


def _parse_list(rest: str) -> DealList:
    words = parse_words(rest, ())
    if not words.positionals:
        return DealList()
    mention = as_mention(words.positionals[0]) if len(words.positionals) == 1 else None
    if mention is None:
        raise UsageError(t("`/deal list` takes at most one person, like `/deal list @alice`."))
    return DealList(owner=mention)


def _parse_new(rest: str) -> DealNew:
    words = parse_words(rest, NEW_OPTIONS, money_options=("amount",))
    opts = words.options
    if not words.positionals:
        raise UsageError(
            t('Name the deal, like `/deal new "Acme renewal" customer:"Acme Corp" amount:120k`.')
        )
    name = check_length(" ".join(words.positionals), "deal name")
    if not opts.get("customer"):
        raise UsageError(t('Which customer is "{name}" for? Add customer:"Acme Corp".',
                           name=name))
    if not opts.get("amount"):
        raise UsageError(t('How much is "{name}" worth? Add amount:, like amount:120k.',
                           name=name))
    return DealNew(
        name=name,
        customer=opts["customer"],
        amount=parse_amount(opts["amount"]),
        stage=opts["stage"].lower() if opts.get("stage") else None,
        close=_non_empty(opts, "close"),
        currency=parse_currency(opts["currency"]) if "currency" in opts else None,
        new_customer=yes_no(opts["new"], "new") if "new" in opts else False,
        tier=parse_tier(opts["tier"]) if "tier" in opts else None,
    )


def _non_empty(opts: dict[str, str], key: str) -> str | None:
    if key not in opts:
        return None
    if not opts[key]:
        raise UsageError(t("`{key}:` needs a value.", key=key))
    return opts[key]


def _parse_existing(number: int, rest: str) -> DealArgs:
    words = parse_words(rest, UPDATE_OPTIONS, money_options=("amount",))
    opts = words.options
    verb = words.positionals[0].lower() if words.positionals else ""
    extra = words.positionals[1:]
    if verb == "won":
        if extra or opts:
            raise UsageError(t("`/deal D-{number} won` takes nothing else.", number=number))
        return DealWon(number)
    if verb == "lost":
        reason = opts.get("reason") or " ".join(extra)
        if set(opts) - {"reason"}:
            raise UsageError(t("`/deal D-{number} lost` takes only reason:.", number=number))
        # no reason yet: running it asks, once the deal is known to be open (a closed deal is
        # refused first, before anyone is asked why it was lost)
        return DealLost(number, reason.strip())
    if words.positionals:
        raise UsageError(
            t("I don't understand `{words}`. Change a deal with options, like "
              "`/deal D-{number} stage:negotiation amount:150k close:\"next friday\"`, or close "
              "it with `won` or `lost reason:\"...\"`.",
              words=" ".join(words.positionals), number=number)
        )
    if not opts:
        return DealShow(number)
    if "reason" in opts and opts.get("stage", "").lower() != "lost":
        raise UsageError(t("`{option}:` goes with a lost deal: "
                           "`/deal D-1 lost {option}:\"price\"`.", option=shown_option("reason")))
    _check_next_step(number, opts)
    return DealUpdate(
        number=number,
        stage=opts["stage"].lower() if "stage" in opts else None,
        amount=parse_amount(opts["amount"]) if "amount" in opts else None,
        close=_non_empty(opts, "close"),
        currency=parse_currency(opts["currency"]) if "currency" in opts else None,
        name=_non_empty(opts, "name"),
        reason=opts.get("reason"),
        next_step=opts.get("next"),
        by=opts.get("by"),
        forecast=parse_category(opts["forecast"]) if "forecast" in opts else None,
    )


def _check_next_step(number: int, opts: dict[str, str]) -> None:
    if "next" in opts and not opts["next"]:
        raise UsageError(t('`{option}:` needs the next step, like {option}:"call CFO".',
                           option=shown_option("next")))
    check_next_by(opts.get("next"), opts.get("by"), command=f"/deal D-{number}")
    if "next" in opts and "by" not in opts:
        raise UsageError(t('When is it due? Add by:, like `/deal D-{number} next:"{step}" '
                           'by:friday`.', number=number, step=opts["next"]))


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealView:
    ref: str
    name: str
    customer: str
    owner: str
    amount: Decimal
    currency: str
    stage: str
    probability_pct: int
    expected_close: date | None
    is_open: bool
    is_won: bool
    lost_reason: str | None
    created_on: date

    @property
    def weighted(self) -> Decimal:
        return (self.amount * self.probability_pct / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Change:
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class DealChanged:
    deal: DealView
    changes: tuple[Change, ...]
    created: bool = False
    customer_created: bool = False
    customer_tier: str | None = None
    today: date | None = None
    follow_up: FollowUpView | None = None  # the next step this change scheduled


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    who: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ActivityLine:
    on: date
    type: str
    who: str
    outcome: str | None
    notes: str


@dataclass(frozen=True)
class DealDetail:
    deal: DealView
    history: tuple[HistoryLine, ...]
    activities: tuple[ActivityLine, ...]
    can_edit: bool
    next_stage: str | None
    stages: tuple[str, ...]
    today: date
    forecast: str = ""  # the deal's forecast category (its override, else its stage's)
    forecast_override: str | None = None  # the rep's override, None: the stage's default


@dataclass(frozen=True)
class StageGroup:
    stage: str
    probability_pct: int
    deals: tuple[DealView, ...]


@dataclass(frozen=True)
class DealListing:
    owner: str
    is_self: bool
    groups: tuple[StageGroup, ...]
    totals: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount
    weighted: dict[str, Decimal] = field(default_factory=dict)  # currency -> weighted
    today: date | None = None


DealResult = DealChanged | DealDetail | DealListing


# --- running ------------------------------------------------------------------------------


class NothingChanged(UsageError):
    """An update that would leave the deal as it is: nothing was written."""


def editable_deal(session: Session, actor: Actor, number: int, now: datetime) -> DealDetail:
    """Deal `number` as an Edit or Lost button opens it; PermissionDenied unless `actor`
    may change it (who may change a deal may read it: the refusal names the change)."""
    deal = load_deal(session, actor, number)
    require_deal_edit(actor, deal)
    return deal_detail(session, actor, deal, now)


def run_deal(args: DealArgs, *, session: Session, actor: Actor, now: datetime) -> DealResult:
    if isinstance(args, DealList):
        return _list(args, session, actor, now)
    if isinstance(args, DealNew):
        return _create(args, session, actor, now)
    deal = load_deal(session, actor, args.number)
    if isinstance(args, DealShow):
        require_read_deal(session, actor, deal)
        return deal_detail(session, actor, deal, now)
    require_deal_edit(actor, deal)
    if isinstance(args, DealUpdate) and args.next_step is not None:
        return _with_next_step(session, actor, deal, args, now)
    if isinstance(args, DealWon):
        return _update(session, actor, deal, DealUpdate(args.number, stage="won"), now)
    if isinstance(args, DealLost):
        return _update(
            session, actor, deal, DealUpdate(args.number, stage="lost", reason=args.reason), now
        )
    return _update(session, actor, deal, args, now)


def _stage_map(session: Session, workspace_id: int) -> dict[str, Stage]:
    return {s.name: s for s in repo.deals.stages(session, workspace_id)}


def _check_stage(name: str, stages: dict[str, Stage]) -> Stage:
    if name in stages:
        return stages[name]
    return stages[choice(name, list(stages), "stage")]


def view(deal: Deal, stages: dict[str, Stage]) -> DealView:
    stage = stages.get(deal.stage)
    return DealView(
        ref=deal.ref, name=deal.name, customer=deal.customer.name, owner=deal.owner.name,
        amount=deal.amount, currency=deal.currency, stage=deal.stage,
        probability_pct=stage.probability_pct if stage else 0,
        expected_close=deal.expected_close, is_open=not (stage and stage.is_closed),
        is_won=bool(stage and stage.is_won), lost_reason=deal.lost_reason,
        created_on=deal.created_at.date(),
    )


def _history(deal: Deal, actor: Member, field_name: str, old: str | None, new: str | None,
             now: datetime) -> None:
    deal.history.append(
        DealHistory(field=field_name, old_value=old, new_value=new, changed_by_id=actor.id,
                    changed_at=now)
    )


def _money_text(amount: Decimal, currency: str) -> str:
    return f"{amount.quantize(Decimal('0.01')):f} {currency}"


def _create(args: DealNew, session: Session, actor: Actor, now: datetime) -> DealChanged:
    ws = actor.workspace
    stages = _stage_map(session, ws.id)
    stage = _check_stage(args.stage or "lead", stages)
    if stage.is_closed:
        raise UsageError(
            t("A new deal starts open. Create it, then close it with `/deal D-n {stage}`.",
              stage=stage.name)
        )
    check_length(args.name, "deal name")
    today = local_today(now, actor.member.timezone)
    close = parse_day(args.close, today=today, prefer="future", option="close") if args.close \
        else None
    if close is not None and close < today:
        raise UsageError(
            t("`{option}:{given}` is {day}, in the past. A new deal closes today or later: "
              "give the date you expect to close it.", option=shown_option("close"),
              given=args.close, day=format_day(close, today))
        )
    currency = _currency(args.amount, args.currency, ws.default_currency)
    pick = find_or_create_customer(
        session, ws.id, args.customer, owner=actor.member, tier=args.tier,
        force_new=args.new_customer, now=now,
    )
    # Written with Core statements rather than through the ORM's unit of work: creating a
    # deal is a hot path, and the unit of work cost more than the rest of the command.
    amount_minor = to_minor(args.amount.amount)
    amount = Decimal(amount_minor) / 100
    history = [("stage", stage.name), ("amount", _money_text(amount, currency))]
    if close:
        history.append(("close", close.isoformat()))
    number = repo.deals.create_deal(
        session,
        dict(workspace_id=ws.id, name=args.name, customer_id=pick.customer.id,
             owner_id=actor.member.id, amount_minor=amount_minor, currency=currency,
             stage=stage.name, expected_close=close, created_at=now),
        history, changed_by_id=actor.member.id,
    )
    created = DealView(
        ref=f"D-{number}", name=args.name, customer=pick.customer.name,
        owner=actor.member.name, amount=amount, currency=currency, stage=stage.name,
        probability_pct=stage.probability_pct, expected_close=close, is_open=True,
        is_won=False, lost_reason=None, created_on=now.date(),
    )
    return DealChanged(deal=created, changes=(), created=True,
                       customer_created=pick.created, customer_tier=pick.customer.tier.value,
                       today=today)


def _currency(money: Money, explicit: str | None, default: str) -> str:
    if money.currency and explicit and money.currency != explicit:
        raise UsageError(
            t("The amount says {amount_currency} but currency: says {currency}; give one.",
              amount_currency=money.currency, currency=explicit)
        )
    return explicit or money.currency or default


def _update(session: Session, actor: Actor, deal: Deal, args: DealUpdate,
            now: datetime) -> DealChanged:
    stages = _stage_map(session, deal.workspace_id)
    current = stages.get(deal.stage)
    today = local_today(now, actor.member.timezone)
    changes: list[Change] = []
    target = _check_stage(args.stage, stages) if args.stage else None
    if current is not None and current.is_closed and (target is None or target.is_closed):
        raise UsageError(
            t("{ref} is already {stage}. To reopen it, move it to an open stage, like "
              "`/deal {ref} stage:negotiation`.", ref=deal.ref, stage=stage_label(deal.stage))
        )
    if target is not None and target.is_lost and not (args.reason or "").strip():
        raise UsageError(
            t('Say why {ref} was lost, like `/deal {ref} lost reason:"price"`.', ref=deal.ref)
        )
    if args.name:
        check_length(args.name, "deal name")
    if args.reason:
        check_length(args.reason.strip(), "lost reason", form_input="reason")
    if args.name and args.name != deal.name:
        changes.append(Change("name", deal.name, args.name))
        deal.name = args.name
    if args.amount is not None or args.currency is not None:
        money = args.amount or Money(deal.amount, None)
        currency = _currency(money, args.currency, deal.currency)
        if money.amount != deal.amount or currency != deal.currency:
            old = _money_text(deal.amount, deal.currency)
            deal.amount_minor, deal.currency = to_minor(money.amount), currency
            new = _money_text(deal.amount, deal.currency)
            changes.append(Change("amount", old, new))
            _history(deal, actor.member, "amount", old, new, now)
    if args.close is not None:
        close = parse_day(args.close, today=today, prefer="future", option="close")
        if close != deal.expected_close:
            old_close = deal.expected_close.isoformat() if deal.expected_close else None
            changes.append(Change("close", old_close, close.isoformat()))
            _history(deal, actor.member, "close", old_close, close.isoformat(), now)
            deal.expected_close = close
    if target is not None and target.name != deal.stage:
        changes.append(Change("stage", deal.stage, target.name))
        _history(deal, actor.member, "stage", deal.stage, target.name, now)
        deal.stage = target.name
        if target.is_closed:
            deal.closed_at = now
            deal.lost_reason = (args.reason or "").strip() if target.is_lost else None
            if target.is_lost:
                changes.append(Change("reason", None, deal.lost_reason))
        else:
            deal.closed_at = None
            deal.lost_reason = None
    moved = recategorize(session, deal, args.forecast) if args.forecast else None
    if moved is not None:
        changes.append(Change("forecast", *moved))
        _history(deal, actor.member, "forecast", *moved, now)
    if not changes:
        raise NothingChanged(t("{ref} already looks like that; nothing changed.", ref=deal.ref))
    session.flush()
    return DealChanged(deal=view(deal, stages), changes=tuple(changes), today=today)


def _with_next_step(session: Session, actor: Actor, deal: Deal, args: DealUpdate,
                    now: datetime) -> DealChanged:
    """Give the deal its next step (a follow-up owned by the deal's owner), along with any
    other change the command makes."""
    assert args.next_step is not None and args.by is not None  # parse_deal requires both
    today = local_today(now, actor.member.timezone)
    stages = _stage_map(session, deal.workspace_id)
    rest = replace(args, next_step=None, by=None)
    # a deal that stays (or ends) closed is refused before its `by:` is read
    current = stages.get(deal.stage)
    ends_in = (_check_stage(rest.stage, stages) if rest.stage else None) or current
    if ends_in is not None and ends_in.is_closed:
        closed = deal.stage if current is not None and current.is_closed else ends_in.name
        raise UsageError(t("{ref} is {stage}: a closed deal has no next step.", ref=deal.ref,
                           stage=stage_label(closed)))
    due_on = parse_by(args.by, today=today)
    if rest != DealUpdate(args.number):
        changed = _update(session, actor, deal, rest, now)
    else:
        changed = DealChanged(deal=view(deal, stages), changes=(), today=today)
    if not changed.deal.is_open:
        raise UsageError(t("{ref} is {stage}: a closed deal has no next step.", ref=deal.ref,
                           stage=stage_label(deal.stage)))
    follow_up = schedule_follow_up(
        session, owner=deal.owner, created_by=actor.member, text=args.next_step, due_on=due_on,
        customer=deal.customer, deal=deal, activity_id=None, now=now)
    return replace(changed, follow_up=follow_up)


def deal_detail(session: Session, actor: Actor, deal: Deal, now: datetime) -> DealDetail:
    stages = _stage_map(session, deal.workspace_id)
    ordered = [s for s in stages.values() if not s.is_closed]
    ordered.sort(key=lambda s: s.position)
    names = [s.name for s in ordered]
    next_stage = None
    if deal.stage in names and names.index(deal.stage) + 1 < len(names):
        next_stage = names[names.index(deal.stage) + 1]
    history = tuple(
        HistoryLine(h.changed_at.astimezone(ZoneInfo(actor.member.timezone)), h.changed_by.name,
                    h.field, h.old_value, h.new_value)
        for h in deal.history
    )
    acts = tuple(
        ActivityLine(a.occurred_on, a.type.value, a.member.name,
                     a.outcome.value if a.outcome else None, a.notes)
        for a in repo.activities.recent_activities(session, deal.id)
    )
    return DealDetail(
        deal=view(deal, stages), history=history, activities=acts,
        can_edit=can_edit_deal(actor, deal), next_stage=next_stage,
        stages=tuple(s.name for s in sorted(stages.values(), key=lambda s: s.position)),
        today=local_today(now, actor.member.timezone),
        forecast=workspace_categories(session, deal.workspace_id).of(
            deal.stage, deal.forecast_category),
        forecast_override=deal.forecast_category or None,
    )


def _list(args: DealList, session: Session, actor: Actor, now: datetime) -> DealListing:
    owner = actor.member
    if args.owner is not None:
        owner = resolve_mention(session, actor, args.owner, now)
        require_read_person(actor, owner, N_("open deals"))
    stages = _stage_map(session, actor.workspace.id)
    by_stage: dict[str, list[DealView]] = defaultdict(list)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    for deal in repo.deals.open_deals(session, owner.id):
        v = view(deal, stages)
        by_stage[v.stage].append(v)
        totals[v.currency] += v.amount
        weighted[v.currency] += v.weighted
    groups = tuple(
        StageGroup(s.name, s.probability_pct, tuple(by_stage[s.name]))
        for s in sorted(stages.values(), key=lambda s: s.position)
        if by_stage.get(s.name)
    )
    return DealListing(
        owner=owner.name, is_self=owner.id == actor.member.id, groups=groups,
        totals=dict(totals), weighted=dict(weighted),
        today=local_today(now, actor.member.timezone),
    )
