"""Errors a user can cause; the bot turns each into a private, specific message."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is written for the person who typed the command.

    `field` names the form input it concerns (a modal shows the message next to it); None
    when it concerns no single input.
    """

    def __init__(self, message: str, *, usage: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.field = field

    def __str__(self) -> str:
        return self.message


class UsageError(UserFacingError):
    """The command text could not be understood, or names something that does not exist."""


class PermissionDenied(UserFacingError):
    """The actor may not do this (someone else's deal, an admin-only setting...)."""
