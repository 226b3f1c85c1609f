"""The tables of Slack's install flow, in salesbot's own database: installations, bots
(with their tokens) and the OAuth `state` values of installs in progress.

Their shape is exactly what slack_sdk's SQLAlchemy installation and state stores read and
write (tests/bot/test_oauth_tables.py holds them equal); they are defined here, without
slack_sdk, so that the migrations create them and the schema check covers them. Timestamps
are naive UTC, as slack_sdk writes them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, false, func

from storage.models_base import Base

BOTS_TABLE = "slack_bots"
INSTALLATIONS_TABLE = "slack_installations"
OAUTH_STATES_TABLE = "slack_oauth_states"


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _installed_at() -> Column[object]:
    return Column("installed_at", DateTime, nullable=False, default=func.now())


def _bot_columns() -> list[Column[object]]:
    """The columns a bot's row and an installation's row share, after the ids."""
    return [
        Column("team_id", String(32)), Column("team_name", String(200)),
        Column("bot_token", String(200)), Column("bot_id", String(32)),
        Column("bot_user_id", String(32)), Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)), Column("bot_token_expires_at", DateTime),
    ]


def _app_columns() -> list[Column[object]]:
    return [Column("client_id", String(32), nullable=False),
            Column("app_id", String(32), nullable=False),
            Column("enterprise_id", String(32)), Column("enterprise_name", String(200))]


slack_bots = Table(
    BOTS_TABLE, Base.metadata,
    _id(), *_app_columns(), *_bot_columns(),
    Column("is_enterprise_install", Boolean, default=False, nullable=False,
           server_default=false()),
    _installed_at(),
    Index(f"{BOTS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_installations = Table(
    INSTALLATIONS_TABLE, Base.metadata,
    _id(), *_app_columns(), Column("enterprise_url", String(200)), *_bot_columns(),
    Column("user_id", String(32), nullable=False), Column("user_token", String(200)),
    Column("user_scopes", String(1000)), Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False,
           server_default=false()),
    Column("token_type", String(32)),
    _installed_at(),
    Index(f"{INSTALLATIONS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "user_id",
          "installed_at"),
)

slack_oauth_states = Table(
    OAUTH_STATES_TABLE, Base.metadata,
    _id(),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
