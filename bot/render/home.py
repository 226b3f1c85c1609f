"""The App Home tab's view, in Block Kit, from commands.team.home."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.render.base import Reply, context, escape, render
from bot.render.standup import ANSWER_ACTION, AWAY_ACTION, SKIP_ACTION
from bot.render.warnings import warnings_with_buttons
from commands.core.dates import format_day
from commands.core.i18n import t
from commands.followups.followups import FollowUpListing
from commands.team.home import HomePart, HomeResult
from commands.warnings.warnings import WarningsResult

HOME_LOG_VISIT = "home_log_visit"
HOME_REFRESH = "home_refresh"
MAX_HOME_BLOCKS = 100  # Slack's limit for a Home tab view
PART_BLOCKS = 40  # one long part (many open deals) leaves room for the others


def part_blocks(part: HomePart, limit: int = PART_BLOCKS) -> list[Block]:
    """One part in at most `limit` blocks: the command's reply, its warnings with their
    Snooze and Acknowledge buttons, its follow-ups with Done, Snooze and Log visit (a click
    redraws the tab); other buttons are left out (they answer in the channel the command
    ran in, and a Home tab has none)."""
    if part.result is None:
        body: list[Block] = [SectionBlock(text=MarkdownTextObject(
            text=f":information_source: {escape(part.note or '')}"))]
    elif isinstance(part.result, WarningsResult):
        body = warnings_with_buttons(part.result)
    elif isinstance(part.result, FollowUpListing):
        body = render(part.result).blocks
    else:
        body = [b for b in render(part.result).blocks if not isinstance(b, ActionsBlock)]
    if len(body) > limit - 1:
        body = [*body[:max(limit - 2, 0)], context(t("…and more."))]
    return [*body, context(t("The same as `{command}`.", command=part.command))]


def _at(moment: datetime | None, tz: str) -> str:
    return f"{moment.astimezone(ZoneInfo(tz)):%H:%M}" if moment is not None else "–"


def standup_line(home: HomeResult) -> str | None:
    """Where the user's stand-up stands, in one line; None when their team runs none."""
    st = home.standup
    if st is None:
        return None
    when, tz = format_day(st.day, st.today), home.timezone
    team = escape(st.team_name)
    title = t("*Stand-up of {team}, {when}*", team=team, when=when)
    if st.state == "no_standup":
        return t("*Stand-up of {team}*: none today.", team=team)
    if st.state == "away":
        return t("{title}: you are out of office.", title=title)
    if st.state == "upcoming":
        return t("{title}: opens at {opens}, answers until {closes}.", title=title,
                 opens=_at(st.opens_at, tz), closes=_at(st.closes_at, tz))
    if st.state == "open":
        return t(":speech_balloon: {title}: waiting for your answer until {closes}.",
                 title=title, closes=_at(st.closes_at, tz))
    if st.state == "closed":
        return t("{title}: not answered; the summary went out at {closes}. An answer now joins "
                 "its thread.", title=title, closes=_at(st.closes_at, tz))
    if st.state == "answered":
        return t(":white_check_mark: {title}: answered at {at}.", title=title,
                 at=_at(st.answered_at, tz))
    if st.state == "skipped":
        return t("{title}: skipped.", title=title)
    raise KeyError(st.state)


def standup_blocks(home: HomeResult) -> list[Block]:
    """The stand-up line, with the prompt's buttons while it counts: Answer (or Change
    answer), and before it closes Skip today and Out of office."""
    line, st = standup_line(home), home.standup
    if line is None or st is None:
        return []
    blocks: list[Block] = [SectionBlock(block_id="home_standup",
                                        text=MarkdownTextObject(text=line))]
    value = st.day.isoformat()
    buttons = []
    if st.state in ("upcoming", "open", "closed", "answered", "skipped"):
        buttons.append(ButtonElement(
            text=t("Change answer") if st.state == "answered" else t("Answer"),
            action_id=ANSWER_ACTION, value=value,
            style="primary" if st.state == "open" else None))
    if st.state in ("upcoming", "open"):
        buttons += [ButtonElement(text=t("Skip today"), action_id=SKIP_ACTION, value=value),
                    ButtonElement(text=t("Out of office"), action_id=AWAY_ACTION, value=value)]
    if buttons:
        blocks.append(ActionsBlock(block_id="home_standup_actions", elements=buttons))
    return blocks


def _team_line(home: HomeResult, *, mrkdwn: bool) -> str:
    """The user's team, or how to join one: for the tab (mrkdwn) or the console."""
    if home.team_name:
        return t("team {team}", team=escape(home.team_name) if mrkdwn else home.team_name)
    add = "`/sales team add @you`" if mrkdwn else "/sales team add @you"
    return t("not in a team yet: ask your manager to add you with {command}", command=add)


def home_view(home: HomeResult) -> View:
    """The Home tab of one user: a greeting, what they can do from here, then each part."""
    team = _team_line(home, mrkdwn=True)
    blocks: list[Block] = [
        HeaderBlock(text=t("Hi {name}", name=home.name)[:150]),
        context(f"{format_day(home.today)} · {team}"),
        ActionsBlock(block_id="home_actions", elements=[
            ButtonElement(text=t("Log a visit"), action_id=HOME_LOG_VISIT, style="primary"),
            ButtonElement(text=t("Refresh"), action_id=HOME_REFRESH),
        ]),
        *standup_blocks(home),
    ]
    for part in home.parts:
        room = MAX_HOME_BLOCKS - 1 - len(blocks) - 1  # the footer, the divider
        if room < 3:  # not even a line and its pointer
            break
        blocks += [DividerBlock(), *part_blocks(part, min(PART_BLOCKS, room))]
    return View(type="home", blocks=[*blocks, context(
        t("Every command and its options: `/sales help`."))])


def home_text(home: HomeResult) -> str:
    """The Home tab as plain text, for the console and the demo."""
    team = _team_line(home, mrkdwn=False)
    lines = [t("Hi {name}", name=home.name) + f" · {format_day(home.today)} · {team}",
             "[" + t("Log a visit") + "] [" + t("Refresh") + "]"]
    standup = standup_line(home)
    if standup is not None:
        lines.append(Reply(text=standup).plain())
    for part in home.parts:
        body = (render(part.result) if part.result is not None
                else Reply(text=f":information_source: {part.note}"))
        lines += ["", body.plain(), t("(the same as {command})", command=part.command)]
    return "\n".join(lines)
