"""A team channel that refuses salesbot's posts: each manager is told in their language."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from commands.core.i18n import use_locale
from jobs.due import DueItem
from jobs.refusals import ChannelRefusalSource, ChannelRefused
from storage.models import Member, Team
from tests.conftest import Chat


def test_a_refused_channel_is_told_to_each_manager_in_their_language(
        team: Chat, session_factory: sessionmaker[Session]) -> None:
    with use_locale(None):  # registering people sets the caller's language
        team.say("mia", "/sales team add <@UWES|wes>")
        team.say("mia", "/sales role <@UWES|wes> manager")
    with session_factory.begin() as session:
        east = session.scalars(select(Team).where(Team.name == "East")).one()
        people = {m.name: m for m in session.scalars(select(Member))}
        people["mia"].language = "zh"  # her own choice
        people["wes"].slack_locale = "en-GB"  # from Slack; he chose nothing
        if people["wes"] not in east.managers:
            east.managers.append(people["wes"])
        session.flush()
        item = DueItem("channel_refused", f"team:{east.id}/channel:C0EAST", "is_archived",
                       datetime(2026, 11, 23, 2, tzinfo=UTC),
                       east.workspace_id)
        posts = ChannelRefusalSource().build(session, item, item.due_at)
    langs = {post.to: post.lang for post in posts}
    assert langs == {"UMIA": "zh", "UWES": "en"}
    assert all(isinstance(post.message, ChannelRefused) and post.dm for post in posts)
