"""/sales lang and a team's lang: which language salesbot answers and posts in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import PermissionDenied, UsageError
from commands.core.i18n import (
    current_locale,
    default_locale,
    locale_of,
    normalize_lang,
    set_locale,
    t,
)
from commands.core.text import closest
from commands.team.teams import TeamResult, find_team, team_view

# each language by its own name, as language pickers show them
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
AUTO_WORDS = ("auto", "自动", "default", "默认")
LANGUAGE_WORDS = ("zh", "en", "auto", "中文", "英文", "自动", "chinese", "english")


@dataclass(frozen=True)
class LanguageShow:
    """`/sales lang`: the caller's language and where it comes from."""


@dataclass(frozen=True)
class LanguageSet:
    """`/sales lang zh|en|auto`: the caller's own language; None is auto."""

    language: str | None


@dataclass(frozen=True)
class TeamLanguage:
    """`/sales team East lang:zh`: the language of the team channel's posts; None: the
    workspace default."""

    team: str | None
    language: str | None


def parse_language(value: str, shown: str) -> str | None:
    """"zh", "en", or None for auto, from what someone typed (中文, English, zh-CN, 自动...);
    `shown` is how the value appeared in the command, for the error."""
    key = value.strip().casefold()
    if key in AUTO_WORDS:
        return None
    lang = normalize_lang(key)
    if lang is not None:
        return lang
    guess = closest(key, LANGUAGE_WORDS)
    if guess:
        raise UsageError(t("`{shown}` is not a language. Did you mean `{guess}`? Choose zh "
                           "(中文), en (English) or auto (your Slack locale).",
                           shown=shown, guess=guess))
    raise UsageError(t("`{shown}` is not a language. Choose zh (中文), en (English) or auto "
                       "(your Slack locale).", shown=shown))


def parse_lang(value: str) -> LanguageShow | LanguageSet:
    """`/sales lang` shows the caller's language; `/sales lang zh|en|auto` sets it."""
    value = value.strip()
    if not value:
        return LanguageShow()
    return LanguageSet(parse_language(value, f"/sales lang {value}"))


@dataclass(frozen=True)
class LanguageResult:
    """The caller's language, after `/sales lang` showed or changed it."""

    language: str  # "zh" or "en": the one they are answered in
    source: str  # "choice" (their own), "slack" (their Slack locale) or "default"
    slack_locale: str | None
    changed: bool


def language_name(lang: str | None) -> str:
    """A language by its own name (English, 中文); None: the workspace default's."""
    return LANGUAGE_NAMES.get(lang or default_locale(), lang or "")


def sentences(*parts: str) -> str:
    """Sentences one after another: a space between English ones, none between Chinese."""
    return ("" if current_locale() == "zh" else " ").join(p for p in parts if p)


def run_language(args: LanguageShow | LanguageSet, actor: Actor) -> LanguageResult:
    """Show or set the caller's own language."""
    member = actor.member
    if isinstance(args, LanguageSet):
        member.language = args.language
        # bot.dispatch chose the reply's language before this ran, from the old setting:
        # switch now, so the confirmation (rendered after this returns) is in the new one
        set_locale(locale_of(member.language, member.slack_locale))
    lang = locale_of(member.language, member.slack_locale)
    source = ("choice" if normalize_lang(member.language)
              else "slack" if normalize_lang(member.slack_locale) else "default")
    return LanguageResult(lang, source, member.slack_locale, isinstance(args, LanguageSet))


def set_team_language(args: TeamLanguage, session: Session, actor: Actor) -> TeamResult:
    """Set the language of what salesbot posts in the team's channel."""
    team = find_team(session, actor, args.team)
    if not (actor.is_admin or actor.manages(team)):
        raise PermissionDenied(t("Only a manager of {team} or an admin can set its language.",
                                 team=team.name))
    team.language = args.language
    session.flush()
    if args.language is None:
        message = t("{team}'s channel now gets its stand-up summaries, warnings and digests "
                    "in the workspace default language ({language}).", team=team.name,
                    language=language_name(None))
    else:
        message = t("{team}'s channel now gets its stand-up summaries, warnings and digests "
                    "in {language}.", team=team.name, language=language_name(args.language))
    return TeamResult(team_view(team), message=message)
