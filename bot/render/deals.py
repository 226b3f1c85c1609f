"""Replies about deals and visits: /visit, /deal (a change, a card, a list) and /pipeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
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
from commands.core.i18n import BABEL_LOCALE, current_locale, joined, listed, t, tn, tp
from commands.core.money import format_money
from commands.deals.deal import (
    ActivityLine,
    DealChanged,
    DealDetail,
    DealListing,
    DealView,
    HistoryLine,
)
from commands.deals.labels import (
    forecast_label,
    forecast_value,
    outcome_label,
    stage_label,
    type_label,
)
from commands.deals.pipeline import PipelineResult
from commands.deals.visit import VisitResult
from commands.forecast.categories import AUTO
from commands.plan.names import period_name


def _logged(r: VisitResult) -> str:
    """The sentence saying what was logged, in its own words for each type of activity."""
    values = {"customer": escape(r.customer), "tier": r.tier.value,
              "when": on_day(r.occurred_on, r.today)}
    kind = r.type.value
    if r.outcome is not None:
        outcome = outcome_label(r.outcome.value)
        if kind == "call":
            return t("Logged a call with *{customer}* ({tier}) {when} — {outcome}.",
                     outcome=outcome, **values)
        if kind == "demo":
            return t("Logged a demo with *{customer}* ({tier}) {when} — {outcome}.",
                     outcome=outcome, **values)
        if kind == "meeting":
            return t("Logged a meeting with *{customer}* ({tier}) {when} — {outcome}.",
                     outcome=outcome, **values)
        if kind == "email":
            return t("Logged an email with *{customer}* ({tier}) {when} — {outcome}.",
                     outcome=outcome, **values)
        return t("Logged a visit to *{customer}* ({tier}) {when} — {outcome}.",
                 outcome=outcome, **values)
    if kind == "call":
        return t("Logged a call with *{customer}* ({tier}) {when}.", **values)
    if kind == "demo":
        return t("Logged a demo with *{customer}* ({tier}) {when}.", **values)
    if kind == "meeting":
        return t("Logged a meeting with *{customer}* ({tier}) {when}.", **values)
    if kind == "email":
        return t("Logged an email with *{customer}* ({tier}) {when}.", **values)
    return t("Logged a visit to *{customer}* ({tier}) {when}.", **values)


@render.register
def render_visit(r: VisitResult) -> Reply:
    lines = [":white_check_mark: " + _logged(r)]
    if r.notes:
        lines.append("> " + escape(r.notes).replace("\n", "\n> "))
    extra = []
    if r.next_step:
        if r.follow_up:
            extra.append(t("Next step: {step} — follow-up {ref} due {day}",
                           step=escape(r.next_step), ref=r.follow_up.ref,
                           day=format_day(r.follow_up.due_on, r.today)))
        else:
            extra.append(t("Next step: {step}", step=escape(r.next_step)))
    if r.deal_ref:
        extra.append(t("Deal {ref}", ref=r.deal_ref))
    if extra:
        lines.append(" · ".join(extra))
    if r.closed_follow_up:
        lines.append(closed_by_visit(r.closed_follow_up))
    if r.customer_created:
        if r.tier_given:
            lines.append(t(":new: *{customer}* is a new customer, tier {tier}.",
                           customer=escape(r.customer), tier=r.tier.value))
        else:
            lines.append(t(":new: *{customer}* is a new customer, tier {tier}. Set the tier "
                           "with `tier:A`, `tier:B` or `tier:C` on your next visit.",
                           customer=escape(r.customer), tier=r.tier.value))
    text = "\n".join(lines)
    if r.closed_follow_up is None:
        return text_reply(text)
    return Reply(text=text, blocks=[*sections(text), keep_open_buttons(r.closed_follow_up)])


def _close(d: DealView, today: Any = None) -> str:
    if d.expected_close is None:
        return t("no close date")
    return t("closes {day}", day=format_day(d.expected_close, today))


def deal_line(d: DealView, today: Any = None) -> str:
    return (f"*{d.ref}* {escape(d.name)} · {escape(d.customer)} · "
            f"{format_money(d.amount, d.currency)} · {_close(d, today)}")


def _field_name(name: str) -> str:
    """A deal's field as a change or its history names it."""
    names = {
        "stage": tp("deal field", "stage"),
        "amount": tp("deal field", "amount"),
        "close": tp("deal field", "close date"),
        "name": tp("deal field", "name"),
        "forecast": tp("deal field", "forecast"),
        "reason": tp("deal field", "reason"),
    }
    return names.get(name, name)


def _separated(parts: list[str]) -> str:
    return joined(parts)


def _colon() -> str:
    """What follows a name before what they did: ": " (full width in Chinese)."""
    return "：" if current_locale() == "zh" else ": "


@render.register
def render_deal_changed(r: DealChanged) -> Reply:
    d = r.deal
    if r.created:
        text = ":sparkles: " + t(
            "Created *{ref}* {name} for *{customer}*: {amount}, {stage} ({pct}%), {close}.",
            ref=d.ref, name=escape(d.name), customer=escape(d.customer),
            amount=format_money(d.amount, d.currency), stage=stage_label(d.stage),
            pct=d.probability_pct, close=_close(d, r.today))
        if r.customer_created:
            text += "\n" + t(":new: *{customer}* is a new customer (tier {tier}).",
                             customer=escape(d.customer), tier=r.customer_tier)
        # the hint moves the deal on from where it is, never to the stage it is already in
        if d.is_won or d.stage == "lost":
            text += "\n" + t("See it with `/deal {ref}`.", ref=d.ref)
        elif d.stage == "negotiation":
            text += "\n" + t("Update it with `/deal {ref} won`, see it with `/deal {ref}`.",
                             ref=d.ref)
        else:
            text += "\n" + t("Update it with `/deal {ref} stage:negotiation`, see it with "
                             "`/deal {ref}`.", ref=d.ref)
        return text_reply(text)
    if d.is_won and any(c.field == "stage" for c in r.changes):
        return text_reply(":tada: " + t("*{ref}* {name} is won: {amount} from {customer}.",
                                        ref=d.ref, name=escape(d.name),
                                        amount=format_money(d.amount, d.currency),
                                        customer=escape(d.customer)))
    if not d.is_open and d.lost_reason is not None and any(c.field == "stage" for c in r.changes):
        return text_reply(t("*{ref}* {name} is marked lost (reason: {reason}).", ref=d.ref,
                            name=escape(d.name), reason=escape(d.lost_reason)))
    parts = [f"{_field_name(c.field)} {_value(c.field, c.old)} → {_value(c.field, c.new)}"
             for c in r.changes if c.field != "reason"]
    lines = [":pencil2: " + t("Updated *{ref}* {name}: {changes}.", ref=d.ref,
                              name=escape(d.name), changes=_separated(parts))] if parts else []
    if r.follow_up:
        lines.append(next_step_line(d.ref, r.follow_up, r.today))
    return text_reply("\n".join(lines))


def _stamp(d: date) -> str:
    """A day in a deal's history: 2026-11-20 (2026年11月20日 in Chinese)."""
    lang = current_locale()
    return format_date(d, "y年M月d日" if lang == "zh" else "yyyy-MM-dd",
                       locale=BABEL_LOCALE[lang])


def _value(field_name: str, value: str | None) -> str:
    if value is None:
        return tp("deal field value", "none")
    if field_name == "amount":
        number, _, currency = value.partition(" ")
        return format_money(Decimal(number), currency)
    if field_name == "stage":
        return escape(stage_label(value))
    if field_name == "forecast":
        return escape(forecast_value(value))
    if field_name == "close":
        try:
            return _stamp(date.fromisoformat(value))
        except ValueError:
            return escape(value)
    return escape(value)


def _history_line(h: HistoryLine) -> str:
    field = _field_name(h.field)
    change = (f"{field} {_value(h.field, h.old)} → {_value(h.field, h.new)}" if h.old is not None
              else t("{field} set to {value}", field=field, value=_value(h.field, h.new)))
    return f"• {_stamp(h.when.date())} {escape(h.who)}{_colon()}{change}"


def _activity_line(a: ActivityLine, today: date) -> str:
    values = {"day": format_day(a.on, today), "type": type_label(a.type), "who": escape(a.who)}
    line = (t("{day} {type} by {who} ({outcome})", outcome=outcome_label(a.outcome), **values)
            if a.outcome else t("{day} {type} by {who}", **values))
    if a.notes:
        line += _colon() + escape(a.notes)
    return "• " + line


@render.register
def render_deal_detail(r: DealDetail) -> Reply:
    d = r.deal
    status = stage_label(d.stage) if d.is_open else (
        stage_label("won") if d.is_won else t("lost ({reason})",
                                              reason=escape(d.lost_reason or ""))
    )
    head = (f"*{d.ref} {escape(d.name)}*\n{escape(d.customer)} · "
            + t("owner {owner}", owner=escape(d.owner)) + "\n"
            f"{format_money(d.amount, d.currency)} · {status} ({d.probability_pct}%) · "
            f"{_close(d, r.today)}")
    if r.forecast:
        category = forecast_label(r.forecast)
        head += "\n" + (t("Forecast: {category}", category=category)
                        if r.forecast_override or not d.is_open
                        else t("Forecast: {category} (the stage's default)", category=category))
    history = [_history_line(h) for h in r.history[-10:]]
    acts = [_activity_line(a, r.today) for a in r.activities]
    history_text = t("*History*") + "\n" + ("\n".join(history) or tp("history", "none"))
    acts_text = t("*Recent activity*") + "\n" + ("\n".join(acts) or t("none logged yet"))
    text = head + "\n\n" + history_text + "\n\n" + acts_text
    blocks = sections(head)
    blocks.append(DividerBlock())
    blocks += sections(history_text)
    blocks += sections(acts_text)
    if r.can_edit and d.is_open:
        number = d.ref.removeprefix("D-")
        buttons = []
        if r.next_stage:
            buttons.append(ButtonElement(text=t("Advance to {stage}",
                                                stage=stage_label(r.next_stage)),
                                         action_id="deal_advance",
                                         value=f"{number}:{r.next_stage}"))
        buttons += [
            ButtonElement(text=tp("button", "Won"), action_id="deal_won", value=number,
                          style="primary"),
            ButtonElement(text=tp("button", "Lost"), action_id="deal_lost", value=number,
                          style="danger"),
            ButtonElement(text=tp("button", "Edit"), action_id="deal_edit", value=number),
        ]
        blocks.append(ActionsBlock(block_id="deal_actions", elements=buttons))
        blocks.append(SectionBlock(block_id="deal_forecast", text=t("*Forecast category*"),
                                   accessory=_forecast_select(number, r.forecast_override)))
    return Reply(text=text, blocks=blocks)


def _forecast_select(number: str, override: str | None) -> StaticSelectElement:
    """The card's forecast category picker; its value carries the deal's number."""
    picks = forecast_options(f"{number}:")
    current = f"{number}:{override or AUTO[0]}"
    return StaticSelectElement(action_id="deal_forecast", placeholder=t("Forecast category"),
                               options=picks,
                               initial_option=next(o for o in picks if o.value == current))


def _totals(amounts: dict[str, Decimal]) -> str:
    """Amounts per currency, listed side by side: two currencies never make one figure."""
    texts = [format_money(v, c) for c, v in sorted(amounts.items())]
    if len(texts) < 2:
        return texts[0] if texts else "0"
    return t("{amounts} and {last}", amounts=listed(
        texts[:-1]), last=texts[-1])


@render.register
def render_deal_list(r: DealListing) -> Reply:
    owner = escape(r.owner)
    if not r.groups:
        return text_reply(
            t('Your open deals: none. Create one with '
              '`/deal new "Acme renewal" customer:"Acme Corp" amount:120k`.') if r.is_self
            else t("{owner}'s open deals: none. Create one with "
                   '`/deal new "Acme renewal" customer:"Acme Corp" amount:120k`.', owner=owner))
    parts = [t("*Your open deals*") if r.is_self else t("*{owner}'s open deals*", owner=owner)]
    for g in r.groups:
        by_cur: dict[str, Decimal] = {}
        for d in g.deals:
            by_cur[d.currency] = by_cur.get(d.currency, Decimal(0)) + d.amount
        parts.append("\n" + tn("*{stage}* ({pct}%) — {n} deal, {total}",
                               "*{stage}* ({pct}%) — {n} deals, {total}", len(g.deals),
                               stage=stage_label(g.stage), pct=g.probability_pct,
                               total=_totals(by_cur)))
        parts += [f"• {deal_line(d, r.today)}" for d in g.deals]
    footer = t("Open total {total} · weighted {weighted}", total=_totals(r.totals),
               weighted=_totals(r.weighted))
    text = "\n".join(parts) + "\n\n" + footer
    blocks = sections("\n".join(parts))
    blocks.append(context(footer))
    return Reply(text=text, blocks=blocks)


def _coverage_line(r: PipelineResult) -> str:
    cur = r.currency
    assert r.remaining_target is not None
    cov = "–" if r.coverage is None else f"{r.coverage:.2f}×"
    need = (1 / r.win_rate).quantize(Decimal("0.1"))
    values = {"remaining": format_money(r.remaining_target, cur), "coverage": cov,
              "need": need}
    if r.healthy:
        return t("Remaining target {remaining} · coverage {coverage} :white_check_mark: healthy "
                 "(needs {need}×)", **values)
    return t("Remaining target {remaining} · coverage {coverage} :warning: below the {need}× a "
             "{rate} win rate needs", rate=pct(r.win_rate), **values)


@render.register
def render_pipeline(r: PipelineResult) -> Reply:
    cur = r.currency
    lines = [t("*Pipeline of {scope}*", scope=escape(r.scope_name))]
    for s in r.lines:
        lines.append("• " + tn("*{stage}*: {n} deal, {amount} × {probability} = {weighted}",
                               "*{stage}*: {n} deals, {amount} × {probability} = {weighted}",
                               s.count, stage=stage_label(s.stage),
                               amount=format_money(s.amount, cur),
                               probability=pct(s.probability),
                               weighted=format_money(s.weighted, cur)))
    source = (tn("historical stage-to-won rates ({n} closed deal)",
                 "historical stage-to-won rates ({n} closed deals)", r.closed_deals)
              if r.probability_source == "history"
              else t("configured stage probabilities: fewer than 20 closed deals"))
    lines.append(t("Open {total} · weighted {weighted} _({source})_",
                   total=format_money(r.total, cur), weighted=format_money(r.weighted, cur),
                   source=source))
    lines.append(t("Closing in {period}: {amount}", period=period_name(r.period),
                   amount=format_money(r.closing_in_period, cur))
                 + "".join(f"\n   {ref} {escape(name)} {format_money(a, cur)}"
                           for ref, name, a in r.closing_deals)
                 + ("\n   " + tn("…and {n} more deal, {amount}", "…and {n} more deals, {amount}",
                                r.closing_more[0], amount=format_money(r.closing_more[1], cur))
                    if r.closing_more[0] else ""))
    if r.remaining_target is None:
        lines.append(t("No revenue target covers {period}: coverage unknown.",
                       period=period_name(r.period)))
    else:
        lines.append(_coverage_line(r))
        if r.win is not None:
            lines.append(t("_Win rate: {rate}._", rate=escape(r.win.describe())))
    lines += currency_notes(r.converted, r.left_out, cur)
    return text_reply("\n".join(lines))
