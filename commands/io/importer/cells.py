"""One import row's cells, read and checked: each reader returns the value or raises Bad
with the problem in words for the person who made the file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from commands.core.actors import People
from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.core.limits import LIMITS
from commands.core.money import parse_amount, parse_currency
from commands.core.text import closest, name_key
from commands.io.importer.layouts import SALESFORCE_STAGE_NAMES, SALESFORCE_STAGES
from storage import repo
from storage.models import Stage, Tier, Workspace, to_minor


class Bad(Exception):
    """One cell's problem, in words for the person who made the file."""


@dataclass
class Known:
    """What the workspace already holds, loaded once for the whole file."""

    workspace: Workspace
    people: People
    member_names: list[str]
    timezones: dict[int, str]  # member id -> timezone
    teams: dict[int, int | None]  # member id -> team id
    customers: dict[str, tuple[int, str]]  # name key -> (id, name)
    stages: dict[str, Stage]
    deals_by_name: dict[tuple[int, str], int]  # (customer id, deal name key) -> number
    deals_by_number: dict[int, tuple[int, int]]  # number -> (deal id, customer id)
    team_ids: dict[str, tuple[int, str]]  # name key -> (team id, name)


def load_known(session: Session, ws: Workspace) -> Known:
    members, customers, deals = repo.imports.known(session, ws.id)
    return Known(
        workspace=ws,
        people=People(members),
        member_names=sorted(m.name for m in members),
        timezones={m.id: m.timezone for m in members},
        teams={m.id: m.team_id for m in members},
        customers={k: (i, n) for k, i, n in customers},
        stages={s.name: s for s in repo.deals.stages(session, ws.id)},
        deals_by_name={(c, name_key(n)): num for num, _, c, n in deals},
        deals_by_number={num: (i, c) for num, i, c, _ in deals},
        team_ids={k: (i, n) for k, i, n in repo.imports.teams(session, ws.id)},
    )


class Row:
    """One data row by field name, collecting every problem found in it."""

    def __init__(self, line: int, cells: Mapping[str, str], mapping: Mapping[str, str]) -> None:
        self.line = line
        self.headers = mapping
        self.values = {f: str(cells[h]).strip() for f, h in mapping.items()}
        # PostgreSQL cannot store a NUL character and SQLite would keep it silently
        self.reasons: list[str] = [t("{column} contains a NUL character (\\0)", column=h)
                                   for f, h in mapping.items() if "\x00" in self.values[f]]

    def __getitem__(self, field_name: str) -> str:
        return self.values.get(field_name, "")

    def header(self, field_name: str) -> str:
        return self.headers.get(field_name, field_name)

    def check(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Bad as exc:
            self.reasons.append(str(exc))
            return None


def closest_of(word: str, names: Iterable[str]) -> str | None:
    """The name most like `word`, compared ignoring case."""
    by_folded = {n.casefold(): n for n in names}
    guess = closest(word.casefold(), by_folded)
    return by_folded[guess] if guess else None


def hint(word: str, names: Iterable[str]) -> str:
    guess = closest_of(word, names)
    return t(' (did you mean "{guess}"?)', guess=guess) if guess else ""


def read_required(row: Row, field_name: str) -> str:
    value = row[field_name]
    if not value:
        raise Bad(t("{column} is empty", column=row.header(field_name)))
    return value


def read_name(row: Row, field_name: str, limit: str = "customer name") -> str:
    clean = " ".join(read_required(row, field_name).split())
    return within(row, field_name, clean, limit)


def read_text(row: Row, field_name: str, limit: str) -> str:
    return within(row, field_name, row[field_name], limit)


def within(row: Row, field_name: str, value: str, limit: str) -> str:
    """`value`, or the row refused when it is longer than the limit a command would apply."""
    if len(value) > LIMITS[limit]:
        length, most = f"{len(value):,}", f"{LIMITS[limit]:,}"
        raise Bad(t("{column} is {length} characters long; the limit is {limit}",
                     column=row.header(field_name), length=length, limit=most))
    return value


def read_person(row: Row, field_name: str, known: Known, *, optional: bool = False) -> int | None:
    raw = row[field_name].removeprefix("@").strip()
    if not raw:
        if optional:
            return None
        raise Bad(t("{column} is empty", column=row.header(field_name)))
    try:  # the same matching as a person named in a command
        found = known.people.find(raw)
    except UsageError:
        raise Bad(t('more than one person is called "{name}"', name=raw)) from None
    if found is not None:
        return found.id
    raise Bad(t('{column} "{value}" is not anyone in this workspace{hint}',
                 column=row.header(field_name), value=raw,
                 hint=hint(raw, known.member_names)))


def read_team(row: Row, known: Known) -> int:
    """A team by its name, ignoring case and spacing."""
    raw = read_required(row, "team")
    found = known.team_ids.get(name_key(raw))
    if found is not None:
        return found[0]
    names = [n for _, n in known.team_ids.values()]
    raise Bad(t('{column} "{value}" is not a team in this workspace{hint}',
                column=row.header("team"), value=raw, hint=hint(raw, names)))


def read_tier(row: Row) -> Tier:
    raw = row["tier"].upper()
    if not raw:
        return Tier.C
    if raw not in Tier.__members__:
        raise Bad(t('tier "{value}" is not A, B or C', value=row["tier"]))
    return Tier(raw)


def read_amount(row: Row, default_currency: str) -> tuple[int, str]:
    raw = read_required(row, "amount")
    # Salesforce writes multi-currency amounts as "USD 120,000.00"
    coded = re.fullmatch(r"([A-Za-z]{3})\s*([$€£¥￥₹₩]?\d.*)", raw)
    text = f"{coded.group(2)} {coded.group(1)}" if coded else raw
    try:
        money = parse_amount(text, option=row.header("amount"))
        explicit = parse_currency(row["currency"]) if row["currency"] else None
    except UsageError as exc:
        raise Bad(exc.message) from None
    if money.currency and explicit and money.currency != explicit:
        raise Bad(t("the amount says {currency} but {column} says {other}",
                     currency=money.currency, column=row.header("currency"), other=explicit))
    return to_minor(money.amount), explicit or money.currency or default_currency


def read_stage(row: Row, known: Known) -> Stage:
    raw = read_required(row, "stage")
    folded = raw.casefold()
    name = folded if folded in known.stages else SALESFORCE_STAGES.get(folded, "")
    if name in known.stages:
        return known.stages[name]
    choices = [*known.stages, *SALESFORCE_STAGE_NAMES.values()]
    raise Bad(t('unknown stage "{value}"{hint}; stages are {stages} (or Salesforce\'s, '
                 "like Closed Won)", value=raw, hint=hint(raw, choices),
                 stages=", ".join(known.stages)))



def read_choice(row: Row, field_name: str, options: Sequence[str]) -> str | None:
    raw = row[field_name].casefold()
    if not raw:
        return None
    if raw in options:
        return raw
    raise Bad(t('{column} "{value}" is not one of {options}{hint}',
                 column=row.header(field_name), value=row[field_name],
                 options=", ".join(options), hint=hint(raw, options)))


def tz_of(known: Known, member_id: int | None) -> str:
    if member_id is None:
        return known.workspace.default_timezone
    return known.timezones.get(member_id, known.workspace.default_timezone)
