"""Deviation warnings (异常预警) on the ticker: check every team's rules twice a working day
and post what the team should hear now to its channel.

Item kind `warning_check`, subject team:<id>, local period 2026-11-23T10 (the team's day and
the hour of the check). A check is due at each of CHECK_TIMES in Team.timezone on the
team's working days: Monday to Friday, not on its holidays (`/sales holiday add`).

Building a check runs the rules (commands.warnings.checks.team_deviations with the team's
`/sales config warnings` settings) and makes one channel message of the warnings to post
now (commands.warnings.warnings.reason_to_post: new, worse, or again after the cooldown; never while
snoozed; after Acknowledge only when worse), at most MAX_WARNINGS of them, the rest counted
("and 3 more") and left for the next check. Nothing to post: no message. Once the message is
sent, `posted` records each warning in WarningState; when there was nothing to post,
`nothing_to_send` still records which warnings fire, so a resolved one is new when it
returns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.fx import LeftOut
from commands.core.i18n import use_locale
from commands.warnings.deviations import Deviation
from commands.warnings.warnings import (
    PostReason,
    evaluate,
    evaluate_named,
    reason_to_post,
    record_firing,
    record_posted,
    states_of,
    team_config,
)
from jobs.due import DueItem, subject_id
from jobs.notify import Post
from storage import repo
from storage.models import Team

KIND = "warning_check"
# When the rules are checked, in the team's timezone: mid-morning, after the stand-up, and
# mid-afternoon, while there is still time to act the same day.
CHECK_TIMES = (time(10, 0), time(15, 0))
MONEY_RULES = ("behind_pace", "coverage_gap")  # rules judged on revenue and pipeline amounts
MAX_WARNINGS = 8  # per message; the rest wait for the next check (and /sales warnings)


@dataclass(frozen=True)
class WarningPost:
    """The warnings a check posts to a team channel.

    Args:
        more: warnings also due now but left out to keep the message short.
        firing: the key of every warning firing at the check, posted or not.
        reasons: key -> why it is posted now: new, worse, again (after the cooldown).
        mentions: owner ("member:12") -> Slack user id, for deal and customer warnings.
    """

    team_id: int
    team_name: str
    warnings: tuple[Deviation, ...]
    more: int = 0
    firing: tuple[str, ...] = ()
    reasons: tuple[tuple[str, PostReason], ...] = ()
    mentions: tuple[tuple[str, str], ...] = ()
    first: bool = False  # the team's first post: one calm summary of everything firing
    # deals a revenue or pipeline warning above could not count (another currency, no rate)
    left_out: tuple[LeftOut, ...] = ()

    def reason(self, d: Deviation) -> PostReason:
        return dict(self.reasons).get(d.key, "new")

    def mention(self, d: Deviation) -> str | None:
        """The Slack user id of the deal's or customer's owner, if any."""
        return dict(self.mentions).get(d.owner) if d.owner else None


def check_times(tz: str, moment: datetime) -> list[tuple[str, datetime]]:
    """The checks of the day (in `tz`) containing `moment`, as (local period, when)."""
    zone = ZoneInfo(tz)
    day = moment.astimezone(zone).date()
    return [(f"{day.isoformat()}T{at:%H}", datetime.combine(day, at, zone))
            for at in CHECK_TIMES]


class WarningSource:
    """Every team's deviation checks, in the team's timezone, on its working days."""

    kinds: tuple[str, ...] = (KIND,)
    grace: timedelta | None = None

    def due(self, session: Session, now: datetime) -> Iterator[DueItem]:
        # Cheap on purpose (every tick, every instance): no rule is evaluated here.
        for team in repo.workspaces.all_teams(session):
            checks = [(p, at) for p, at in check_times(team.timezone, now) if at <= now]
            if not checks or checks[0][1].weekday() >= 5:
                continue
            if checks[0][1].date() in repo.targets.holidays(session, team.id):
                continue
            for period, at in checks:
                yield DueItem(KIND, f"team:{team.id}", period, at, team.workspace_id)

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        team = session.get(Team, subject_id(item.subject))
        if team is None:
            return []
        # the warnings' texts are written as the rules run: in the team channel's language
        with use_locale(team.language):
            return self._build(session, team, claimed_at)

    def _build(self, session: Session, team: Team, claimed_at: datetime) -> list[Post]:
        found, left_out = evaluate_named(session, team, claimed_at)
        states = states_of(session, team.id)
        cooldown = team_config(session, team).cooldown
        due = [(d, why) for d in found
               if (why := reason_to_post(d, states.get(d.key), cooldown, claimed_at))]
        if not due:
            return []
        due.sort(key=lambda dw: -dw[0].severity)  # stable: rule order within a severity
        # A team's first post after set-up summarises all that fires at once (a target set
        # mid-period finds a backlog); it is recorded as posted, so each warning after it is
        # news: new, worse, or still there after its cooldown.
        first = not states
        shown = due if first else due[:MAX_WARNINGS]
        owners = {int(d.owner.rpartition(":")[2]) for d, _ in shown if d.owner}
        slack_ids = {f"member:{i}": m.slack_user_id
                     for i, m in repo.workspaces.members_by_id(session, owners).items()}
        return [Post(team.slack_channel_id, WarningPost(
            team_id=team.id, team_name=team.name,
            warnings=tuple(d for d, _ in shown), more=len(due) - len(shown),
            firing=tuple(d.key for d in found),
            reasons=tuple((d.key, why) for d, why in shown),
            mentions=tuple(sorted({(d.owner, slack_ids[d.owner]) for d, _ in shown
                                   if d.owner is not None and d.owner in slack_ids})),
            first=first,
            left_out=(left_out if any(d.rule in MONEY_RULES for d, _ in shown) else ()),
        ), lang=team.language)]

    def posted(self, session: Session, item: DueItem, post: Post, ts: str,
               now: datetime) -> None:
        """Record the warnings just posted, and mark those no longer firing inactive."""
        message = post.message
        if isinstance(message, WarningPost):
            record_posted(session, message.team_id, message.warnings, message.firing, ts, now)

    def nothing_to_send(self, session: Session, item: DueItem, now: datetime) -> None:
        """Nothing to post: still record which warnings fire, so resolved ones are noticed."""
        team = session.get(Team, subject_id(item.subject))
        if team is not None:
            record_firing(session, team.id, [d.key for d in evaluate(session, team, now)], now)
