"""/sales config: when a team's weekly digest goes out, and how its warnings are tuned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from babel.dates import get_day_names
from sqlalchemy.orm import Session

from commands.core.access import DEAL_CARDS, DEFAULT_DEAL_CARDS
from commands.core.actors import Actor
from commands.core.errors import PermissionDenied, UsageError
from commands.core.fx import FxChange, Rate, load_rates, parse_fx
from commands.core.i18n import BABEL_LOCALE, current_locale, listed, t, tp
from commands.core.text import parse_words
from commands.team.sales import find_team
from commands.warnings.rule_config import (
    CONFIG_KEYS,
    RuleConfig,
    format_rule_config,
    parse_rule_config,
)
from storage import repo
from storage.models import FxRate, TeamSettings

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DIGEST = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class ConfigArgs:
    digest: tuple[int, str] | None = None  # weekday (Monday 0), HH:MM
    digest_off: bool = False
    warnings: dict[str, str] | None = None
    team_name: str | None = None
    deal_cards: str | None = None  # "team" or "own"
    fx: tuple[FxChange, ...] = ()


def parse_config(text: str) -> ConfigArgs:
    """`/sales config [digest:mon-08:30|off] [deal_cards:team|own] [warnings key:value ...]
    [fx:EUR=1.08] [team:"East"]`."""
    words = parse_words(text, ("digest", "team", "deal_cards", "fx", *CONFIG_KEYS))
    opts = dict(words.options)
    team_name = opts.pop("team", None)
    fx = parse_fx(opts.pop("fx")) if "fx" in opts else ()
    deal_cards = opts.pop("deal_cards", None)
    if deal_cards is not None:
        deal_cards = deal_cards.strip().lower()
        if deal_cards not in DEAL_CARDS:
            raise UsageError(t("`deal_cards:{value}` is not a choice: deal_cards:team lets "
                               "reps see their teammates' deal cards, deal_cards:own only their "
                               "own.", value=deal_cards))
    digest = None
    digest_off = False
    if "digest" in opts:
        raw = opts.pop("digest").strip().lower()
        if raw == "off":
            digest_off = True
        else:
            m = _DIGEST.match(raw)
            if m is None or int(m.group(2)) > 23 or int(m.group(3)) > 59:
                raise UsageError(t("`digest:{value}` is not a day and time like "
                                   "digest:mon-08:30 (or digest:off).", value=raw))
            digest = (DAYS.index(m.group(1)), f"{int(m.group(2)):02d}:{m.group(3)}")
    extra = [w for w in words.positionals if w.lower() != "warnings"]
    if extra:
        raise UsageError(t("`{word}` is not a setting; try `/sales config digest:mon-08:30` "
                           "or `/sales config warnings stale_days:14`.", word=extra[0]))
    if opts and not any(w.lower() == "warnings" for w in words.positionals):
        raise UsageError(t("Warning settings go after `warnings`, like "
                           "`/sales config warnings stale_days:14 pace_threshold:0.85`."))
    warnings = opts or None
    if warnings is not None:
        parse_rule_config(warnings)  # reject bad values before anything is written
    return ConfigArgs(digest, digest_off, warnings, team_name, deal_cards, fx)


@dataclass(frozen=True)
class ConfigResult:
    team_name: str
    message: str
    digest: str  # "Mon 08:30 (each manager's timezone)" or "off"
    warnings: tuple[tuple[str, str], ...]
    deal_cards: str = DEFAULT_DEAL_CARDS
    currency: str = ""  # the workspace's: amounts typed without a currency are in it
    fx_rates: tuple[Rate, ...] = ()
    language: str | None = None  # of the team channel's posts; None: the workspace default


def rule_config(settings: TeamSettings | None) -> RuleConfig:
    """The team's warning settings, or the defaults."""
    if settings is None or not settings.warnings.strip():
        return RuleConfig()
    pairs = dict(item.split(":", 1) for item in settings.warnings.split())
    return parse_rule_config(pairs)


def digest_text(settings: TeamSettings | None) -> str:
    """When the weekly digest goes out, in the current language: "Mon 08:30 (each
    manager's timezone)", "周一 08:30（各经理的时区）", or off."""
    if settings is not None and not settings.digest_enabled:
        return tp("digest", "off")
    day = settings.digest_day if settings else 0
    at = settings.digest_time if settings else "08:30"
    weekday = get_day_names("abbreviated", locale=BABEL_LOCALE[current_locale()])[day]
    return t("{day} {time} (each manager's timezone)", day=weekday, time=at)


def run_config(args: ConfigArgs, *, session: Session, actor: Actor,
               now: datetime) -> ConfigResult:
    ws = actor.workspace
    fx_message = _set_fx(args.fx, session, actor, now) if args.fx else ""
    team = find_team(session, actor, args.team_name)
    settings = repo.workspaces.team_settings(session, team.id)
    changing = (args.digest is not None or args.digest_off or args.warnings is not None
                or args.deal_cards is not None)
    message = ""
    if changing:
        if not (actor.is_admin or actor.manages(team)):
            raise PermissionDenied(t("Only a manager of {team} or an admin can change its "
                                     "settings; `/sales config` shows them.", team=team.name))
        if settings is None:
            settings = TeamSettings(team_id=team.id, digest_day=0, digest_time="08:30",
                                    digest_enabled=True, warnings="",
                                    deal_cards=DEFAULT_DEAL_CARDS)
            session.add(settings)
        changed = []
        if args.digest_off:
            settings.digest_enabled = False
            changed.append(t("the weekly digest is off"))
        elif args.digest is not None:
            settings.digest_day, settings.digest_time = args.digest
            settings.digest_enabled = True
            changed.append(t("the weekly digest goes out {when}", when=digest_text(settings)))
        if args.deal_cards is not None:
            settings.deal_cards = args.deal_cards
            changed.append(t("reps see their teammates' deal cards") if args.deal_cards == "team"
                           else t("reps see only their own deal cards"))
        if args.warnings is not None:
            merged = parse_rule_config(args.warnings, rule_config(settings))
            settings.warnings = " ".join(f"{k}:{v}" for k, v in
                                         format_rule_config(merged).items()
                                         if k in _changed_keys(merged))
            changed.append(t("warnings: {settings}", settings=listed(
                f"{k} {v}" for k, v in args.warnings.items())))
        settings.updated_at = now
        session.flush()
        message = t("Updated {team}: {changes}.", team=team.name,
                    changes=t("; ").join(changed))
    current = rule_config(settings)
    message = ("" if current_locale() == "zh" else " ").join(
        m for m in (fx_message, message) if m)
    return ConfigResult(team.name, message, digest_text(settings),
                        tuple(format_rule_config(current).items()),
                        settings.deal_cards if settings is not None else DEFAULT_DEAL_CARDS,
                        ws.default_currency,
                        load_rates(session, ws.id, ws.default_currency).rates,
                        team.language)



def _set_fx(changes: tuple[FxChange, ...], session: Session, actor: Actor,
            now: datetime) -> str:
    """Set or remove exchange rates: the workspace's, so only an admin may."""
    ws = actor.workspace
    if not actor.is_admin:
        raise PermissionDenied(t("Only an admin can set exchange rates; `/sales config` shows "
                                 "them."))
    done = []
    for change in changes:
        quote = change.quote or ws.default_currency
        if change.currency == quote:
            raise UsageError(t("`fx:{currency}=…`: {quote} is the workspace's own currency; "
                               "give another one, or a pair like fx:EUR/CNY=7.7.",
                               currency=change.currency, quote=quote))
        row = repo.fx.find_fx_rate(session, ws.id, change.currency, quote)
        if change.rate is None:
            if row is None:
                raise UsageError(t("No {currency}→{quote} rate is set; nothing to remove.",
                                   currency=change.currency, quote=quote))
            session.delete(row)
            done.append(t("removed the {currency}→{quote} rate", currency=change.currency,
                          quote=quote))
            continue
        if row is None:
            row = FxRate(workspace_id=ws.id, currency=change.currency, quote=quote,
                         rate_text="", set_by_id=actor.member.id, set_at=now)
            session.add(row)
        row.rate_text = f"{change.rate.normalize():f}"
        row.set_by_id, row.set_at = actor.member.id, now
        done.append(f"1 {change.currency} = {row.rate_text} {quote}")
    session.flush()
    session.expire_all()
    return t("Exchange rates: {changes}.", changes=t("; ").join(done))


def _changed_keys(config: RuleConfig) -> set[str]:
    """The settings that differ from the defaults: only those are stored."""
    defaults = format_rule_config(RuleConfig())
    return {k for k, v in format_rule_config(config).items() if defaults.get(k) != v}
