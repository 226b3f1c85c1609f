"""A team channel that refuses salesbot's posts for good (archived, gone, or salesbot not in
it): the team's managers are told by DM, with the fix, once per channel and refusal.

The notice is a delivery of its own (kind `channel_refused`, one per team channel and
error), claimed like any other: however many posts the channel refuses, on however many
ticks and instances, its managers hear of it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from commands.core.i18n import locale_of
from jobs.due import DueItem
from jobs.notify import Post
from storage import repo
from storage.models import Team

KIND = "channel_refused"
# Slack's errors for a channel salesbot cannot post in until someone changes something.
CHANNEL_REFUSALS = frozenset({"is_archived", "channel_not_found", "not_in_channel"})


@dataclass(frozen=True)
class ChannelRefused:
    """Tell a manager that their team's channel refuses salesbot's posts, and the fix."""

    team: str
    channel_id: str
    error: str  # one of CHANNEL_REFUSALS


def notice_for(session: Session, workspace_id: int, channel_id: str, error: str,
               now: datetime) -> DueItem | None:
    """The notice to send about `channel_id` refusing a post with `error`; None when it is
    not a refusal managers can fix, or not a team's channel."""
    if error not in CHANNEL_REFUSALS:
        return None
    team = repo.workspaces.team_by_channel(session, workspace_id, channel_id)
    if team is None:
        return None
    return DueItem(KIND, f"team:{team.id}/channel:{channel_id}", error, now, workspace_id)


class ChannelRefusalSource:
    """Builds the notices; nothing is ever due by itself (the ticker makes them)."""

    kinds: tuple[str, ...] = (KIND,)
    grace: timedelta | None = None

    def due(self, session: Session, now: datetime) -> Iterable[DueItem]:
        return ()

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        team_part, _, channel_part = item.subject.partition("/")
        team = session.get(Team, int(team_part.removeprefix("team:")))
        if team is None:
            return []
        notice = ChannelRefused(team.name, channel_part.removeprefix("channel:"),
                                item.local_period)
        # each manager reads it in their own language, not the channel's
        return [Post(to=m.slack_user_id, message=notice, dm=True,
                     lang=locale_of(m.language, m.slack_locale)) for m in team.managers]
