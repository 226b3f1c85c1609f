"""Replies about deals and visits: /visit, /deal (a change, a card, a list) and /pipeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DividerBlock,
    SectionBlock,
    StaticSelectElement,
)

from bot.render.base import (
    Reply,
    context,
    currency_notes,
    escape,
    pct,
    render,
    sections,
    text_reply,
)
from bot.render.followups import closed_by_visit, keep_open_buttons, next_step_line
from bot.views.deals import forecast_options
from commands.core.dates import format_day, on_day
from commands.core.money import format_money
from commands.core.text import plural
from commands.deals.deal import DealChanged, DealDetail, DealListing, DealView
from commands.deals.pipeline import PipelineResult
from commands.deals.visit import VisitResult
from commands.forecast.categories import AUTO


@render.register
def render_visit(r: VisitResult) -> Reply:
    article = "an" if r.type.value[0] in "aeiou" else "a"
    what = "a visit to" if r.type.value == "visit" else f"{article} {r.type.value} with"
    line = f":white_check_mark: Logged {what} *{escape(r.customer)}* ({r.tier.value}) " \
           f"{on_day(r.occurred_on, r.today)}"
    if r.outcome:
        line += f" — {r.outcome.value}"
    lines = [line + "."]
    if r.notes:
        lines.append("> " + escape(r.notes).replace("\n", "\n> "))
    extra = []
    if r.next_step:
        extra.append(f"Next step: {escape(r.next_step)}" + (
            f" — follow-up {r.follow_up.ref} due {format_day(r.follow_up.due_on, r.today)}"
            if r.follow_up else ""))
    if r.deal_ref:
        extra.append(f"Deal {r.deal_ref}")
    if extra:
        lines.append(" · ".join(extra))
    if r.closed_follow_up:
        lines.append(closed_by_visit(r.closed_follow_up))
    if r.customer_created:
        lines.append(
            f":new: *{escape(r.customer)}* is a new customer, tier {r.tier.value}."
            + ("" if r.tier_given else
               " Set the tier with `tier:A`, `tier:B` or `tier:C` on your next visit.")
        )
    text = "\n".join(lines)
    if r.closed_follow_up is None:
        return text_reply(text)
    return Reply(text=text, blocks=[*sections(text), keep_open_buttons(r.closed_follow_up)])



def _close(d: DealView, today: Any = None) -> str:
    if d.expected_close is None:
        return "no close date"
    return f"closes {format_day(d.expected_close, today)}"


def deal_line(d: DealView, today: Any = None) -> str:
    return (f"*{d.ref}* {escape(d.name)} · {escape(d.customer)} · "
            f"{format_money(d.amount, d.currency)} · {_close(d, today)}")


_FIELD_NAMES = {"stage": "stage", "amount": "amount", "close": "close date", "name": "name"}


@render.register
def render_deal_changed(r: DealChanged) -> Reply:
    d = r.deal
    if r.created:
        text = (f":sparkles: Created *{d.ref}* {escape(d.name)} for *{escape(d.customer)}*: "
                f"{format_money(d.amount, d.currency)}, {d.stage} ({d.probability_pct}%), "
                f"{_close(d, r.today)}.")
        if r.customer_created:
            text += f"\n:new: *{escape(d.customer)}* is a new customer (tier {r.customer_tier})."
        # the hint moves the deal on from where it is, never to the stage it is already in
        if d.is_won or d.stage == "lost":
            text += f"\nSee it with `/deal {d.ref}`."
        else:
            move = "won" if d.stage == "negotiation" else "stage:negotiation"
            text += f"\nUpdate it with `/deal {d.ref} {move}`, see it with `/deal {d.ref}`."
        return text_reply(text)
    if d.is_won and any(c.field == "stage" for c in r.changes):
        return text_reply(f":tada: *{d.ref}* {escape(d.name)} is won: "
                          f"{format_money(d.amount, d.currency)} from {escape(d.customer)}.")
    if not d.is_open and d.lost_reason is not None and any(c.field == "stage" for c in r.changes):
        return text_reply(f"*{d.ref}* {escape(d.name)} is marked lost "
                          f"(reason: {escape(d.lost_reason)}).")
    parts = []
    for c in r.changes:
        if c.field == "reason":
            continue
        label = _FIELD_NAMES.get(c.field, c.field)
        parts.append(f"{label} {_value(c.field, c.old)} → {_value(c.field, c.new)}")
    lines = [f":pencil2: Updated *{d.ref}* {escape(d.name)}: " + "; ".join(parts) + "."] \
        if parts else []
    if r.follow_up:
        lines.append(next_step_line(d.ref, r.follow_up, r.today))
    return text_reply("\n".join(lines))


def _value(field_name: str, value: str | None) -> str:
    if value is None:
        return "none"
    if field_name == "amount":
        number, _, currency = value.partition(" ")
        return format_money(Decimal(number), currency)
    return escape(value)


@render.register
def render_deal_detail(r: DealDetail) -> Reply:
    d = r.deal
    status = d.stage if d.is_open else (
        "won" if d.is_won else f"lost ({escape(d.lost_reason or '')})"
    )
    head = (f"*{d.ref} {escape(d.name)}*\n{escape(d.customer)} · owner {escape(d.owner)}\n"
            f"{format_money(d.amount, d.currency)} · {status} ({d.probability_pct}%) · "
            f"{_close(d, r.today)}")
    if r.forecast:
        head += f"\nForecast: {r.forecast.replace('_', ' ')}" + (
            "" if r.forecast_override or not d.is_open else " (the stage's default)")
    history = [
        f"• {h.when:%Y-%m-%d} {escape(h.who)}: {_FIELD_NAMES.get(h.field, h.field)} "
        + (f"{_value(h.field, h.old)} → " if h.old is not None else "set to ")
        + _value(h.field, h.new)
        for h in r.history[-10:]
    ]
    acts = [
        f"• {format_day(a.on, r.today)} {a.type} by {escape(a.who)}"
        + (f" ({a.outcome})" if a.outcome else "") + (f": {escape(a.notes)}" if a.notes else "")
        for a in r.activities
    ]
    text = head + "\n\n*History*\n" + ("\n".join(history) or "none")
    text += "\n\n*Recent activity*\n" + ("\n".join(acts) or "none logged yet")
    blocks = sections(head)
    blocks.append(DividerBlock())
    blocks += sections("*History*\n" + ("\n".join(history) or "none"))
    blocks += sections("*Recent activity*\n" + ("\n".join(acts) or "none logged yet"))
    if r.can_edit and d.is_open:
        number = d.ref.removeprefix("D-")
        buttons = []
        if r.next_stage:
            buttons.append(ButtonElement(text=f"Advance to {r.next_stage}",
                                         action_id="deal_advance",
                                         value=f"{number}:{r.next_stage}"))
        buttons += [
            ButtonElement(text="Won", action_id="deal_won", value=number, style="primary"),
            ButtonElement(text="Lost", action_id="deal_lost", value=number, style="danger"),
            ButtonElement(text="Edit", action_id="deal_edit", value=number),
        ]
        blocks.append(ActionsBlock(block_id="deal_actions", elements=buttons))
        blocks.append(SectionBlock(block_id="deal_forecast", text="*Forecast category*",
                                   accessory=_forecast_select(number, r.forecast_override)))
    return Reply(text=text, blocks=blocks)


def _forecast_select(number: str, override: str | None) -> StaticSelectElement:
    """The card's forecast category picker; its value carries the deal's number."""
    picks = forecast_options(f"{number}:")
    current = f"{number}:{override or AUTO[0]}"
    return StaticSelectElement(action_id="deal_forecast", placeholder="Forecast category",
                               options=picks,
                               initial_option=next(o for o in picks if o.value == current))


def _totals(amounts: dict[str, Decimal]) -> str:
    """Amounts per currency, listed side by side: two currencies never make one figure."""
    texts = [format_money(v, c) for c, v in sorted(amounts.items())]
    if len(texts) < 2:
        return texts[0] if texts else "0"
    return ", ".join(texts[:-1]) + " and " + texts[-1]


@render.register
def render_deal_list(r: DealListing) -> Reply:
    whose = "Your" if r.is_self else f"{escape(r.owner)}'s"
    if not r.groups:
        return text_reply(f"{whose} open deals: none. Create one with "
                          '`/deal new "Acme renewal" customer:"Acme Corp" amount:120k`.')
    parts = [f"*{whose} open deals*"]
    for g in r.groups:
        by_cur: dict[str, Decimal] = {}
        for d in g.deals:
            by_cur[d.currency] = by_cur.get(d.currency, Decimal(0)) + d.amount
        parts.append(f"\n*{g.stage}* ({g.probability_pct}%) — {plural(len(g.deals), 'deal')}, "
                     f"{_totals(by_cur)}")
        parts += [f"• {deal_line(d, r.today)}" for d in g.deals]
    footer = f"Open total {_totals(r.totals)} · weighted {_totals(r.weighted)}"
    text = "\n".join(parts) + "\n\n" + footer
    blocks = sections("\n".join(parts))
    blocks.append(context(footer))
    return Reply(text=text, blocks=blocks)



@render.register
def render_pipeline(r: PipelineResult) -> Reply:
    cur = r.currency
    lines = [f"*Pipeline of {escape(r.scope_name)}*"]
    for s in r.lines:
        lines.append(f"• *{s.stage}*: {plural(s.count, 'deal')}, "
                     f"{format_money(s.amount, cur)} × {pct(s.probability)} = "
                     f"{format_money(s.weighted, cur)}")
    source = (f"historical stage-to-won rates ({r.closed_deals} closed deals)"
              if r.probability_source == "history"
              else "configured stage probabilities: fewer than 20 closed deals")
    lines.append(f"Open {format_money(r.total, cur)} · weighted {format_money(r.weighted, cur)}"
                 f" _({source})_")
    lines.append(f"Closing in {r.period.label}: {format_money(r.closing_in_period, cur)}"
                 + "".join(f"\n   {ref} {escape(name)} {format_money(a, cur)}"
                           for ref, name, a in r.closing_deals)
                 + (f"\n   …and {plural(r.closing_more[0], 'more deal')}, "
                    f"{format_money(r.closing_more[1], cur)}" if r.closing_more[0] else ""))
    if r.remaining_target is None:
        lines.append(f"No revenue target covers {r.period.label}: coverage unknown.")
    else:
        cov = "–" if r.coverage is None else f"{r.coverage:.2f}×"
        need = (1 / r.win_rate).quantize(Decimal("0.1"))
        verdict = f":white_check_mark: healthy (needs {need}×)" if r.healthy else \
            f":warning: below the {need}× a {pct(r.win_rate)} win rate needs"
        lines.append(f"Remaining target {format_money(r.remaining_target, cur)} · coverage "
                     f"{cov} {verdict}")
        if r.win is not None:
            lines.append(f"_Win rate: {escape(r.win.describe())}._")
    lines += currency_notes(r.converted, r.left_out, cur)
    return text_reply("\n".join(lines))


