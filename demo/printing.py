"""The jobs' Notifier for a terminal: every post the ticker would send to Slack, printed.

The simulated week (demo/week.py) runs the real ticker against it; each post is printed as
plain text with when and where it would have gone, and kept (`printed`) for the counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.render import Reply, render
from commands.core.dates import format_day
from commands.core.i18n import BABEL_LOCALE, N_, current_locale, t
from jobs.digest import DigestPost
from jobs.followups import FollowUpReminder
from jobs.forecast import ForecastPrompt
from jobs.notify import FileUpload
from jobs.standup import BlockerFlag, StandupAnswerPost, StandupPrompt, StandupSummaryPost


@dataclass(frozen=True)
class Printed:
    """One post as the printing notifier showed it."""

    at: datetime  # local time of the tick that sent it
    kind: str  # prompt, reminder, summary, answer, blocker, digest, file, warning,
    # followup, forecast, other
    to: str  # a person's name for a DM, else the channel's name
    dm: bool
    in_thread: bool
    text: str  # the plain text printed (all of it, even when the terminal got one line)


def day_short(day: date) -> str:
    """'Mon 23 Nov' / 11月23日 周一."""
    return format_day(day) if current_locale() == "zh" else f"{day:%a %d %b}"


def day_long(day: date) -> str:
    """'Monday 23 November' / 11月23日 星期一."""
    if current_locale() == "zh":
        return format_date(day, "M月d日 EEEE", locale=BABEL_LOCALE["zh"])
    return f"{day:%A %d %B}"


def moment(at: datetime) -> str:
    """'Mon 23 Nov 09:30' / 11月23日 周一 09:30 (local time)."""
    return f"{day_short(at.date())} {at:%H:%M}"


# How the header names each kind of post
LABELS = {
    "stand-up reminder": N_("stand-up reminder"), "stand-up prompt": N_("stand-up prompt"),
    "stand-up summary": N_("stand-up summary"),
    "blocker flag: two stand-ups running": N_("blocker flag: two stand-ups running"),
    "weekly digest": N_("weekly digest"), "chart": N_("chart"),
    "follow-up reminder": N_("follow-up reminder"), "forecast call": N_("forecast call"),
    "forecast call reminder": N_("forecast call reminder"),
    "deviation warning": N_("deviation warning"),
}


def _words(class_name: str) -> str:
    """'DeviationWarningPost' -> 'deviation warning post'."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", class_name).lower()


def describe(message: object) -> tuple[str, str]:
    """The kind of a job's message and how the header names it."""
    if isinstance(message, StandupPrompt):
        return ("reminder", "stand-up reminder") if message.reminder \
            else ("prompt", "stand-up prompt")
    if isinstance(message, StandupSummaryPost):
        return "summary", "stand-up summary"
    if isinstance(message, StandupAnswerPost):
        who = message.answer.person.name
        return "answer", (t("late answer from {name}", name=who) if message.answer.late
                          else t("answer from {name}", name=who))
    if isinstance(message, BlockerFlag):
        return "blocker", "blocker flag: two stand-ups running"
    if isinstance(message, DigestPost):
        return "digest", "weekly digest"
    if isinstance(message, FileUpload):
        return "file", "chart"
    if isinstance(message, FollowUpReminder):
        return "followup", "follow-up reminder"
    if isinstance(message, ForecastPrompt):
        return "forecast", "forecast call reminder" if message.reminder else "forecast call"
    name = _words(type(message).__name__)
    if "warning" in name or "deviation" in name:
        return "warning", "deviation warning"
    return "other", name


class PrintingNotifier:
    """The jobs' Notifier for a terminal: prints each post instead of sending it to Slack.

    Each post gets a header line (local time, where it goes, what it is) and its plain text:
    the first line for prompts and reminders, all of it otherwise; thread replies are
    indented under their parent. Files are handed to `save` (which says where they went).
    """

    def __init__(self, out: TextIO, clock: Callable[[], datetime], *, tz: ZoneInfo,
                 people: dict[str, str], channels: dict[str, str],
                 save: Callable[[FileUpload], str] | None = None) -> None:
        self.out = out
        self.clock = clock
        self.tz = tz
        self.people = people  # Slack user id -> name
        self.channels = channels  # channel id -> name
        self.save = save
        self.printed: list[Printed] = []
        self._dms: dict[str, str] = {}  # DM channel id -> user id

    def dm_channel(self, user_id: str) -> str:
        channel = f"D{user_id}"
        self._dms[channel] = user_id
        return channel

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        kind, label = describe(message)
        label = t(LABELS[label]) if label in LABELS else label
        at = self.clock().astimezone(self.tz)
        dm = to in self._dms
        where = self.people.get(self._dms[to], self._dms[to]) if dm \
            else self.channels.get(to, to)
        if isinstance(message, FileUpload):
            size = f"{len(message.content) / 1024:.0f} kB"
            body = (t("{title} ({filename}, {size}, saved as {path})", title=message.title,
                      filename=message.filename, size=size, path=self.save(message))
                    if self.save else f"{message.title} ({message.filename}, {size})")
        else:
            try:
                body = self.plain(render(message))
            except TypeError as exc:  # a job without a Slack rendering: say so, not hide it
                body = f"({exc})"
        self.printed.append(Printed(at, kind, where, dm, thread_ts is not None, body))
        place = t("DM to {name}", name=where) if dm else f"#{where}"
        if thread_ts is not None:
            place = t("thread in {place}", place=place)
        indent = "    " if thread_ts is not None else ""
        shown = body.split("\n")[0] if kind in ("prompt", "reminder") else body
        self.out.write(f"{indent}{moment(at)} · {place} · {label}\n")
        self.out.write("".join(f"{indent}  {line}\n" if line else "\n"
                               for line in shown.split("\n")))
        self.out.flush()
        return f"{len(self.printed)}.000100"

    def plain(self, reply: Reply) -> str:
        """A reply's text as Slack would show it, without the markup: mentions and channel
        links by name."""
        text = re.sub(r"<@([A-Z0-9]+)>", lambda m: f"<@{m.group(1)}|"
                      f"{self.people.get(m.group(1), m.group(1))}>", reply.text)
        text = re.sub(r"<#([A-Z0-9]+)>", lambda m: f"<#{m.group(1)}|"
                      f"{self.channels.get(m.group(1), m.group(1))}>", text)
        return Reply(text=text, blocks=[]).plain().strip()
