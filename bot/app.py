"""The Bolt app: create_app() wires every listener to the shared command path."""

from __future__ import annotations

import inspect
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from slack_bolt import Ack, App, BoltResponse, Respond
from slack_bolt.kwargs_injection.args import Args
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.dispatch import Caller, Deps, actor_for, execute, execute_args
from bot.render.base import MAX_BLOCKS, Reply, error_reply, text_reply
from bot.render.home import HOME_LOG_VISIT, HOME_REFRESH, home_view
from bot.render.standup import ANSWER_ACTION, AWAY_ACTION, SKIP_ACTION
from bot.render.warnings import ACK_ACTION, SNOOZE_ACTIONS, acknowledged_blocks, render_acted
from bot.standup_views import (
    STANDUP_ANSWER_CALLBACK,
    STANDUP_AWAY_CALLBACK,
    standup_answer_form,
    standup_away_form,
)
from bot.views import (
    DEAL_EDIT_CALLBACK,
    DEAL_LOST_CALLBACK,
    NEW_CUSTOMER_PREFIX,
    VISIT_CALLBACK,
    deal_edit_form,
    deal_lost_form,
    values,
    visit_form,
)
from bot.warning_render import WARNING_SNOOZE_CALLBACK, snooze_form
from commands.core.access import customer_people
from commands.core.actors import Profile, require_deal_edit
from commands.core.dates import local_today
from commands.core.errors import UsageError, UserFacingError
from commands.core.money import parse_amount, parse_currency
from commands.deals.customers import suggest_customers
from commands.deals.deal import DealDetail, DealLost, DealUpdate, deal_detail
from commands.deals.visit import VisitArgs, load_deal, parse_deal_ref
from commands.dispatch import COMMANDS
from commands.standup.answers import StandupAnswerArgs, StandupAway, StandupSkip
from commands.standup.draft import standup_draft
from commands.team.home import run_home
from commands.team.sales import join_team_channel
from commands.warnings.warnings import (
    acknowledge_warning,
    parse_warning_value,
    snooze_warning,
    warning_to_snooze,
)
from storage.models import ActivityType, Outcome
from storage.repo.claims import claim_once, keep_reply, kept_reply

log = logging.getLogger(__name__)
T = TypeVar("T")
LISTENER_THREADS = 32
# Slack waits 3 s for a slash command's acknowledgement. A command answered by then has its
# reply in the acknowledgement; one that waited QUEUE_WAIT_S for room in the workers' queue
# still has the rest of the time to run.
ANSWER_WITHIN_S = 2.0
QUEUE_WAIT_S = 1.0


@dataclass(frozen=True)
class Answer:
    """A slash command's reply as Slack takes it: the message, and files for the caller's DM.

    Plain data, so a command worker process can send it back to the web process.
    """

    message: dict[str, Any]
    files: tuple[tuple[str, bytes], ...] = ()


class Offload(Protocol):
    """Somewhere else to run slash commands (bot.workers.CommandWorkers)."""

    def submit(self, body: dict[str, Any], now: datetime, wait: float,
               run_here: Callable[[], Answer | None]) -> Future[Answer | None] | None:
        """Queue the command once there is room, waiting up to `wait` seconds; None when
        there was none and it must be run here. `run_here` answers it in this process if
        the worker running it dies."""
        ...


class SlackDirectory:
    """Looks people up with users.info; remembers what it learned."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._cache: dict[str, Profile | None] = {}

    def lookup(self, user_id: str) -> Profile | None:
        if user_id not in self._cache:
            try:
                user = self.client.users_info(user=user_id)["user"]
            except SlackApiError as exc:
                log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
                return None
            profile = user.get("profile") or {}
            name = profile.get("display_name") or user.get("real_name") or user.get("name") or ""
            self._cache[user_id] = Profile(name=name, timezone=user.get("tz"))
        return self._cache[user_id]


def create_app(
    deps: Deps,
    *,
    token: str | None,
    signing_secret: str | None,
    api_url: str | None = None,
    verify_token: bool = True,
    workers: Offload | None = None,
    oauth: OAuthSettings | None = None,
) -> App:
    """Build the Bolt app; `api_url` points every Web API call at another base URL.

    With `workers`, slash commands are acknowledged here and run in worker processes.
    With `oauth` (bot.oauth), salesbot is installed through Slack's install flow: each
    workspace's requests carry its own token, and `deps.directories` looks people up.
    """
    client = WebClient(token=token, base_url=api_url) if api_url else WebClient(token=token)
    app = App(
        signing_secret=signing_secret,
        client=client,
        oauth_settings=oauth,
        installation_store_bot_only=True if oauth is not None else None,
        token_verification_enabled=verify_token and oauth is None,
        process_before_response=False,
        # Listeners hold a thread through their reply to Slack; with Bolt's default of 5, a
        # slow response_url would hold up the acknowledgement of the next requests.
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                             thread_name_prefix="salesbot-listener"),
    )
    one_workspace = oauth is None and verify_token and token
    installed = client.auth_test().get("team_id") if one_workspace else None
    app.use(only_workspace(installed))  # with oauth, Bolt refuses workspaces not installed
    if oauth is None:
        deps.directory = SlackDirectory(client)
    else:
        from bot.oauth import register_uninstall

        register_uninstall(app, deps)
    register(app, deps, workers)
    return app


def only_workspace(installed: str | None) -> Callable[..., Any]:
    """Middleware refusing requests from a workspace the bot's token does not belong to."""

    def check(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        team = body.get("team_id") or (body.get("team") or {}).get("id") \
            or (body.get("user") or {}).get("team_id")
        if installed is not None and team and team != installed:
            log.warning("refused a request from workspace %s (installed in %s)", team, installed)
            return BoltResponse(status=200, body="salesbot is not installed in this workspace.")
        return next()

    return check


def from_home(body: dict[str, Any]) -> bool:
    """Whether a button was pressed on the App Home tab (no message, no response_url)."""
    return (body.get("view") or {}).get("type") == "home"


def caller_of(body: dict[str, Any]) -> Caller:
    """Who sent a slash command, an action or a view submission."""
    if "user_id" in body:  # slash command
        return Caller(body["team_id"], body["user_id"], body.get("channel_id"),
                      body.get("user_name", ""))
    user = body.get("user", {})
    team = body.get("team", {}) or {}
    channel = (body.get("channel") or {}).get("id")
    if channel is None and body.get("view", {}).get("private_metadata"):
        try:  # a form's channel: where to answer; a form salesbot did not make has none
            channel = form_meta(body["view"]).get("channel_id")
        except UserFacingError:
            channel = None
        channel = channel if isinstance(channel, str) else None
    return Caller(team.get("id") or user.get("team_id", ""), user["id"], channel,
                  user.get("username") or user.get("name", ""))


STALE_FORM = ("This form was not made by salesbot, or is out of date: nothing was saved. "
              "Close it and open it again.")


def form_meta(view: dict[str, Any]) -> dict[str, Any]:
    """What salesbot wrote in a form's private metadata; UsageError when it is not that."""
    try:
        meta = json.loads(view.get("private_metadata") or "")
    except ValueError:
        raise UsageError(STALE_FORM) from None
    if not isinstance(meta, dict):
        raise UsageError(STALE_FORM)
    return meta


def meta_field(meta: dict[str, Any], name: str, kind: Callable[[str], T]) -> T:
    """One field of a form's metadata as `kind` (int, date.fromisoformat, str)."""
    value = meta.get(name)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise UsageError(STALE_FORM)
    try:
        return kind(str(value))
    except ValueError:
        raise UsageError(STALE_FORM) from None


STALE_BUTTON = ("That button was not made by salesbot, or is out of date: nothing was "
                "changed. Run the command again for fresh buttons.")


def record_number(value: str) -> int:
    """A deal's number or a record's id as a button or form carries it: digits, at most 9
    (a larger one is no deal or team salesbot made, and too large for PostgreSQL's integer)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) == 0:
        raise ValueError(f"not a record number: {value[:20]!r}")
    return int(value)


def deal_and_stage(value: str) -> tuple[int, str]:
    """An Advance button's value: the deal's number and the stage it moves to."""
    number, _, stage = value.partition(":")
    return record_number(number), stage


def button_value(action: dict[str, Any], kind: Callable[[str], T]) -> T:
    """A button's value as `kind` (record_number, date.fromisoformat); a value salesbot did
    not write (an old or altered message) is refused with STALE_BUTTON."""
    value = action.get("value")
    if not isinstance(value, str):
        raise UsageError(STALE_BUTTON)
    try:
        return kind(value)
    except ValueError:
        raise UsageError(STALE_BUTTON) from None


def register(app: App, deps: Deps, workers: Offload | None = None) -> None:
    """Attach every listener to `app`."""

    def send(respond: Respond, reply: Reply | None, **extra: Any) -> None:
        if reply is not None:
            respond(**reply.as_message(), **extra)

    # Commands run here when there are no worker processes (or no room in their queue), on
    # threads of their own: the listener waits for the answer only until ANSWER_WITHIN_S.
    commands_here = ThreadPoolExecutor(max_workers=LISTENER_THREADS,
                                       thread_name_prefix="salesbot-command")

    def handle_command(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """Run any salesbot slash command; its reply rides on the acknowledgement.

        Slack shows a message in the acknowledgement as the command's reply, one round trip
        sooner than a POST to the response_url and at no cost in Slack API calls. A command
        not answered within ANSWER_WITHIN_S (Slack waits 3 s) is acknowledged empty, and its
        reply follows at the response_url.
        """
        name = body["command"].lstrip("/")
        if name == "visit" and not body.get("text", "").strip():
            ack()
            open_visit_form(body, client)
            return
        deadline = time.monotonic() + ANSWER_WITHIN_S
        now = deps.clock()
        future = None
        if workers is not None:
            future = workers.submit(body, now, QUEUE_WAIT_S,
                                    lambda: command_answer(deps, body, now))
        if future is None:
            future = commands_here.submit(command_answer, deps, body, now)
        try:
            answer = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            ack()
            future.add_done_callback(lambda done: deliver_late(done, body, respond, client))
            return
        if answer is None:  # a duplicate delivery whose reply was not kept
            ack()
            return
        ack(**answer.message)
        if answer.files:
            upload_to_dm(client, body["user_id"], answer.files, respond)

    for name in COMMANDS:
        guard(app.command(f"/{name}"))(handle_command)

    def open_visit_form(body: dict[str, Any], client: WebClient) -> None:
        caller = caller_of(body)
        with deps.session_factory.begin() as session:
            now = deps.clock()
            if not claim_once(session, f"trigger:{body['trigger_id']}", now):
                return
            actor = actor_for(session, deps, caller, now)
            today = local_today(now, actor.member.timezone)
        client.views_open(trigger_id=body["trigger_id"],
                          view=visit_form(today=today, channel_id=caller.channel_id))

    @guard(app.options("customer"))
    def customer_options(ack: Ack, body: dict[str, Any]) -> None:
        """Suggest customers as the user types; the typed name can be a new customer."""
        query = body.get("value", "").strip()
        caller = caller_of(body)
        with deps.session_factory.begin() as session:
            actor = actor_for(session, deps, caller, deps.clock())
            names = suggest_customers(session, actor.workspace.id, query, limit=20,
                                      people=customer_people(actor.member))
        options = [{"text": {"type": "plain_text", "text": n[:75]}, "value": n[:150]}
                   for n in names]
        if query and not any(n.casefold() == query.casefold() for n in names):
            options.append({"text": {"type": "plain_text", "text": f"New customer: {query}"[:75]},
                            "value": f"{NEW_CUSTOMER_PREFIX}{query}"[:150]})
        ack(options=options[:100])

    @guard(app.view(VISIT_CALLBACK))
    def submit_visit(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                     client: WebClient) -> None:
        """Log the visit from the form, or show what is wrong next to the field."""
        v = values(view)
        customer = v.get("customer") or ""
        new = customer.startswith(NEW_CUSTOMER_PREFIX)
        deal, notes, outcome = v.get("deal"), v.get("notes"), v.get("outcome")
        try:
            deal_number = parse_deal_ref(deal) if deal else None
            args = VisitArgs(
                words=(notes,) if notes else (),
                customer=customer.removeprefix(NEW_CUSTOMER_PREFIX),
                type=ActivityType(v.get("type") or "visit"),
                outcome=Outcome(outcome) if outcome else None,
                on=v.get("on"), next_step=v.get("next") or None, deal_number=deal_number,
                new_customer=new,
            )
            reply = execute_args(deps, caller_of(body), "visit", args,
                                 request_key=f"view:{view['id']}:{view.get('hash', '')}")
        except UserFacingError as exc:
            field = "deal" if "deal" in exc.message.lower() else "customer"
            if "on:" in exc.message:
                field = "on"
            elif exc.message.startswith(("The notes ", "The next step ")):
                field = "notes" if exc.message.startswith("The notes ") else "next"
            ack(response_action="errors", errors={field: exc.message[:150]})
            return
        ack()
        notify(client, caller_of(body), reply)

    def refresh_card(respond: Respond, caller: Caller, number: str) -> None:
        card = execute(deps, caller, "deal", f"D-{number}")
        if card is not None:
            respond(**card.as_message(), replace_original=True)

    @guard(app.action("deal_advance"))
    def advance(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        """Move the deal to the next stage."""
        ack()
        number, stage = button_value(action, deal_and_stage)
        caller = caller_of(body)
        execute_args(deps, caller, "deal", DealUpdate(number, stage=stage),
                     request_key=f"action:{body['trigger_id']}")
        refresh_card(respond, caller, str(number))

    @guard(app.action("deal_won"))
    def won(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        """Mark the deal won."""
        ack()
        caller = caller_of(body)
        number = button_value(action, record_number)
        reply = execute(deps, caller, "deal", f"D-{number} won",
                        request_key=f"action:{body['trigger_id']}")
        refresh_card(respond, caller, str(number))
        send(respond, reply, replace_original=False)

    @guard(app.action("deal_lost"))
    def lost(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        """Ask why the deal was lost."""
        ack()
        number = str(button_value(action, record_number))
        editable_deal(caller_of(body), number)  # refuse before the form, not after
        client.views_open(trigger_id=body["trigger_id"],
                          view=deal_lost_form(number, caller_of(body).channel_id))

    @guard(app.view(DEAL_LOST_CALLBACK))
    def submit_lost(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                    client: WebClient) -> None:
        """Mark the deal lost with the reason given."""
        number = meta_field(form_meta(view), "number", record_number)
        reason = (values(view).get("reason") or "").strip()
        if not reason:
            ack(response_action="errors", errors={"reason": "Say why it was lost."})
            return
        try:
            reply = execute_args(deps, caller_of(body), "deal",
                                 DealLost(number, reason),
                                 request_key=f"view:{view['id']}:{view.get('hash', '')}")
        except UserFacingError as exc:
            ack(response_action="errors", errors={"reason": exc.message[:150]})
            return
        ack()
        notify(client, caller_of(body), reply)

    @guard(app.action("deal_edit"))
    def edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        """Open the deal in an edit form."""
        ack()
        caller = caller_of(body)
        detail = editable_deal(caller, str(button_value(action, record_number)))
        client.views_open(trigger_id=body["trigger_id"],
                          view=deal_edit_form(detail.deal, detail.stages, caller.channel_id))

    def editable_deal(caller: Caller, number: str) -> DealDetail:
        """The deal behind a Lost or Edit button, if `caller` may change it."""
        with deps.session_factory.begin() as session:
            now = deps.clock()
            actor = actor_for(session, deps, caller, now)
            deal = load_deal(session, actor, parse_deal_ref(f"D-{number}"))
            # who may change a deal may read it: say the former, it is what the button does
            require_deal_edit(actor, deal)
            return deal_detail(session, actor, deal, now)

    @guard(app.view(DEAL_EDIT_CALLBACK))
    def submit_edit(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                    client: WebClient) -> None:
        """Save the edited deal fields; only what changed is recorded."""
        number = meta_field(form_meta(view), "number", record_number)
        v = values(view)
        errors: dict[str, str] = {}
        amount = currency = None
        try:
            amount = parse_amount(v.get("amount") or "")
        except UserFacingError as exc:
            errors["amount"] = exc.message[:150]
        try:
            currency = parse_currency(v.get("currency") or "")
        except UserFacingError as exc:
            errors["currency"] = exc.message[:150]
        if errors:
            ack(response_action="errors", errors=errors)
            return
        args = DealUpdate(number, stage=v.get("stage"), amount=amount,
                          currency=currency, close=v.get("close"), name=v.get("name"))
        try:
            reply = execute_args(deps, caller_of(body), "deal", args,
                                 request_key=f"view:{view['id']}:{view.get('hash', '')}")
        except UserFacingError as exc:
            if "nothing changed" in exc.message:
                ack()
                return
            ack(response_action="errors", errors={"name": exc.message[:150]})
            return
        ack()
        notify(client, caller_of(body), reply)

    @guard(app.action(ANSWER_ACTION))
    def standup_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                       client: WebClient) -> None:
        """Open the stand-up form, pre-filled from logged work and the plan."""
        ack()
        caller = caller_of(body)
        with deps.session_factory.begin() as session:
            now = deps.clock()
            actor = actor_for(session, deps, caller, now)
            draft = standup_draft(session, actor, button_value(action, date.fromisoformat),
                                  now)
        client.views_open(trigger_id=body["trigger_id"],
                          view=standup_answer_form(draft, caller.channel_id,
                                                   from_home=from_home(body)))

    @guard(app.view(STANDUP_ANSWER_CALLBACK))
    def submit_standup(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                       client: WebClient) -> None:
        """Record the stand-up answer from the form."""
        v, meta = values(view), form_meta(view)
        args = StandupAnswerArgs(v.get("yesterday") or "", v.get("today") or "",
                                 v.get("blockers") or "",
                                 day=meta_field(meta, "day", date.fromisoformat))
        try:
            reply = execute_args(deps, caller_of(body), "standup", args,
                                 request_key=f"view:{view['id']}:{view.get('hash', '')}")
        except UserFacingError as exc:
            ack(response_action="errors", errors={"today": exc.message[:150]})
            return
        ack()
        notify(client, caller_of(body), reply)
        if meta.get("home"):  # answered from the Home tab: it shows the answer now
            publish_home(caller_of(body), client)

    @guard(app.action(SKIP_ACTION))
    def standup_skip(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                     respond: Respond, client: WebClient) -> None:
        """Skip that day's stand-up; the prompt becomes the confirmation."""
        ack()
        reply = execute_args(deps, caller_of(body), "standup",
                             StandupSkip(button_value(action, date.fromisoformat)),
                             request_key=f"action:{body['trigger_id']}")
        if from_home(body):  # no prompt to replace: the tab shows it skipped
            publish_home(caller_of(body), client)
        else:
            send(respond, reply, replace_original=True)

    @guard(app.action(AWAY_ACTION))
    def standup_away(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                     client: WebClient) -> None:
        """Ask from and until when the user is out of office."""
        ack()
        client.views_open(trigger_id=body["trigger_id"],
                          view=standup_away_form(button_value(action, date.fromisoformat),
                                                 caller_of(body).channel_id,
                                                 from_home=from_home(body)))

    @guard(app.view(STANDUP_AWAY_CALLBACK))
    def submit_away(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                    client: WebClient) -> None:
        """Record the out-of-office days from the form."""
        v = values(view)
        try:
            reply = execute_args(deps, caller_of(body), "standup",
                                 StandupAway(v.get("start"), v.get("end")),
                                 request_key=f"view:{view['id']}:{view.get('hash', '')}")
        except UserFacingError as exc:
            ack(response_action="errors", errors={"end": exc.message[:150]})
            return
        ack()
        notify(client, caller_of(body), reply)
        if form_meta(view).get("home"):  # the tab shows it now
            publish_home(caller_of(body), client)

    def on_warning(body: dict[str, Any], action: dict[str, Any], respond: Respond,
                   client: WebClient, act: Callable[..., T]) -> T | None:
        """Run a warning button's action once, as the clicker; None if done before or refused.

        A refusal is answered here, privately: Bolt answers Slack 404 (an error shown on the
        button) when a listener raises right after ack(), so these listeners do not raise.
        """
        caller = caller_of(body)
        try:
            team_id, key = parse_warning_value(action["value"])
            with deps.session_factory.begin() as session:
                now = deps.clock()
                if not claim_once(session, f"action:{body['trigger_id']}", now):
                    return None
                return act(session, actor_for(session, deps, caller, now), team_id, key, now)
        except UserFacingError as exc:
            if not body.get("response_url"):  # the Home tab: no message to answer under
                notify(client, caller, error_reply(exc.message))
            else:
                send(respond, error_reply(exc.message), replace_original=False)
            return None

    def warning_snooze(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                       respond: Respond, client: WebClient) -> None:
        """Ask why the warning is snoozed, if the clicker may snooze it."""
        ack()
        ref = on_warning(body, action, respond, client, lambda session, actor, team_id, key, now:
                         warning_to_snooze(session, actor, team_id, key))
        if ref is not None:
            client.views_open(trigger_id=body["trigger_id"], view=snooze_form(
                ref, SNOOZE_ACTIONS[action["action_id"]], caller_of(body).channel_id,
                from_home=from_home(body)))

    for action_id in SNOOZE_ACTIONS:
        guard(app.action(action_id))(warning_snooze)

    @guard(app.view(WARNING_SNOOZE_CALLBACK))
    def submit_warning_snooze(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                              client: WebClient) -> None:
        """Snooze the warning for the day or week chosen, with the reason given."""
        meta = form_meta(view)
        team_id, key = meta_field(meta, "team_id", record_number), meta_field(meta, "key", str)
        days = meta_field(meta, "days", int)
        caller = caller_of(body)
        done = None
        try:
            with deps.session_factory.begin() as session:
                now = deps.clock()
                if claim_once(session, f"view:{view['id']}:{view.get('hash', '')}", now):
                    done = snooze_warning(session, actor_for(session, deps, caller, now),
                                          team_id, key, days,
                                          values(view).get("reason") or "", now)
        except UserFacingError as exc:
            ack(response_action="errors", errors={"reason": exc.message[:150]})
            return
        ack()
        if meta.get("home"):  # snoozed from the Home tab: it shows the snooze now
            publish_home(caller, client)
        elif done is not None:
            notify(client, caller, render_acted(done))

    @guard(app.action(ACK_ACTION))
    def warning_ack(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                    respond: Respond, client: WebClient) -> None:
        """Acknowledge the warning; the channel message (or the Home tab) then says who."""
        ack()
        done = on_warning(body, action, respond, client, acknowledge_warning)
        if from_home(body):
            publish_home(caller_of(body), client)
            return
        if done is None:
            return
        original = body.get("message") or {}
        if original.get("blocks"):
            respond(text=original.get("text", ""), replace_original=True,
                    blocks=acknowledged_blocks(original["blocks"], done.key, done.by_user_id))
        if done.already or not original.get("blocks"):
            send(respond, render_acted(done), replace_original=False)

    @guard(app.event("member_joined_channel"))
    def joined(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """Welcome a new rep to the team whose channel they joined."""
        caller = Caller(body.get("team_id") or event.get("team", ""), event["user"],
                        event.get("channel"))
        with deps.session_factory.begin() as session:
            now = deps.clock()
            if not claim_once(session, f"event:{body.get('event_id')}", now):
                return
            actor = actor_for(session, deps, caller, now)
            inviter = event.get("inviter")
            welcome = join_team_channel(session, actor,
                                        inviter if isinstance(inviter, str) else None)
        if welcome and caller.channel_id:
            client.chat_postEphemeral(channel=caller.channel_id, user=caller.user_id,
                                      text=welcome)

    def publish_home(caller: Caller, client: WebClient) -> None:
        with deps.session_factory.begin() as session:
            now = deps.clock()
            home = run_home(session=session, actor=actor_for(session, deps, caller, now),
                            now=now)
        client.views_publish(user_id=caller.user_id, view=home_view(home))

    @guard(app.event("app_home_opened"))
    def home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """Show the user's Home tab: their plan, open deals, action items and warnings."""
        if event.get("tab", "home") != "home":  # the Messages tab
            return
        publish_home(Caller(body.get("team_id") or event.get("view", {}).get("team_id", ""),
                            event["user"]), client)

    @guard(app.action(HOME_REFRESH))
    def home_refresh(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Read everything on the Home tab again."""
        ack()
        publish_home(caller_of(body), client)

    @guard(app.action(HOME_LOG_VISIT))
    def home_log_visit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the /visit form from the Home tab; the reply comes as a direct message."""
        ack()
        open_visit_form(body, client)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], respond: Respond | None,
                 client: WebClient) -> BoltResponse | None:
        """Tell the user what went wrong, privately; nothing was written."""
        report_error(error, body, respond, client)
        return None


ALREADY_DONE = "Already done (Slack sent this command again):"


def command_reply(deps: Deps, body: dict[str, Any]) -> Reply | None:
    """Run a slash command in one transaction; None if it was a duplicate.

    Its reply is kept with its claim (see `retried_answer`). Raises UsageError /
    PermissionDenied with nothing written.
    """
    return execute(deps, caller_of(body), body["command"].lstrip("/"), body.get("text", ""),
                   request_key=command_key(body), keep=keep_answer)


def command_key(body: dict[str, Any]) -> str:
    return f"trigger:{body['trigger_id']}"


def keep_answer(session: Session, key: str, reply: Reply) -> None:
    keep_reply(session, key, json.dumps(reply.as_message()))


def retried_answer(deps: Deps, body: dict[str, Any]) -> Answer | None:
    """What a command delivered again answers: the reply its first delivery got, marked
    as already done (files, such as an export, are not shared twice); None if none was
    kept."""
    with deps.session_factory() as session:
        kept = kept_reply(session, command_key(body))
    if kept is None:
        return None
    message = json.loads(kept)
    message["text"] = f"{ALREADY_DONE} {message.get('text', '')}"
    if message.get("blocks"):
        note = {"type": "context", "elements": [{"type": "mrkdwn", "text": ALREADY_DONE}]}
        message["blocks"] = [note, *message["blocks"]][:MAX_BLOCKS]
    return Answer(message)


def command_answer(deps: Deps, body: dict[str, Any], now: datetime) -> Answer | None:
    """Run a slash command as of `now` (when it arrived) and render its answer, an error
    message included; for a duplicate delivery, the first one's answer marked as already
    done (None if none was kept). Never raises.

    The listener runs it on a thread, or a command worker process (bot.workers) with the
    same body.
    """
    deps = replace(deps, clock=lambda: now)
    try:
        reply = command_reply(deps, body)
        if reply is None:  # a duplicate delivery: answer with what the first one did
            return retried_answer(deps, body)
    except Exception as error:
        return Answer(error_message(error).as_message())
    return Answer(reply.as_message(), reply.files)


def deliver_late(done: Future[Answer | None], body: dict[str, Any], respond: Respond,
                 client: WebClient) -> None:
    """Post the answer of a command acknowledged before it was ready to its response_url."""
    try:
        answer = done.result()
        if answer is not None:
            respond(**answer.message)
            if answer.files:
                upload_to_dm(client, body["user_id"], answer.files, respond)
    except Exception:  # Slack unreachable: nothing to tell the user through
        log.exception("could not post the reply to %s", body.get("command"))


def upload_to_dm(client: WebClient, user_id: str, files: tuple[tuple[str, bytes], ...],
                 respond: Respond) -> None:
    """Share a command's files (an export) in the caller's direct message."""
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel, initial_comment="Your salesbot export.",
            file_uploads=[{"content": data, "filename": name, "title": name}
                          for name, data in files])
    except SlackApiError as exc:
        log.warning("upload to %s failed: %s", user_id, exc.response.get("error"))
        respond(**error_reply("I could not send the files to your DM "
                              f"({exc.response.get('error')}); try again.").as_message())


def guard(decorator: Callable[[Callable[..., Any]], Any]) -> Callable[[Callable[..., Any]], Any]:
    """Register a listener whose errors are reported here, not left to Bolt's runner.

    In slack-bolt's thread runner a listener that raises after ack() can have its
    acknowledgement reset, so Slack gets a 404 after 3 s on top of our private message. A
    guarded listener never raises: its error goes to report_error, the one error path.
    """

    def register_guarded(fn: Callable[..., Any]) -> Any:
        names = inspect.getfullargspec(fn).args

        def listener(args: Args) -> Any:
            try:
                return fn(**{n: getattr(args, n) for n in names})
            except Exception as error:
                if args.ack is not None and args.ack.response is None:
                    args.ack()  # Slack must hear from us within 3 s, error or not
                report_error(error, args.body, args.respond, args.client)
                return None

        listener.__name__ = listener.__qualname__ = fn.__name__
        listener.__doc__ = fn.__doc__
        return decorator(listener)

    return register_guarded


# What to tell a user when Slack refuses a call salesbot made for them, by Slack's error code
SLACK_REFUSALS = {
    "expired_trigger_id": "Slack gave up waiting for the form to open (it allows 3 seconds). "
                          "Please try again.",
    "exchanged_trigger_id": "That click already opened a form. Please click again to open "
                            "another.",
    "ratelimited": "Slack is asking salesbot to slow down. Please try again in a minute.",
    "channel_not_found": "I cannot post in this channel: invite me with `/invite @salesbot`, "
                         "or try in a channel I am in.",
    "not_in_channel": "I cannot post in this channel: invite me with `/invite @salesbot`, "
                      "or try in a channel I am in.",
    "is_archived": "This channel is archived, so I cannot post in it.",
    "user_not_found": "Slack does not know that person.",
    "missing_scope": "salesbot's Slack app lacks a permission it needs: ask your Slack admin "
                     "to reinstall it from `salesbot manifest`.",
    "invalid_auth": "Slack refused salesbot's token: ask your Slack admin to check the app.",
    "token_revoked": "Slack refused salesbot's token: ask your Slack admin to check the app.",
    "account_inactive": "Slack refused salesbot's token: ask your Slack admin to check the app.",
}


def error_message(error: Exception) -> Reply:
    """What to tell the user about `error`; an unexpected one is logged."""
    if isinstance(error, UserFacingError):
        return error_reply(error.message)
    if isinstance(error, SlackApiError):
        code = (error.response.get("error") if isinstance(error.response.data, dict)
                else None) or f"HTTP {error.response.status_code}"
        log.warning("Slack refused a call: %s", code)
        known = SLACK_REFUSALS.get(code)
        return error_reply(known or f"Slack refused what salesbot asked of it ({code}). "
                                    "Please try again in a minute.")
    log.exception("unexpected error handling a Slack request", exc_info=error)
    return text_reply(":x: Something went wrong on our side and nothing was saved. "
                      "Please try again in a minute.")


def report_error(error: Exception, body: dict[str, Any], respond: Respond | None,
                 client: WebClient) -> None:
    """Tell the user what went wrong, privately; nothing was written."""
    reply = error_message(error)
    if respond is not None and body.get("response_url"):
        respond(**reply.as_message(), replace_original=False)
    elif body.get("user") or body.get("user_id"):
        notify(client, caller_of(body), reply)


def notify(client: WebClient, caller: Caller, reply: Reply | None) -> None:
    """Tell the user privately how a form or button went."""
    if reply is None:
        return
    message = reply.as_message()
    message.pop("response_type")
    if caller.channel_id:
        try:
            client.chat_postEphemeral(channel=caller.channel_id, user=caller.user_id,
                                      **message)
            return
        except SlackApiError:
            pass  # not in that channel any more: fall back to a direct message
    client.chat_postMessage(channel=caller.user_id, **message)
