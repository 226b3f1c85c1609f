"""What every area's rendering builds on: the Reply, escaping, sections, people, figures,
and the one `render` dispatch each area module registers its result types with."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import singledispatch
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from commands.core.fx import Counted, LeftOut, describe_counted, describe_left_out
from commands.core.money import format_money

SECTION_LIMIT = 2900  # Slack's limit is 3000 characters per section text
MAX_BLOCKS = 50


@dataclass(frozen=True)
class Reply:
    """What the bot says back: Block Kit blocks and the same content as text."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    in_channel: bool = False
    files: tuple[tuple[str, bytes], ...] = ()  # to upload to the caller's DM

    def as_message(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "blocks": [b.to_dict() for b in self.blocks[:MAX_BLOCKS]],
            "response_type": "in_channel" if self.in_channel else "ephemeral",
        }

    def plain(self) -> str:
        """The text as a terminal shows it: mrkdwn markers and Slack links undone."""
        text = re.sub(r"<@([A-Z0-9]+)(?:\|([^>]+))?>", lambda m: "@" + (m.group(2) or m.group(1)),
                      self.text)
        text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]+))?>", lambda m: "#" + (m.group(2) or m.group(1)),
                      text)
        text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
        text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@singledispatch
def render(result: object) -> Reply:
    """The Slack message for a command's result or a job's post; each area module registers
    the types it renders (`@render.register`)."""
    raise TypeError(f"no Slack rendering for {type(result).__name__}")


def escape(text: str) -> str:
    """Escape user text for mrkdwn so it cannot forge mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# A Slack user id (U024BE7LH): a member is named by it until salesbot learns their name.
_USER_ID = re.compile(r"[UW](?=[A-Z0-9]*[0-9])[A-Z0-9]{8,}")


def is_user_id(name: str) -> bool:
    return _USER_ID.fullmatch(name) is not None


def person(name: str) -> str:
    """A person's name for mrkdwn; someone salesbot has not looked up yet (named by their
    Slack id) becomes a mention, so Slack shows their name rather than the id."""
    return f"<@{name}>" if is_user_id(name) else escape(name)


def mention(user_id: str, name: str) -> str:
    """A mention of a member whose name salesbot knows (shown if Slack cannot resolve it)."""
    return f"<@{user_id}|{escape(name)}>"


def naming(text: str, who: str) -> str:
    """Escaped `text` about `who`, with `who` shown as `person(who)` wherever it appears."""
    escaped = escape(text)
    if not is_user_id(who):
        return escaped
    return re.sub(rf"(?<![\w@]){re.escape(who)}(?!\w)", f"<@{who}>", escaped)


def sections(text: str) -> list[Block]:
    """Section blocks for `text`, split at paragraph or line breaks to fit Slack's limit."""
    blocks: list[Block] = []
    chunk = ""
    for line in text.split("\n"):
        if len(chunk) + len(line) + 1 > SECTION_LIMIT and chunk:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line[:SECTION_LIMIT]
    if chunk.strip():
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    return blocks


def context(text: str) -> ContextBlock:
    """A context block (small grey print) of one mrkdwn text."""
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def text_reply(text: str, *, in_channel: bool = False) -> Reply:
    return Reply(text=text, blocks=sections(text), in_channel=in_channel)


def error_reply(message: str) -> Reply:
    return text_reply(f":warning: {message}")


def figure(value: Decimal | None, metric: str, currency: str | None = None) -> str:
    """A metric's value: money for revenue, else a count."""
    if value is None:
        return "–"
    if metric == "revenue" and currency:
        return format_money(value, currency)
    # a count: an implied target or a rate can be fractional; one decimal, half up as the
    # reps' parts of a team's count are split (commands.plan.targets.COUNT_UNIT)
    text = f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP):,f}"
    return text[:-2] if text.endswith(".0") else text


def pct(value: Decimal | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def left_out_note(left_out: Sequence[LeftOut]) -> str:
    """Which deals a figure left out and why, as a warning line."""
    return f":warning: _{escape(describe_left_out(left_out))}_"


def currency_notes(converted: Sequence[Counted], left_out: Sequence[LeftOut],
                   currency: str) -> list[str]:
    """Say which deals a figure converted, and which it left out and why."""
    notes = []
    if converted:
        notes.append(f"_{escape(describe_counted(converted, currency))}_")
    if left_out:
        notes.append(left_out_note(left_out))
    return notes
