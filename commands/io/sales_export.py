"""/sales export: the caller's data as CSV files, within what their role may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from commands.core.access import readable_member_ids
from commands.core.actors import Actor
from commands.core.dates import local_today
from commands.core.errors import UsageError
from commands.core.i18n import Lang, current_locale, listed, normalize_lang, t, tn
from commands.core.text import parse_words
from commands.io.export import csv_bytes, export_tables, with_headers_in


@dataclass(frozen=True)
class ExportArgs:
    # the language of the files' column headers; None: the reader's (the importer reads
    # either back)
    lang: Lang | None = None


def parse_export(text: str) -> ExportArgs:
    """`/sales export [lang:en|zh]`: headers in the reader's language unless `lang:` says."""
    words = parse_words(text, ("lang",))
    if words.positionals:
        raise UsageError(t("`/sales export` takes nothing more but `lang:en` or `lang:zh` (the "
                           "column headers' language; yours by default): it sends you what "
                           "you may see, as CSV files, in a direct message."))
    if "lang" not in words.options:
        return ExportArgs()
    lang = normalize_lang(words.options["lang"])
    if lang is None:
        raise UsageError(t("`lang:{value}` is not a language I write; try lang:zh or lang:en.",
                           value=words.options["lang"]), field="lang")
    return ExportArgs(lang)


@dataclass(frozen=True)
class ExportResult:
    scope: str  # what the files cover, as the reply says it
    files: tuple[tuple[str, bytes], ...]  # file name, CSV content
    rows: tuple[tuple[str, int], ...]  # table, data rows


def run_export(args: ExportArgs, *, session: Session, actor: Actor,
               now: datetime) -> ExportResult:
    """Export what the caller may see: a rep their own, a manager their teams', an admin all."""
    me = actor.member
    ids = readable_member_ids(me)
    if ids is None:
        scope = t("everything in {workspace}", workspace=actor.workspace.name)
    elif me.managed_teams:
        scope = tn("your team {teams}", "your teams {teams}", len(me.managed_teams),
                   teams=listed(team.name for team in me.managed_teams))
    else:
        scope = t("your own customers, visits, deals, targets and follow-ups")
    tables = export_tables(session, actor.workspace.id, ids)
    day = local_today(now, me.timezone).isoformat()
    lang = args.lang or current_locale()  # the reader's, as the reply is
    english = lang == "en"
    written = csv_bytes(tables if english else with_headers_in(tables, lang),
                        bom=not english)
    files = tuple((f"salesbot-{day}-{name}", data) for name, data in written.items())
    return ExportResult(scope.strip(), files, tuple((n, len(f)) for n, f in tables.items()))
