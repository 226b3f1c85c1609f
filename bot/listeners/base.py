"""What every listener shares: who is asking, what a button or form carries, how to answer
privately, and the one error path (`report_error`) every listener's failure goes through."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from slack_bolt import Ack, Respond
from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.dispatch import Caller, Deps, execute_args
from bot.render.base import Reply, error_reply, text_reply
from commands.core.errors import UsageError, UserFacingError
from commands.core.i18n import N_, t, use_locale

log = logging.getLogger(__name__)
T = TypeVar("T")

STALE_FORM = N_("This form was not made by salesbot, or is out of date: nothing was saved. "
                "Close it and open it again.")
STALE_BUTTON = N_("That button was not made by salesbot, or is out of date: nothing was "
                  "changed. Run the command again for fresh buttons.")
# Slack shows at most this many characters of an error under a form's input
FORM_ERROR_LIMIT = 150


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


def form_meta(view: dict[str, Any]) -> dict[str, Any]:
    """What salesbot wrote in a form's private metadata; UsageError when it is not that."""
    try:
        meta = json.loads(view.get("private_metadata") or "")
    except ValueError:
        raise UsageError(t(STALE_FORM)) from None
    if not isinstance(meta, dict):
        raise UsageError(t(STALE_FORM))
    return meta


def meta_field(meta: dict[str, Any], name: str, kind: Callable[[str], T]) -> T:
    """One field of a form's metadata as `kind` (int, date.fromisoformat, str)."""
    value = meta.get(name)
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise UsageError(t(STALE_FORM))
    try:
        return kind(str(value))
    except ValueError:
        raise UsageError(t(STALE_FORM)) from None


def view_key(view: dict[str, Any]) -> str:
    """The claim of one form submission (Slack may deliver it again)."""
    return f"view:{view['id']}:{view.get('hash', '')}"


def action_key(body: dict[str, Any]) -> str:
    """The claim of one button click."""
    return f"action:{body['trigger_id']}"


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
        raise UsageError(t(STALE_BUTTON))
    try:
        return kind(value)
    except ValueError:
        raise UsageError(t(STALE_BUTTON)) from None


def show_on_form(ack: Ack, exc: UserFacingError, inputs: Iterable[str], default: str) -> None:
    """Keep the form open with `exc` shown under the input it concerns (`exc.field`, when it
    is one of the form's `inputs`), else under `default`."""
    field = exc.field if exc.field in set(inputs) else default
    ack(response_action="errors", errors={field: exc.message[:FORM_ERROR_LIMIT]})


def run_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
             deps: Deps, command: str, args: object, *, inputs: Iterable[str],
             default: str) -> bool:
    """Run a submitted form's command once: close the form and tell the user privately how
    it went, or keep it open with the error under its input (see show_on_form). True when
    the command ran."""
    try:
        reply = execute_args(deps, caller_of(body), command, args, request_key=view_key(view))
    except UserFacingError as exc:
        show_on_form(ack, exc, inputs, default)
        return False
    ack()
    notify(client, caller_of(body), reply)
    return True


def send(respond: Respond, reply: Reply | None, **extra: Any) -> None:
    """Answer at the response_url, if there is anything to say."""
    if reply is not None:
        respond(**reply.as_message(), **extra)


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


# What to tell a user when Slack refuses a call salesbot made for them, by Slack's error code
SLACK_REFUSALS = {
    "expired_trigger_id": N_("Slack gave up waiting for the form to open (it allows 3 "
                             "seconds). Please try again."),
    "exchanged_trigger_id": N_("That click already opened a form. Please click again to open "
                               "another."),
    "ratelimited": N_("Slack is asking salesbot to slow down. Please try again in a minute."),
    "channel_not_found": N_("I cannot post in this channel: invite me with `/invite "
                            "@salesbot`, or try in a channel I am in."),
    "not_in_channel": N_("I cannot post in this channel: invite me with `/invite @salesbot`, "
                         "or try in a channel I am in."),
    "is_archived": N_("This channel is archived, so I cannot post in it."),
    "user_not_found": N_("Slack does not know that person."),
    "missing_scope": N_("salesbot's Slack app lacks a permission it needs: ask your Slack "
                        "admin to reinstall it from `salesbot manifest`."),
    "invalid_auth": N_("Slack refused salesbot's token: ask your Slack admin to check the "
                       "app."),
    "token_revoked": N_("Slack refused salesbot's token: ask your Slack admin to check the "
                        "app."),
    "account_inactive": N_("Slack refused salesbot's token: ask your Slack admin to check "
                           "the app."),
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
        return error_reply(t(known) if known else t(
            "Slack refused what salesbot asked of it ({code}). Please try again in a minute.",
            code=code))
    log.exception("unexpected error handling a Slack request", exc_info=error)
    return text_reply(":x: " + t("Something went wrong on our side and nothing was saved. "
                                 "Please try again in a minute."))


def report_error(error: Exception, body: dict[str, Any], respond: Respond | None,
                 client: WebClient) -> None:
    """Tell the user what went wrong, privately; nothing was written."""
    reply = error_message(error)
    if respond is not None and body.get("response_url"):
        respond(**reply.as_message(), replace_original=False)
    elif body.get("user") or body.get("user_id"):
        notify(client, caller_of(body), reply)


def guard(decorator: Callable[[Callable[..., Any]], Any], fn: Callable[..., Any],
          **bound: Any) -> None:
    """Register `fn` with Bolt's `decorator` (app.action(...), app.view(...)), with `bound`
    passed as well (deps); its errors are reported here, not left to Bolt's runner.

    In slack-bolt's thread runner a listener that raises after ack() can have its
    acknowledgement reset, so Slack gets a 404 after 3 s on top of our private message. A
    guarded listener never raises: its error goes to report_error, the one error path.
    """
    names = [n for n in inspect.signature(fn).parameters if n not in bound]

    def listener(args: Args) -> Any:
        # each request starts in the default language; bot.dispatch switches to the
        # caller's once it knows them, and the error below is reported in it
        with use_locale(None):
            try:
                return fn(**{n: getattr(args, n) for n in names}, **bound)
            except Exception as error:
                if args.ack is not None and args.ack.response is None:
                    args.ack()  # Slack must hear from us within 3 s, error or not
                report_error(error, args.body, args.respond, args.client)
                return None

    listener.__name__ = listener.__qualname__ = fn.__name__
    listener.__doc__ = fn.__doc__
    decorator(listener)
