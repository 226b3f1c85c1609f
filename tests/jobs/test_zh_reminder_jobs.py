"""The follow-up DM and the forecast DM in each person's language: a rep who chose Chinese
gets them in Chinese (buttons too), one who did not gets today's English."""

from __future__ import annotations

from sqlalchemy import update

from bot.dispatch import Deps
from bot.render import render
from jobs.followups import FollowUpReminder, FollowUpSource
from jobs.forecast import ForecastPrompt, ForecastSource
from jobs.ticker import Ticker
from tests.conftest import Chat, Clock
from tests.jobs.recording import RecordingNotifier, set_timezone, utc


class RenderingNotifier(RecordingNotifier):
    """Records each message as Slack would receive it: rendered when it is sent (in the
    language the ticker sends it in), with its button texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered: dict[str, list[str]] = {}

    def send(self, to: str, message: object, thread_ts: str | None = None) -> str:
        reply = render(message)
        buttons = [e.get("text", {}).get("text", "") for b in reply.as_message()["blocks"]
                   if b["type"] == "actions" for e in b["elements"]]
        self.rendered.setdefault(to, []).append("\n".join([reply.plain(), *buttons]))
        return super().send(to, message, thread_ts)


def speaks_chinese(deps: Deps, user_id: str) -> None:
    with deps.session_factory.begin() as session:
        from storage.models import Member
        session.execute(update(Member).where(Member.slack_user_id == user_id)
                        .values(language="zh"))


def test_the_follow_up_dm_is_in_each_owners_language(team: Chat, deps: Deps,
                                                     clock: Clock) -> None:
    clock.now = utc(2026, 11, 22, 2)
    team.say("alice", '/visit "Acme Corp" next:"send quote" by:2026-11-23')
    team.say("bob", '/visit "Beta Ltd" next:"demo" by:2026-11-23')
    speaks_chinese(deps, "UALICE")
    for user_id in ("UALICE", "UBOB"):
        set_timezone(deps.session_factory, user_id, "Asia/Shanghai")
    notifier = RenderingNotifier()
    Ticker(deps.session_factory, notifier, [FollowUpSource()]).tick(utc(2026, 11, 24, 1, 0))
    assert len(notifier.of(FollowUpReminder)) == 2  # 09:00 in Shanghai, the day after
    [alice] = notifier.rendered["DUALICE"]
    assert "alice，早上好！你的跟进事项：逾期 1 项。" in alice
    assert "F-1 send quote · Acme Corp — 逾期 1 天（截止 昨天）" in alice
    assert "完成" in alice and "记录拜访" in alice and "Log visit" not in alice
    [bob] = notifier.rendered["DUBOB"]
    assert "Good morning bob! Your follow-ups: 1 overdue." in bob
    assert "overdue 1 day (due yesterday)" in bob and "Log visit" in bob


def test_the_forecast_dm_is_in_the_reps_language(team: Chat, deps: Deps) -> None:
    team.say("alice", '/deal new "A1" customer:"Acme" amount:120k stage:proposal '
                      "close:2026-11-27")
    speaks_chinese(deps, "UALICE")
    notifier = RenderingNotifier()
    Ticker(deps.session_factory, notifier, [ForecastSource()]).tick(utc(2026, 11, 23, 2, 0))
    assert len(notifier.of(ForecastPrompt)) == 2
    [alice] = notifier.rendered["DUALICE"]
    assert "East的预测承诺：请在今天 15:00 前提交2026年11月和2026年第4季度的预测。" in alice
    assert "A1 · " in alice and "· 最佳情况" in alice and "提交我的预测" in alice
    [bob] = notifier.rendered["DUBOB"]
    assert "Forecast call for East: please call 2026-11 and 2026-Q4 by 15:00 today." in bob
    assert "Submit my call" in bob
