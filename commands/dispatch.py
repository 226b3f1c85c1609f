"""One table of every slash command: how to parse it and how to run it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import UsageError
from commands.core.i18n import t
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

HELP_WORDS = {"help", "-h", "--help", "?", "usage", "帮助", "说明", "用法", "？"}

# Chinese words for subcommands and for the closed-set words some commands take (本月 is
# `month`), read as the English ones before parsing: `/deal 新建` is `/deal new`, `/sales
# report 本月 团队` is `/sales report month team`. Only whole words outside quotes change,
# and free text (a visit's notes, a follow-up's text) is never touched; option keys and
# values are read in `commands.core.text.parse_words`.
_VERBS: dict[str, dict[str, str]] = {
    "deal": {"列表": "list", "新建": "new", "新增": "new"},
    "target": {"设定": "set", "设置": "set", "查看": "show", "锁定": "lock"},
    "plan": {"团队": "team"},
    "pipeline": {"团队": "team"},
    "followups": {"添加": "add", "完成": "done", "推迟": "snooze", "重新打开": "reopen",
                  "全部": "all", "团队": "team"},
    "forecast": {"提交": "submit", "调整": "adjust", "历史": "history", "团队": "team",
                 "本月": "month", "月": "month", "本季度": "quarter", "季度": "quarter"},
    "standup": {"设置": "config", "回答": "answer", "跳过": "skip", "请假": "ooo",
                "立即": "now", "现在": "now", "报表": "report", "关闭": "off"},
    "sales": {"团队": "team", "角色": "role", "节假日": "holiday", "假期": "holiday",
              "成员": "member", "报表": "report", "排行榜": "leaderboard", "周报": "digest",
              "改进行动": "action", "行动": "action", "设置": "config", "导出": "export",
              "预警": "warnings", "帮助": "help"},
}
# the second word, after a given first one ("*": after any)
_SECOND: dict[tuple[str, str], dict[str, str]] = {
    ("deal", "*"): {"赢单": "won", "输单": "lost"},
    ("sales", "team"): {"创建": "create", "添加": "add", "移除": "remove", "频道": "channel"},
    ("sales", "holiday"): {"添加": "add"},
    ("sales", "action"): {"添加": "add", "完成": "done", "列表": "list"},
    ("sales", "config"): {"预警": "warnings", "预测": "forecast", "关闭": "off"},
    ("standup", "config"): {"关闭": "off", "开启": "on", "打开": "on"},
    ("standup", "ooo"): {"关闭": "off"},
}
_WORDS = {"本周": "week", "周": "week", "本月": "month", "月": "month", "本季度": "quarter",
          "季度": "quarter", "本年": "year", "今年": "year", "年": "year", "团队": "team",
          "全部": "all", "所有": "all", "收入": "revenue", "赢单数": "wins", "拜访数": "visits",
          "新客户": "new_customers", "商机数": "opportunities"}
# the commands (and subcommands) whose other words are all closed-set words; "action list":
# after those two words (`/sales 行动 列表 @bob 全部`)
_CLOSED = {("plan", ""), ("pipeline", ""), ("forecast", ""), ("forecast", "history"),
           ("forecast", "submit"), ("forecast", "adjust"), ("target", "show"),
           ("target", "lock"), ("target", "set"), ("followups", ""), ("followups", "all"),
           ("followups", "team"), ("sales", "report"), ("sales", "leaderboard"),
           ("sales", "digest"), ("sales", "warnings"), ("sales", "action list")}
_SPACES = re.compile(r"([ \t\r\n\u3000]+)")
_QUOTE_CHARS = re.compile(r'["“”„«»＂]')


def in_english(name: str, text: str) -> str:
    """`text` with the Chinese subcommands and closed-set words of `/name` in English."""
    pieces = _SPACES.split(text.strip())
    if name not in _VERBS or not pieces[0]:
        return text
    views = (name, "") in _CLOSED  # `/plan 本月`: a command whose first word may be one too
    first = _VERBS[name].get(pieces[0]) or (_WORDS.get(pieces[0]) if views else None) \
        or pieces[0]
    pieces[0] = first
    verb = first.lower()
    second = _SECOND.get((name, verb)) or _SECOND.get((name, "*")) or {}
    subcommands = set(_VERBS[name].values()) - set(_WORDS.values())
    closed = (name, verb) in _CLOSED or (views and verb not in subcommands)
    quoted = len(_QUOTE_CHARS.findall(pieces[0])) % 2 == 1
    for i in range(2, len(pieces), 2):
        word = pieces[i]
        if not quoted and not _QUOTE_CHARS.search(word):
            if i == 2 and word in second:
                pieces[i] = second[word]
            elif closed and word in _WORDS:
                pieces[i] = _WORDS[word]
            if i == 2 and (name, f"{verb} {pieces[i].lower()}") in _CLOSED:
                closed = True
        quoted ^= len(_QUOTE_CHARS.findall(word)) % 2 == 1
    return "".join(pieces)


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
        raise UsageError(t("`/{name}` is not a salesbot command. Try `/sales help`.", name=name))
    check_command_text(text)  # before any parsing: parse time grows with the text
    if text.strip().lower() in HELP_WORDS:
        return HelpResult(None if name == "sales" else name)
    return COMMANDS[name].parse(in_english(name, text))


def run_command(command: str, args: Any, *, session: Session, actor: Actor, now: datetime) -> Any:
    if isinstance(args, HelpResult):
        return args
    return COMMANDS[command.lstrip("/").lower()].run(args, session=session, actor=actor, now=now)
