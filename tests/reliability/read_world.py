"""The workspace of the read tests, set up once a module, and a read run in it: East (mia
manages alice and bob), West (wes manages walt), olga in no team, ada the admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from tests.reliability.helpers import chat, run_rolled_back

BOB = "<@UBOB|bob>"


@dataclass(frozen=True)
class Read:
    """A reading command, who may run it, and what its reply shows when allowed."""

    what: str
    line: str
    allowed: frozenset[str]
    shows: str
    channel: str = "C0EAST"
    before: str | None = None  # run first by East's manager, in the same transaction


def set_up(engine: Engine) -> None:
    world = chat(engine)
    world.say("ada", '/sales team create "HQ" tz:Asia/Shanghai', channel="C0HQ")  # first: admin
    world.say("ada", "/sales role <@UMIA|mia> manager")
    world.say("ada", "/sales role <@UWES|wes> manager")
    world.say("mia", '/sales team create "East" tz:Asia/Shanghai')
    world.say("wes", '/sales team create "West" tz:Europe/Berlin', channel="C0WEST")
    world.say("mia", f"/sales team add <@UALICE|alice> {BOB}")
    world.say("wes", "/sales team add <@UWALT|walt>", channel="C0WEST")
    world.say("olga", "/deal list", channel="DOLGA")  # registered, in no team
    world.say("bob", '/deal new "Acme renewal" customer:"Acme Corp" amount:100k')
    world.say("alice", '/deal new "Globex pilot" customer:"Globex" amount:50k')
    world.say("walt", '/deal new "Initech expansion" customer:"Initech" amount:70k',
              channel="C0WEST")
    world.say("bob", "/deal D-1 stage:qualified")  # moves the team's report names
    world.say("alice", "/deal D-2 stage:qualified")
    world.say("mia", "/target set team revenue 900k month:2026-11")
    world.say("wes", "/target set team revenue 600k month:2026-11", channel="C0WEST")
    world.say("mia", f'/sales action add {BOB} "Call Acme"')


def run(engine: Engine, user: str, case: Read) -> tuple[Any, list[str]]:
    """Run the case as `user` in a transaction rolled back afterwards: (the reply or the
    refusal, the tables the read itself changed)."""
    return run_rolled_back(engine, user, case.line, case.channel, before=case.before)
