"""The daily stand-up as scheduled work: prompts, reminders, the summary in the team channel,
late answers in its thread, and blockers reported two stand-ups running.

Item kinds and subjects (the delivery key is kind:subject:day):
- standup_prompt    member:<id>  a DM with Answer / Skip today / Out of office buttons
- standup_reminder  member:<id>  one DM at prompt + reminder to those who have not answered
- standup_summary   team:<id>    the parent message in the team channel, one reply per answer
- standup_late      member:<id>  an answer given after the summary, posted in its thread
- standup_blocker   member:<id>  a DM to the team's managers: blocked two stand-ups running

A post to the team channel is in the team's language; a DM in its reader's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from commands.core.i18n import locale_of, use_locale
from commands.standup.answers import has_blockers
from commands.standup.reports import PersonAnswer, PersonRef, StandupSummary, summarize
from commands.standup.schedule import TeamSchedule, candidate_days, team_schedule
from jobs.due import DueItem, subject_id
from jobs.notify import Post
from storage import repo
from storage.models import DeliveryStatus, Member, StandupAnswer, StandupConfig

PROMPT = "standup_prompt"
REMINDER = "standup_reminder"
SUMMARY = "standup_summary"
LATE = "standup_late"
BLOCKER = "standup_blocker"

# --- messages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StandupPrompt:
    """Ask one person for their stand-up (or remind them)."""

    team_name: str
    day: date
    person: PersonRef
    closes_at: datetime  # when their answers are due, in their own timezone
    reminder: bool = False


@dataclass(frozen=True)
class StandupSummaryPost:
    """The parent message of a day's stand-up in the team channel."""

    summary: StandupSummary


@dataclass(frozen=True)
class StandupAnswerPost:
    """One person's answer, as a reply in the summary's thread."""

    team_name: str
    day: date
    answer: PersonAnswer


@dataclass(frozen=True)
class BlockerFlag:
    """Tell a manager that someone has reported a blocker two stand-ups running."""

    team_name: str
    day: date
    person: PersonRef
    blockers: str
    previous_day: date
    previous_blockers: str


# --- the source ---------------------------------------------------------------------------


def _key(kind: str, subject: str, day: date) -> str:
    return f"{kind}:{subject}:{day.isoformat()}"


class StandupSource:
    """Every team's stand-up, in each team's (or member's) own timezone."""

    kinds: tuple[str, ...] = (PROMPT, REMINDER, SUMMARY, LATE, BLOCKER)
    grace: timedelta | None = None

    def due(self, session: Session, now: datetime) -> Iterator[DueItem]:
        days = candidate_days(now)
        for cfg in repo.standups.live_configs(session):
            yield from self._team_due(session, cfg, days, now)

    def _team_due(self, session: Session, cfg: StandupConfig, days: list[date],
                  now: datetime) -> Iterator[DueItem]:
        team = cfg.team
        ws = team.workspace_id
        schedule = team_schedule(session, cfg, days)
        answers = {(a.member_id, a.day): a for a in repo.standups.answers_between(
            session, team.id, min(days) - timedelta(days=15), max(days))}
        reminders: list[tuple[date, int, datetime]] = []
        for day in days:
            s = schedule.day(day)
            if s is None:
                continue
            for member_id, at in s.prompts:
                if at > now or (member_id, day) in answers:
                    continue
                yield DueItem(PROMPT, f"member:{member_id}", day.isoformat(), at, ws)
                remind = s.reminder_at(member_id)
                if remind is not None and remind <= now:
                    reminders.append((day, member_id, remind))
            if s.summary_at > now:
                continue
            subject = f"team:{team.id}"
            yield DueItem(SUMMARY, subject, day.isoformat(), s.summary_at, ws)
            yield from self._after_summary(session, schedule, answers, day, s.summary_at)
        prompted = repo.deliveries.sent_times(session, [_key(PROMPT, f"member:{m}", d)
                                                   for d, m, _ in reminders])
        for day, member_id, at in reminders:
            # a prompt sent late (after a restart) is not followed by a reminder at once
            sent_at = prompted.get(_key(PROMPT, f"member:{member_id}", day))
            if sent_at is not None and sent_at < at:
                yield DueItem(REMINDER, f"member:{member_id}", day.isoformat(), at, ws)

    def _after_summary(self, session: Session, schedule: TeamSchedule,
                       answers: dict[tuple[int, date], StandupAnswer], day: date,
                       summary_at: datetime) -> Iterator[DueItem]:
        team = schedule.team
        ws = team.workspace_id
        summary = repo.deliveries.by_key(session, _key(SUMMARY, f"team:{team.id}", day))
        previous = schedule.previous_day(day)
        for (member_id, d), a in answers.items():
            if d != day or a.skipped:
                continue
            if summary is not None and summary.status == DeliveryStatus.SENT \
                    and a.answered_at > summary.created_at:
                yield DueItem(LATE, f"member:{member_id}", day.isoformat(), a.answered_at, ws)
            before = answers.get((member_id, previous)) if previous else None
            if has_blockers(a.blockers) and before is not None and not before.skipped \
                    and has_blockers(before.blockers):
                yield DueItem(BLOCKER, f"member:{member_id}", day.isoformat(),
                              max(summary_at, a.answered_at), ws)

    def build(self, session: Session, item: DueItem, claimed_at: datetime) -> Sequence[Post]:
        day = date.fromisoformat(item.local_period)
        if item.kind == SUMMARY:
            return self._summary(session, subject_id(item.subject), day, claimed_at)
        member = session.get(Member, subject_id(item.subject))
        if member is None or member.team is None:
            return ()
        cfg = repo.standups.config_for(session, member.team.id)
        answer = repo.standups.answer_for(session, member.id, day)
        if cfg is None:
            return ()
        if item.kind in (PROMPT, REMINDER):
            s = team_schedule(session, cfg, [day]).day(day)
            at = s.prompt_at(member.id) if s else None
            if at is None or answer is not None:
                return ()  # answered, skipped or away since it fell due
            closes = at + timedelta(minutes=cfg.window_minutes)
            lang = locale_of(member.language, member.slack_locale)
            with use_locale(lang):
                prompt = StandupPrompt(member.team.name, day, PersonRef.of(member),
                                       closes.astimezone(ZoneInfo(member.timezone)),
                                       reminder=item.kind == REMINDER)
            return (Post(member.slack_user_id, prompt, dm=True, lang=lang),)
        if answer is None or answer.skipped:
            return ()
        if item.kind == LATE:
            summary = repo.deliveries.by_key(session, _key(SUMMARY, f"team:{member.team.id}", day))
            if summary is None or summary.channel is None or summary.message_ts is None:
                return ()
            return (Post(summary.channel, StandupAnswerPost(member.team.name, day, PersonAnswer(
                PersonRef.of(member), answer.yesterday, answer.today, answer.blockers,
                answer.answered_at, late=True)), reply_to=summary.message_ts,
                lang=member.team.language),)
        if item.kind == BLOCKER:
            previous = team_schedule(session, cfg, [day]).previous_day(day)
            before = repo.standups.answer_for(session, member.id, previous) if previous else None
            if previous is None or before is None:
                return ()
            flag = BlockerFlag(member.team.name, day, PersonRef.of(member), answer.blockers,
                               previous, before.blockers)
            return tuple(Post(m.slack_user_id, flag, dm=True,
                              lang=locale_of(m.language, m.slack_locale))
                         for m in member.team.managers if m.id != member.id)
        return ()

    def _summary(self, session: Session, team_id: int, day: date,
                 claimed_at: datetime) -> Sequence[Post]:
        cfg = repo.standups.config_for(session, team_id)
        if cfg is None:
            return ()
        team = cfg.team
        with use_locale(team.language):
            summary = summarize(session, team, day, as_of=claimed_at)
        prompts = [_key(PROMPT, f"member:{m.id}", day) for m in team.members]
        if not summary.answered and not summary.skipped \
                and not repo.deliveries.sent_times(session, prompts):
            return ()  # nobody was asked (the bot was down) and nobody answered
        channel, lang = team.slack_channel_id, team.language
        return (Post(channel, StandupSummaryPost(summary), lang=lang),
                *(Post(channel, StandupAnswerPost(team.name, day, a), in_thread=True, lang=lang)
                  for a in summary.answered))
