"""/followups in 简体中文: the list, a change and an error; English stays as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from commands.core.errors import UsageError
from storage.models import Member
from tests.conftest import Chat


@pytest.fixture
def owed(team: Chat) -> Chat:
    """alice owes Acme a quote by Friday and reads Chinese; bob reads English."""
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:2026-11-27')
    with team.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == "UALICE")
                        .values(language="zh"))
    return team


def test_the_list_and_a_snooze_are_in_chinese(owed: Chat) -> None:
    out = owed.say("alice", "/followups")
    assert "你已逾期及未来7天内到期的跟进事项*（1）：" in out or \
        "你已逾期及未来7天内到期的跟进事项（1）：" in out
    assert "F-1 send quote · Acme Corp — 截止 11月27日 周五" in out
    assert "`/followups 全部` 可显示更晚的跟进事项。" in out
    assert "F-1 已延后：截止 11月30日 周一（原为 11月27日 周五）。" in owed.say(
        "alice", "/followups snooze F-1 2026-11-30")
    assert "F-1 已完成：send quote · Acme Corp。" in owed.say("alice", "/followups done F-1")
    assert "你没有已逾期或未来7天内到期的跟进事项。" in owed.say("alice", "/followups")


def test_errors_are_in_chinese_and_english_is_unchanged(owed: Chat) -> None:
    with pytest.raises(UsageError, match="没有跟进事项 F-9"):
        owed.say("alice", "/followups done F-9")
    with pytest.raises(UsageError, match="There is no follow-up F-9"):
        owed.say("bob", "/followups done F-9")
    assert "Your follow-ups overdue and due in the next 7 days: none." in owed.say(
        "bob", "/followups")
