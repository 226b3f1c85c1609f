"""One table of every slash command: how to parse it and how to run it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import UsageError
from commands.core.limits import check_command_text
from commands.deals.deal import parse_deal, run_deal
from commands.deals.pipeline import parse_pipeline, run_pipeline
from commands.deals.visit import parse_visit, run_visit
from commands.followups.followups import parse_followups, run_followups
from commands.forecast.config import ForecastConfigArgs, parse_config_family, run_config_family
from commands.forecast.forecast import parse_forecast, run_forecast
from commands.io.sales_export import ExportArgs, parse_export, run_export
from commands.plan.plan import parse_plan, run_plan
from commands.plan.targets import parse_target, run_target
from commands.reports.digest import DigestArgs, parse_digest, run_digest
from commands.reports.report import (
    LeaderboardArgs,
    ReportArgs,
    parse_leaderboard,
    parse_report,
    run_leaderboard,
    run_report,
)
from commands.standup.standup import parse_standup, run_standup
from commands.team.config import ConfigArgs
from commands.team.sales import HelpResult, parse_sales, run_sales
from commands.warnings.actions import ActionAdd, ActionDone, ActionList, parse_action, run_action
from commands.warnings.warnings import WarningsArgs, parse_warnings, run_warnings

HELP_WORDS = {"help", "-h", "--help", "?", "usage"}


@dataclass(frozen=True)
class CommandSpec:
    parse: Callable[[str], Any]
    run: Callable[..., Any]
    description: str
    usage_hint: str


ACTION_TYPES = (ActionAdd, ActionDone, ActionList)

# /sales verbs that live in their own modules: verb -> (parse, the Args type it returns, run)
SALES_VERBS: dict[str, tuple[Callable[[str], Any], type | tuple[type, ...],
                             Callable[..., Any]]] = {
    "report": (parse_report, ReportArgs, run_report),
    "leaderboard": (parse_leaderboard, LeaderboardArgs, run_leaderboard),
    "digest": (parse_digest, DigestArgs, run_digest),
    "action": (parse_action, ACTION_TYPES, run_action),
    "config": (parse_config_family, (ConfigArgs, ForecastConfigArgs), run_config_family),
    "export": (parse_export, ExportArgs, run_export),
    "warnings": (parse_warnings, WarningsArgs, run_warnings),
}


def parse_sales_family(text: str) -> Any:
    """Parse `/sales <verb> ...`, routing report, leaderboard and the like to their module."""
    head, _, rest = text.strip().partition(" ")
    if head.lower() in SALES_VERBS:
        return SALES_VERBS[head.lower()][0](rest)
    return parse_sales(text)


def run_sales_family(args: Any, *, session: Session, actor: Actor, now: datetime) -> Any:
    for _, args_type, run in SALES_VERBS.values():
        if isinstance(args, args_type):
            return run(args, session=session, actor=actor, now=now)
    return run_sales(args, session=session, actor=actor, now=now)


COMMANDS: dict[str, CommandSpec] = {
    "visit": CommandSpec(
        parse_visit, run_visit, "Log a customer visit, call, demo, meeting or email",
        '"Acme Corp" type:demo outcome:positive on:yesterday next:"send quote" notes',
    ),
    "deal": CommandSpec(
        parse_deal, run_deal, "Create, update, close and list deals",
        'new "Acme renewal" customer:"Acme Corp" amount:120k | D-1 stage:negotiation | list',
    ),
    "target": CommandSpec(
        parse_target, run_target, "Set and show targets (managers set, reps read)",
        "set team revenue 1.2M quarter:2026-Q4 | show @alice month:2026-12 | lock quarter:2026-Q4",
    ),
    "plan": CommandSpec(
        parse_plan, run_plan, "What it takes to hit the target: wins, opportunities, visits a day",
        "[@rep|team] [month:2026-12]",
    ),
    "pipeline": CommandSpec(
        parse_pipeline, run_pipeline, "Open deals by stage, weighted, and coverage of the target",
        "[@rep|team]",
    ),
    "followups": CommandSpec(
        parse_followups, run_followups, "Your follow-ups: list, done, snooze",
        "[@rep|team] [all] | add send quote by:friday | done F-3 | snooze F-3 1d|1w|friday "
        "| reopen F-3",
    ),
    "forecast": CommandSpec(
        parse_forecast, run_forecast, "The weekly forecast call: commit, best case, roll-up",
        'submit commit:300k best:420k [quarter] note:"..." | adjust @alice commit:250k '
        'reason:"..." | [team|@rep] [month|quarter] | history',
    ),
    "sales": CommandSpec(
        parse_sales_family, run_sales_family, "Teams, reports, leaderboards and help",
        'team create "East" tz:Asia/Shanghai | team add @alice | role @bob manager | help',
    ),
    "standup": CommandSpec(
        parse_standup, run_standup, "The daily stand-up: answer, skip, out of office, settings",
        'answer yesterday:"..." today:"..." blockers:none | skip | ooo 2026-12-20..2027-01-02 '
        "| config time:09:30 days:mon-fri | now | report",
    ),
}


def parse_command(command: str, text: str) -> Any:
    """Parse the text of `/command text`; `help` after any command asks for its usage."""
    name = command.lstrip("/").lower()
    if name not in COMMANDS:
        raise UsageError(f"`/{name}` is not a salesbot command. Try `/sales help`.")
    check_command_text(text)  # before any parsing: parse time grows with the text
    if text.strip().lower() in HELP_WORDS:
        return HelpResult(None if name == "sales" else name)
    return COMMANDS[name].parse(text)


def run_command(command: str, args: Any, *, session: Session, actor: Actor, now: datetime) -> Any:
    if isinstance(args, HelpResult):
        return args
    return COMMANDS[command.lstrip("/").lower()].run(args, session=session, actor=actor, now=now)
