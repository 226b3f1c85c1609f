"""/standup: parse the command and hand each verb to its area: settings (config, now),
answers (answer, skip, ooo) and reports; the schedule the ticker in jobs/ runs on is in
commands.standup.schedule.

Who takes part: everyone whose team it is (`/sales team add`), reps and managers alike; a
manager of the team who belongs to another team is not asked. A stand-up is off until a
manager configures it (`/standup config`), or starts a one-off with `/standup now`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from commands.core.actors import Actor
from commands.core.errors import UsageError
from commands.core.i18n import N_, t
from commands.core.text import closest, parse_words
from commands.standup.answers import (
    ANSWER_OPTIONS,
    StandupAnswerArgs,
    StandupAway,
    StandupDone,
    StandupSkip,
    answer_standup,
    parse_away,
    set_away,
    skip_standup,
)
from commands.standup.reports import StandupReport, StandupReportArgs, standup_report
from commands.standup.settings import (
    StandupConfigResult,
    StandupConfigure,
    StandupNow,
    StandupStatus,
    configure_standup,
    parse_standup_config,
    standup_status,
    start_standup_now,
)

StandupArgs = (StandupStatus | StandupConfigure | StandupAnswerArgs | StandupSkip | StandupAway
               | StandupNow | StandupReportArgs)

_USAGE = N_("Use `/standup config time:09:30 days:mon-fri tz:team window:120m reminder:30m`, "
          '`/standup answer yesterday:"..." today:"..." blockers:none`, `/standup skip`, '
          "`/standup ooo 2026-12-20..2027-01-02`, `/standup now` or `/standup report`.")


def parse_standup(text: str) -> StandupArgs:
    """Parse the text after `/standup`."""
    head, _, rest = text.strip().partition(" ")
    verb = head.lower()
    if verb in ("", "status"):
        return StandupStatus()
    if verb in ("config", "configure", "settings", "set"):
        return parse_standup_config(rest)
    if verb == "answer":
        words = parse_words(rest, ANSWER_OPTIONS)
        if words.positionals:
            raise UsageError(t('Put each part in an option: `/standup answer '
                               'yesterday:"met Acme" today:"demo for Globex" blockers:none`.'))
        if not words.options:
            raise UsageError(t('Say something: `/standup answer yesterday:"..." today:"..." '
                               "blockers:none` (missing parts are filled from what you "
                               "logged)."))
        return StandupAnswerArgs(words.options.get("yesterday"), words.options.get("today"),
                                 words.options.get("blockers"))
    if verb == "skip":
        if rest.strip():
            raise UsageError(t("`/standup skip` takes nothing more: it skips today's "
                               "stand-up."))
        return StandupSkip()
    if verb in ("ooo", "away", "out"):
        return parse_away(rest)
    if verb in ("now", "start"):
        words = parse_words(rest, ("team",))
        if words.positionals:
            raise UsageError(t('Use `/standup now` (or `/standup now team:"East"`).'))
        return StandupNow(words.options.get("team"))
    if verb == "report":
        words = parse_words(rest, ("team",))
        return StandupReportArgs(" ".join(words.positionals) or None, words.options.get("team"))
    guess = closest(verb, ("config", "answer", "skip", "ooo", "now", "report"))
    hint = t(" Did you mean `/standup {guess}`?", guess=guess) if guess else ""
    raise UsageError(t("`/standup {command}` is not a command.{hint} {usage}", command=head,
                       hint=hint, usage=t(_USAGE)))


StandupResult = StandupConfigResult | StandupDone | StandupReport


def run_standup(args: StandupArgs, *, session: Session, actor: Actor,
                now: datetime) -> StandupResult:
    if isinstance(args, StandupStatus):
        return standup_status(session, actor, now)
    if isinstance(args, StandupConfigure):
        return configure_standup(args, session, actor, now)
    if isinstance(args, StandupAnswerArgs):
        return answer_standup(args, session, actor, now)
    if isinstance(args, StandupSkip):
        return skip_standup(args, session, actor, now)
    if isinstance(args, StandupAway):
        return set_away(args, session, actor, now)
    if isinstance(args, StandupNow):
        return start_standup_now(args, session, actor, now)
    return standup_report(args, session, actor, now)


