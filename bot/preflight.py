"""Checks `salesbot run` makes before it starts anything: is Slack there, and does it take
our tokens? Each failure is one line that says what is wrong and what to check."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

PREFLIGHT_TIMEOUT_S = 5
SLACK_API_URL = "https://slack.com/api/"

# Slack's answers meaning "this token is not (or no longer) good"
REFUSED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                 "token_expired", "not_allowed_token_type", "invalid_token", "no_permission",
                 "team_access_not_granted", "missing_scope"}


class StartupError(Exception):
    """Slack cannot be used as configured; the message says why and what to check."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_bot_token(token: str, api_url: str | None) -> str:
    """auth.test with a short timeout; returns the workspace (team) id."""
    return str(auth_test(token, api_url).get("team_id", ""))


def auth_test(token: str, api_url: str | None) -> SlackResponse:
    """auth.test with a short timeout: its answer, and the scopes granted in its
    x-oauth-scopes header. StartupError says what to fix."""
    return _call(_client(token, api_url), "auth.test", api_url,
                 token_name="SLACK_BOT_TOKEN",
                 check="that it is the Bot User OAuth Token (xoxb-...) from your app's "
                       "OAuth & Permissions page, and that the app is installed")


def open_socket_mode(app_token: str, api_url: str | None) -> str:
    """apps.connections.open with a short timeout; returns the websocket URL to connect to."""
    response = _call(_client(app_token, api_url),
                     "apps.connections.open", api_url, token_name="SLACK_APP_TOKEN",
                     check="that it is an app-level token (xapp-...) with the "
                           "connections:write scope, and that Socket Mode is enabled")
    return str(response["url"])


def _client(token: str, api_url: str | None) -> WebClient:
    # No retries: a start-up check answers in seconds, and a retry would only double that.
    return WebClient(token=token, base_url=api_url or SLACK_API_URL,
                     timeout=int(PREFLIGHT_TIMEOUT_S), retry_handlers=[])


def _call(client: WebClient, method: str, api_url: str | None, *, token_name: str,
          check: str) -> SlackResponse:
    where = api_url or SLACK_API_URL
    try:
        return client.api_call(method)
    except SlackApiError as exc:
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        error = data.get("error") or f"HTTP {exc.response.status_code}"
        if error in REFUSED_TOKEN:
            raise StartupError(f"{token_name} was refused by Slack ({error}): check {check}."
                               ) from None
        raise StartupError(f"Slack answered {method} at {where} with an error ({error}): "
                           "check SLACK_API_URL, or try again in a few minutes.") from None
    except OSError as exc:  # URLError and TimeoutError too
        reason = getattr(exc, "reason", None) or exc or "timed out"
        raise StartupError(f"cannot reach Slack at {where}: {reason}. Check the network, "
                           "the proxy and SLACK_API_URL.") from None
