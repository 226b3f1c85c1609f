"""The deal card's buttons (Advance, Won, Lost, Edit) and the forms they open."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.dispatch import (
    Caller,
    Deps,
    execute_args,
    set_caller_locale,
    transaction,
)
from bot.listeners.base import (
    FORM_ERROR_LIMIT,
    action_key,
    button_value,
    caller_of,
    deal_and_stage,
    form_meta,
    guard,
    meta_field,
    notify,
    record_number,
    run_form,
    send,
    show_on_form,
    view_key,
)
from bot.views.base import values
from bot.views.deals import (
    DEAL_EDIT_CALLBACK,
    DEAL_EDIT_INPUTS,
    DEAL_LOST_CALLBACK,
    FORECAST_CHOICES,
    deal_edit_form,
    deal_lost_form,
)
from commands.core.errors import UserFacingError
from commands.core.i18n import N_, t
from commands.core.money import parse_amount, parse_currency
from commands.deals.deal import (
    DealDetail,
    DealLost,
    DealShow,
    DealUpdate,
    DealWon,
    NothingChanged,
    editable_deal,
)

LOST_WITHOUT_REASON = N_("Say why it was lost.")


def register(app: App, deps: Deps) -> None:
    """Listen for the deal card's buttons and the deal forms."""
    guard(app.action("deal_advance"), advance, deps=deps)
    guard(app.action("deal_won"), won, deps=deps)
    guard(app.action("deal_lost"), lost, deps=deps)
    guard(app.view(DEAL_LOST_CALLBACK), submit_lost, deps=deps)
    guard(app.action("deal_edit"), edit, deps=deps)
    guard(app.view(DEAL_EDIT_CALLBACK), submit_edit, deps=deps)
    guard(app.action("deal_forecast"), forecast, deps=deps)


def refresh_card(respond: Respond, caller: Caller, number: int, deps: Deps) -> None:
    """Draw the deal's card again, in place of the one whose button was pressed."""
    card = execute_args(deps, caller, "deal", DealShow(number))
    if card is not None:
        respond(**card.as_message(), replace_original=True)


def advance(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
            deps: Deps) -> None:
    """Move the deal to the next stage."""
    ack()
    number, stage = button_value(action, deal_and_stage)
    caller = caller_of(body)
    execute_args(deps, caller, "deal", DealUpdate(number, stage=stage),
                 request_key=action_key(body))
    refresh_card(respond, caller, number, deps)


def won(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
        deps: Deps) -> None:
    """Mark the deal won."""
    ack()
    caller = caller_of(body)
    number = button_value(action, record_number)
    reply = execute_args(deps, caller, "deal", DealWon(number), request_key=action_key(body))
    refresh_card(respond, caller, number, deps)
    send(respond, reply, replace_original=False)


def deal_and_category(value: str) -> tuple[int, str]:
    """The card's forecast select's value: the deal's number and the category picked."""
    number, _, category = value.partition(":")
    if category not in FORECAST_CHOICES:
        raise ValueError(f"not a forecast category: {category[:20]!r}")
    return record_number(number), category


def forecast(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
             deps: Deps) -> None:
    """Put the deal in the forecast category picked on its card (`auto`: its stage's)."""
    ack()
    number, category = button_value(
        {"value": (action.get("selected_option") or {}).get("value")}, deal_and_category)
    caller = caller_of(body)
    reply = execute_args(deps, caller, "deal", DealUpdate(number, forecast=category),
                         request_key=action_key(body))
    refresh_card(respond, caller, number, deps)
    send(respond, reply, replace_original=False)


def deal_to_change(caller: Caller, number: int, deps: Deps) -> DealDetail:
    """The deal behind a Lost or Edit button, if `caller` may change it; the form that
    follows is in `caller`'s language."""
    with transaction(deps, caller) as turn:
        return editable_deal(turn.session, turn.actor, number, turn.now)


def lost(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
         deps: Deps) -> None:
    """Ask why the deal was lost."""
    ack()
    number = button_value(action, record_number)
    deal_to_change(caller_of(body), number, deps)  # refuse before the form, not after
    client.views_open(trigger_id=body["trigger_id"],
                      view=deal_lost_form(str(number), caller_of(body).channel_id))


def submit_lost(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                deps: Deps) -> None:
    """Mark the deal lost with the reason given."""
    number = meta_field(form_meta(view), "number", record_number)
    reason = (values(view).get("reason") or "").strip()
    if not reason:
        set_caller_locale(deps, caller_of(body))
        ack(response_action="errors", errors={"reason": t(LOST_WITHOUT_REASON)})
        return
    run_form(ack, body, view, client, deps, "deal", DealLost(number, reason),
             inputs=("reason",), default="reason")


def edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
         deps: Deps) -> None:
    """Open the deal in an edit form."""
    ack()
    caller = caller_of(body)
    detail = deal_to_change(caller, button_value(action, record_number), deps)
    client.views_open(trigger_id=body["trigger_id"],
                      view=deal_edit_form(detail.deal, detail.stages, caller.channel_id,
                                          detail.forecast_override))


def edited_deal(number: int, view: dict[str, Any]) -> DealUpdate | dict[str, str]:
    """The deal's fields as the edit form holds them, or the errors to show on the amount
    and the currency when they do not read."""
    v = values(view)
    errors: dict[str, str] = {}
    amount = currency = None
    try:
        amount = parse_amount(v.get("amount") or "")
    except UserFacingError as exc:
        errors[exc.field or "amount"] = exc.message[:FORM_ERROR_LIMIT]
    try:
        currency = parse_currency(v.get("currency") or "")
    except UserFacingError as exc:
        errors[exc.field or "currency"] = exc.message[:FORM_ERROR_LIMIT]
    if errors:
        return errors
    picked = v.get("forecast")
    return DealUpdate(number, stage=v.get("stage"), amount=amount, currency=currency,
                      close=v.get("close"), name=v.get("name"),
                      forecast=picked if picked in FORECAST_CHOICES else None)


def submit_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                deps: Deps) -> None:
    """Save the edited deal fields; only what changed is recorded."""
    args = edited_deal(meta_field(form_meta(view), "number", record_number), view)
    if not isinstance(args, DealUpdate):
        ack(response_action="errors", errors=args)
        return
    try:
        reply = execute_args(deps, caller_of(body), "deal", args, request_key=view_key(view))
    except NothingChanged:
        ack()
        return
    except UserFacingError as exc:
        show_on_form(ack, exc, DEAL_EDIT_INPUTS, default="name")
        return
    ack()
    notify(client, caller_of(body), reply)
