"""Replies about the team and its settings: /sales team, role, config and help, and the
notice a manager gets when the team's channel refuses salesbot's posts."""

from __future__ import annotations

from bot.render.base import Reply, escape, mention, render, text_reply
from commands.team.config import ConfigResult
from commands.team.help import usage
from commands.team.sales import HelpResult, HolidayResult, RoleResult, TeamResult, TeamView
from jobs.refusals import ChannelRefused


def team_text(t: TeamView) -> str:
    managers = ", ".join(mention(m.user_id, m.name) for m in t.managers) or "none"
    lines = [f"*Team {escape(t.name)}* · <#{t.channel_id}> · {t.timezone}",
             f"Managers: {managers}"]
    reps = [m for m in t.members if not m.is_manager]
    lines.append(f"Members ({len(t.members)}): " + (", ".join(
        mention(m.user_id, m.name) + (f" ({m.role})" if m.role != "rep" else "") for m in t.members
    ) or "nobody yet — add people with `/sales team add @alice @bob`"))
    if not reps and t.members:
        lines.append("No reps yet: `/sales team add @alice @bob`.")
    return "\n".join(lines)


@render.register
def render_team(r: TeamResult) -> Reply:
    body = team_text(r.team)
    text = f"{escape(r.message)}\n\n{body}" if r.message else body
    return text_reply(text, in_channel=r.in_channel)


@render.register(RoleResult)
@render.register(HolidayResult)
def render_role(r: RoleResult | HolidayResult) -> Reply:
    return text_reply(escape(r.message))


@render.register
def render_help(r: HelpResult) -> Reply:
    return text_reply(usage(r.topic))


@render.register
def render_config(r: ConfigResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    lines.append(f"*Settings of {escape(r.team_name)}*")
    lines.append(f"Weekly digest: {r.digest}")
    lines.append(f"Deal cards: `deal_cards:{r.deal_cards}` (reps see "
                 + ("their teammates' deal cards too)" if r.deal_cards == "team"
                    else "only their own deal cards)"))
    lines.append("Warnings: " + " ".join(f"`{k}:{v}`" for k, v in r.warnings))
    if r.fx_rates:
        lines.append("Exchange rates (workspace): " + "; ".join(
            f"1 {x.currency} = {x.rate.normalize():f} {x.quote} (set by {escape(x.set_by)} "
            f"{x.set_at:%Y-%m-%d %H:%M} UTC)" for x in r.fx_rates))
    elif r.currency:
        lines.append(f"Exchange rates: none; deals in currencies other than {r.currency} count "
                     f"toward {r.currency} targets only once an admin sets a rate, like "
                     f"`/sales config fx:EUR=1.08`.")
    return text_reply("\n".join(lines))



@render.register
def render_channel_refused(notice: ChannelRefused) -> Reply:
    """Tell a manager why salesbot cannot post in their team's channel, and the fix."""
    channel = f"<#{notice.channel_id}>"
    why = {
        "not_in_channel": f"salesbot is not a member of {channel}.",
        "is_archived": f"{channel} is archived.",
        "channel_not_found": f"salesbot cannot find {channel}: it was deleted, or it is "
                             "private and salesbot is not in it.",
    }.get(notice.error, f"Slack refused the post ({notice.error}).")
    fix = ("unarchive it and invite salesbot" if notice.error == "is_archived"
           else f"invite salesbot to it (type `/invite @salesbot` in {channel})")
    return text_reply(
        f":warning: salesbot could not post {notice.team}'s stand-up summary and warnings in "
        f"the team's channel: {why} Fix: {fix}, or bind the team to another channel "
        f'(run `/sales team channel team:"{notice.team}"` there). Until then these posts '
        "are not sent; you will not be told again about this channel.")
