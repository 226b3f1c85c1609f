"""How long each kind of text may be: one table for commands, forms and imports alike.

Anything longer is refused with the limit stated, never cut without a word. Slack's modal
text inputs take the same figures as their `max_length` (Slack allows at most 3,000).
"""

from __future__ import annotations

from commands.core.errors import UsageError
from commands.core.i18n import N_, t

# The whole text typed after a slash command. Slack's own limit on it is far lower; this
# bound is checked before the text is split into words, so no parsing time is spent on more.
COMMAND_TEXT = 12_000

# field -> the most characters it may hold
LIMITS: dict[str, int] = {
    "customer name": 200,
    "deal name": 200,
    "team name": 100,
    "holiday name": 200,
    "notes": 3000,
    "next step": 500,
    "lost reason": 500,
    "stand-up answer": 3000,
    "action item": 500,
    "snooze reason": 500,
}


def check_length(text: str, field: str, *, label: str | None = None,
                 form_input: str | None = None) -> str:
    """`text` unchanged, or a UsageError saying how long `field` (called `label` in the
    message, when given) may be; the error concerns the form's `form_input`, if any."""
    limit = LIMITS[field]
    if len(text) > limit:
        raise UsageError(too_long(label or field, len(text), limit), field=form_input)
    return text


# the names of the fields above, for messages (a caller's own `label` is translated too
# when it is marked with N_)
_NAMES = (N_("customer name"), N_("deal name"), N_("team name"), N_("holiday name"),
          N_("notes"), N_("next step"), N_("lost reason"), N_("stand-up answer"),
          N_("action item"), N_("snooze reason"))


def too_long(label: str, length: int, limit: int) -> str:
    values = {"label": t(label), "length": f"{length:,}", "limit": f"{limit:,}"}
    if label.endswith("notes"):
        return t("The {label} are {length} characters long; the limit is {limit}. "
                 "Shorten it and try again.", **values)
    return t("The {label} is {length} characters long; the limit is {limit}. "
             "Shorten it and try again.", **values)


def check_command_text(text: str) -> str:
    """Refuse command text too long to be anything a person typed, before parsing it."""
    if len(text) > COMMAND_TEXT:
        length, limit = f"{len(text):,}", f"{COMMAND_TEXT:,}"
        raise UsageError(t("That command is {length} characters long; the limit is {limit}. "
                           "Shorten it and try again.", length=length, limit=limit))
    return text
