"""Errors a user can cause; the bot turns each into a private, specific message."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is written for the person who typed the command."""

    def __init__(self, message: str, *, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        return self.message


class UsageError(UserFacingError):
    """The command text could not be understood, or names something that does not exist."""


class PermissionDenied(UserFacingError):
    """The actor may not do this (someone else's deal, an admin-only setting...)."""
