"""/standup and its forms in 简体中文, for a member who chose Chinese."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.views.standup import standup_answer_form, standup_away_form
from commands.core.errors import UsageError
from commands.core.i18n import use_locale
from commands.standup.draft import StandupDraft
from storage.models import Member
from tests.conftest import Chat, Clock

MONDAY_0945 = datetime.fromisoformat("2026-11-23T01:45:00+00:00")  # 09:45 in Shanghai


def speaks(chat: Chat, user: str, language: str) -> None:
    with chat.deps.session_factory.begin() as session:
        session.execute(update(Member).where(Member.slack_user_id == f"U{user.upper()}")
                        .values(language=language))


@pytest.fixture
def standup(team: Chat) -> Chat:
    team.say("mia", "/standup config time:09:30 days:mon-fri")
    speaks(team, "alice", "zh")
    return team


def test_settings_and_status_read_in_chinese(standup: Chat) -> None:
    status = standup.say("alice", "/standup")
    assert "East的晨会：已开启" in status
    assert "周一–周五 09:30，团队时间（Asia/Shanghai） · 回答时间 2小时 · 30分钟后提醒" in status
    assert "下一次：11月23日 周一" in status
    assert "stand-up" not in status.replace("/standup", "")
    # mia chose no language: hers stays English
    assert "Stand-up of East*: on" in standup.as_("mia", "/standup").text  # type: ignore[union-attr]


def test_answer_skip_and_away_are_confirmed_in_chinese(standup: Chat, clock: Clock) -> None:
    clock.now = MONDAY_0945
    done = standup.say("alice", '/standup answer yesterday:"拜访了 Acme" today:"演示" '
                                'blockers:"等法务"')
    assert done == "谢谢！你今天的晨会已提交。你的阻碍已写进总结，经理会看到。"
    with pytest.raises(UsageError, match="你已经回答了今天的晨会，无需跳过。"):
        standup.say("alice", "/standup skip")
    away = standup.say("alice", "/standup ooo 2026-12-01..2026-12-03")
    assert away.startswith("外出 12月1日 周二 → 12月3日 周四：不会收到晨会提醒")


def test_a_day_without_stand_up_is_refused_in_chinese(standup: Chat, clock: Clock) -> None:
    clock.now = MONDAY_0945 - timedelta(days=1)  # Sunday
    with pytest.raises(UsageError, match="East今天（星期日）没有晨会") as refused:
        standup.say("alice", '/standup answer today:"休息"')
    assert str(refused.value).endswith("下一次晨会是11月23日 周一 01:30，到时再回答。")


def _draft() -> StandupDraft:
    return StandupDraft(date(2026, 11, 23), "East", date(2026, 11, 20), "• 拜访：Acme", "",
                        "", None)


def test_the_answer_form_is_in_chinese() -> None:
    with use_locale("zh"):
        form = standup_answer_form(_draft(), "C0EAST").to_dict()
    assert form["title"]["text"] == "晨会" and form["submit"]["text"] == "发送"
    labels = [b["label"]["text"] for b in form["blocks"] if b["type"] == "input"]
    assert labels == ["昨天（11月20日 周五）", "今天", "阻碍"]
    assert "*East* 11月23日 周一的晨会" in form["blocks"][0]["elements"][0]["text"]
    english = standup_answer_form(_draft(), "C0EAST").to_dict()
    assert [b["label"]["text"] for b in english["blocks"] if b["type"] == "input"] == [
        "Yesterday (Fri 20 Nov)", "Today", "Blockers"]


def test_the_out_of_office_form_is_in_chinese() -> None:
    with use_locale("zh"):
        form = standup_away_form(date(2026, 11, 23), None).to_dict()
    assert form["title"]["text"] == "外出" and form["submit"]["text"] == "保存"
    assert [b["label"]["text"] for b in form["blocks"]] == ["从", "到（含当天）"]
