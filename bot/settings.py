"""Configuration, read once from the environment (and a .env file) at start-up."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from commands.core.dates import zone
from commands.core.errors import UsageError
from commands.core.i18n import normalize_lang
from commands.core.money import is_currency_code


class Settings(BaseSettings):
    """Every setting salesbot reads; see the README's "Environment variables"."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")
    # Install flow (OAuth v2): on when SLACK_CLIENT_ID is set; then each workspace's bot
    # token comes from its installation and SLACK_BOT_TOKEN is not used.
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    # Bot scopes asked for at install, comma-separated; None: the manifest's
    slack_scopes: str | None = Field(default=None, alias="SLACK_SCOPES")
    # The HTTPS address Slack and browsers reach salesbot at (the redirect URL's base)
    public_url: str | None = Field(default=None, alias="SALESBOT_PUBLIC_URL")
    database_url: str = Field(default="sqlite:///./salesbot.db", alias="DATABASE_URL")
    port: int = Field(default=3000, alias="PORT")
    default_timezone: str = Field(default="UTC", alias="SALESBOT_DEFAULT_TIMEZONE")
    currency: str = Field(default="USD", alias="SALESBOT_CURRENCY")
    # The language of anyone who chose none and whose Slack locale is unknown: en or zh
    default_locale: str = Field(default="en", alias="SALESBOT_DEFAULT_LOCALE")
    # Processes answering slash commands besides the web process; None: the CPUs but one,
    # up to 4 (so 0 on a single CPU: answer them in the web process).
    command_workers: int | None = Field(default=None, ge=0, le=64,
                                        alias="SALESBOT_COMMAND_WORKERS")
    # Running it (bot/metrics.py, bot/logs.py): GET /metrics when on, behind the bearer
    # token when set; json: one JSON object per log line, for log collectors.
    metrics: bool = Field(default=False, alias="SALESBOT_METRICS")
    metrics_token: str | None = Field(default=None, alias="SALESBOT_METRICS_TOKEN")
    log_format: Literal["text", "json"] = Field(default="text", alias="SALESBOT_LOG_FORMAT")

    @field_validator("default_timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            zone(value, option="SALESBOT_DEFAULT_TIMEZONE")
        except UsageError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _valid_locale(cls, value: str) -> str:
        lang = normalize_lang(value)
        if lang is None:
            raise ValueError(f"SALESBOT_DEFAULT_LOCALE must be en or zh, not {value!r}")
        return lang

    @field_validator("currency")
    @classmethod
    def _valid_currency(cls, value: str) -> str:
        if not is_currency_code(value):
            raise ValueError("SALESBOT_CURRENCY must be an ISO 4217 currency code in use, "
                             "like USD")
        return value.strip().upper()

    @field_validator("slack_api_url")
    @classmethod
    def _slash(cls, value: str | None) -> str | None:
        if value and not value.endswith("/"):
            value += "/"
        return value or None

    @property
    def oauth(self) -> bool:
        """Whether salesbot is installed through Slack's install flow (many workspaces)."""
        return bool(self.slack_client_id)

    def oauth_missing(self) -> list[str]:
        """What OAuth mode (SLACK_CLIENT_ID set) still needs, as the README names it."""
        if not self.oauth:
            return []
        missing = [name for name, value in (("SLACK_CLIENT_SECRET", self.slack_client_secret),
                                            ("SALESBOT_PUBLIC_URL", self.public_url))
                   if not value]
        if self.slack_app_token:
            missing.append("HTTP mode (the install flow needs it: unset SLACK_APP_TOKEN)")
        return missing
