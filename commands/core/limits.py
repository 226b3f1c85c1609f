"""How long each kind of text may be: one table for commands, forms and imports alike.

Anything longer is refused with the limit stated, never cut without a word. Slack's modal
text inputs take the same figures as their `max_length` (Slack allows at most 3,000).
"""

from __future__ import annotations

from commands.core.errors import UsageError

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


def too_long(label: str, length: int, limit: int) -> str:
    verb = "are" if label.endswith("notes") else "is"
    return (f"The {label} {verb} {length:,} characters long; the limit is {limit:,}. "
            "Shorten it and try again.")


def check_command_text(text: str) -> str:
    """Refuse command text too long to be anything a person typed, before parsing it."""
    if len(text) > COMMAND_TEXT:
        raise UsageError(f"That command is {len(text):,} characters long; the limit is "
                         f"{COMMAND_TEXT:,}. Shorten it and try again.")
    return text
