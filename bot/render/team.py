"""Replies about the team and its settings: /sales team, role, config and help, and the
notice a manager gets when the team's channel refuses salesbot's posts."""

from __future__ import annotations

from babel.dates import format_date

from bot.render.base import Reply, escape, mention, render, text_reply
from commands.core.aliases import chinese_values, label
from commands.core.fx import Rate
from commands.core.i18n import BABEL_LOCALE, N_, current_locale, listed, t, tp
from commands.team.config import ConfigResult
from commands.team.help import usage
from commands.team.holidays import HolidayResult
from commands.team.lang import LanguageResult, language_name
from commands.team.people import RoleResult
from commands.team.sales import HelpResult
from commands.team.teams import TeamResult, TeamView
from jobs.refusals import ChannelRefused


def role_name(role: str) -> str:
    """A role as shown beside a name: manager, admin (rep needs no label)."""
    return {"rep": tp("role", "rep"), "manager": tp("role", "manager"),
            "admin": tp("role", "admin")}.get(role, role)


def team_language(language: str | None) -> str:
    """The language of a team channel's posts, and whether it was chosen."""
    if language is None:
        return t("Language: {language} (the workspace default)",
                 language=language_name(None))
    return t("Language: {language}", language=language_name(language))


def team_text(view: TeamView) -> str:
    managers = listed(mention(m.user_id, m.name) for m in view.managers) or t("none")
    channel = "<#" + view.channel_id + ">"
    lines = [t("*Team {team}* · {channel} · {tz}", team=escape(view.name), channel=channel,
               tz=view.timezone),
             t("Managers: {managers}", managers=managers)]
    reps = [m for m in view.members if not m.is_manager]
    people = listed(
        mention(m.user_id, m.name) + (t(" ({role})", role=role_name(m.role))
                                      if m.role != "rep" else "")
        for m in view.members)
    lines.append(t("Members ({n}): {people}", n=len(view.members), people=people) if people
                 else t("Members ({n}): nobody yet — add people with `/sales team add @alice "
                        "@bob`", n=len(view.members)))
    if not reps and view.members:
        lines.append(t("No reps yet: `/sales team add @alice @bob`."))
    if view.language is not None:  # the default needs no line
        lines.append(team_language(view.language))
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


# where a person's language comes from: (just changed, source) -> the sentence
_LANGUAGE_LINES = {
    (False, "choice"): N_("Language: {language} (your choice)."),
    (False, "slack"): N_("Language: {language} (your Slack locale {locale})."),
    (False, "default"): N_("Language: {language} (the workspace default)."),
    (True, "choice"): N_("Your language is now {language} (your choice)."),
    (True, "slack"): N_("Your language is now {language} (your Slack locale {locale})."),
    (True, "default"): N_("Your language is now {language} (the workspace default)."),
}


@render.register
def render_language(r: LanguageResult) -> Reply:
    """The caller's language and its source, in that language (set before rendering)."""
    line = t(_LANGUAGE_LINES[(r.changed, r.source)], language=language_name(r.language),
             locale=r.slack_locale or "")
    if r.changed:
        return text_reply(line)
    return text_reply(line + "\n" + t(
        "Change it with `/sales lang zh` (中文), `/sales lang en` (English) or "
        "`/sales lang auto` (your Slack locale, else the workspace default)."))


@render.register
def render_config(r: ConfigResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    lines.append(t("*Settings of {team}*", team=escape(r.team_name)))
    lines.append(t("Weekly digest: {digest}", digest=r.digest))
    if r.deal_cards == "team":
        lines.append(t("Deal cards: `deal_cards:{value}` (reps see their teammates' deal cards "
                       "too)", value=_choice("deal_cards", r.deal_cards)))
    else:
        lines.append(t("Deal cards: `deal_cards:{value}` (reps see only their own deal cards)",
                       value=_choice("deal_cards", r.deal_cards)))
    # keys as the reader types them: `stale_days:14` is `停滞天数:14` in Chinese
    lines.append(t("Warnings: {settings}",
                   settings=" ".join(f"`{label(k)}:{v}`" for k, v in r.warnings)))
    lines.append(team_language(r.language))
    if r.fx_rates:
        lines.append(t("Exchange rates (workspace): {rates}",
                       rates=t("; ").join(_rate(x) for x in r.fx_rates)))
    elif r.currency:
        lines.append(t("Exchange rates: none; deals in currencies other than {currency} count "
                       "toward {currency} targets only once an admin sets a rate, like "
                       "`/sales config fx:EUR=1.08`.", currency=r.currency))
    return text_reply("\n".join(lines))



def _choice(option: str, value: str) -> str:
    """An option's value as the reader types it: `team` in English, 团队 in Chinese."""
    return chinese_values(option).get(value, value) if current_locale() == "zh" else value


def _rate(x: Rate) -> str:
    rate, at = format(x.rate.normalize(), "f"), x.set_at.strftime("%Y-%m-%d %H:%M")
    if current_locale() == "zh":
        at = format_date(x.set_at.date(), "y年M月d日", locale=BABEL_LOCALE["zh"]) + \
            x.set_at.strftime(" %H:%M")
    return t("1 {currency} = {rate} {quote} (set by {name} {at} UTC)", currency=x.currency,
             rate=rate, quote=x.quote, name=escape(x.set_by), at=at)


@render.register
def render_channel_refused(notice: ChannelRefused) -> Reply:
    """Tell a manager why salesbot cannot post in their team's channel, and the fix."""
    channel = f"<#{notice.channel_id}>"
    if notice.error == "not_in_channel":
        why = t("salesbot is not a member of {channel}.", channel=channel)
    elif notice.error == "is_archived":
        why = t("{channel} is archived.", channel=channel)
    elif notice.error == "channel_not_found":
        why = t("salesbot cannot find {channel}: it was deleted, or it is private and salesbot "
                "is not in it.", channel=channel)
    else:
        why = t("Slack refused the post ({error}).", error=notice.error)
    fix = (t("unarchive it and invite salesbot") if notice.error == "is_archived"
           else t("invite salesbot to it (type `/invite @salesbot` in {channel})",
                  channel=channel))
    return text_reply(t(
        ":warning: salesbot could not post {team}'s stand-up summary and warnings in the "
        "team's channel: {why} Fix: {fix}, or bind the team to another channel (run "
        '`/sales team channel team:"{team}"` there). Until then these posts are not sent; '
        "you will not be told again about this channel.", team=notice.team, why=why, fix=fix))
