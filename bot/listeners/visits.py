"""The /visit form: opening it, suggesting customers as the user types, and logging it."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.dispatch import Deps, claimed, set_caller_locale, transaction
from bot.listeners.base import caller_of, guard, run_form, show_on_form
from bot.views.base import values
from bot.views.visits import NEW_CUSTOMER_PREFIX, VISIT_CALLBACK, VISIT_INPUTS, visit_form
from commands.core.access import customer_people
from commands.core.dates import local_today
from commands.core.errors import UserFacingError
from commands.core.i18n import t
from commands.deals.customers import suggest_customers
from commands.deals.visit import VisitArgs, parse_deal_ref
from storage.models import ActivityType, Outcome

# Slack's limits on an external select's options
OPTION_LABEL, OPTION_VALUE, OPTIONS = 75, 150, 100


def register(app: App, deps: Deps) -> None:
    """Listen for the visit form's customer type-ahead and its submission."""
    guard(app.options("customer"), customer_options, deps=deps)
    guard(app.view(VISIT_CALLBACK), submit_visit, deps=deps)


def open_visit_form(body: dict[str, Any], client: WebClient, deps: Deps, *,
                    notes: str | None = None) -> None:
    """Open the /visit form (once per click, command or shortcut), dated today where the
    user is; `notes` pre-filled (a message logged as a visit)."""
    caller = caller_of(body)
    with claimed(deps, caller, f"trigger:{body['trigger_id']}") as turn:
        if turn is None:
            return
        today = local_today(turn.now, turn.actor.member.timezone)
    client.views_open(trigger_id=body["trigger_id"],
                      view=visit_form(today=today, channel_id=caller.channel_id, notes=notes))


def customer_options(ack: Ack, body: dict[str, Any], deps: Deps) -> None:
    """Suggest customers as the user types; the typed name can be a new customer."""
    query = body.get("value", "").strip()
    with transaction(deps, caller_of(body)) as turn:
        names = suggest_customers(turn.session, turn.actor.workspace.id, query, limit=20,
                                  people=customer_people(turn.actor.member))
    options = [{"text": {"type": "plain_text", "text": n[:OPTION_LABEL]},
                "value": n[:OPTION_VALUE]} for n in names]
    if query and not any(n.casefold() == query.casefold() for n in names):
        options.append({"text": {"type": "plain_text",
                                 "text": t("New customer: {name}", name=query)[:OPTION_LABEL]},
                        "value": f"{NEW_CUSTOMER_PREFIX}{query}"[:OPTION_VALUE]})
    ack(options=options[:OPTIONS])


def visit_args(view: dict[str, Any]) -> VisitArgs:
    """The visit as the form describes it."""
    v = values(view)
    customer = v.get("customer") or ""
    deal, notes, outcome = v.get("deal"), v.get("notes"), v.get("outcome")
    deal_number = parse_deal_ref(deal) if deal else None
    return VisitArgs(
        words=(notes,) if notes else (),
        customer=customer.removeprefix(NEW_CUSTOMER_PREFIX),
        type=ActivityType(v.get("type") or "visit"),
        outcome=Outcome(outcome) if outcome else None,
        on=v.get("on"), next_step=v.get("next") or None, by=v.get("by") or None,
        deal_number=deal_number,
        new_customer=customer.startswith(NEW_CUSTOMER_PREFIX),
    )


def submit_visit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                 deps: Deps) -> None:
    """Log the visit from the form, or show what is wrong next to the field."""
    set_caller_locale(deps, caller_of(body))  # a form error is in their language
    try:
        args = visit_args(view)
    except UserFacingError as exc:
        show_on_form(ack, exc, VISIT_INPUTS, default="customer")
        return
    run_form(ack, body, view, client, deps, "visit", args, inputs=VISIT_INPUTS,
             default="customer")
