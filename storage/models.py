"""SQLAlchemy models: the whole salesbot schema (the forecast call's tables are in
storage.models_forecast, the follow-ups' in storage.models_followups, imported here so every
model is on Base.metadata).

Money is stored as integer minor units (hundredths) with an ISO currency code, so sums are
exact on SQLite and PostgreSQL alike. Datetimes are stored as UTC and always come back
timezone-aware.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models_base import NAMING_CONVENTION as NAMING_CONVENTION
from storage.models_base import Base, UTCDateTime
from storage.models_followups import FollowUp as FollowUp
from storage.models_forecast import ForecastAdjustment as ForecastAdjustment
from storage.models_forecast import ForecastCall as ForecastCall
from storage.models_forecast import ForecastSchedule as ForecastSchedule
from storage.models_forecast import ForecastSettings as ForecastSettings


class Role(enum.StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class Tier(enum.StrEnum):
    A = "A"
    B = "B"
    C = "C"


class ActivityType(enum.StrEnum):
    VISIT = "visit"
    CALL = "call"
    DEMO = "demo"
    MEETING = "meeting"
    EMAIL = "email"


class Outcome(enum.StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    # Stored as plain strings (no native PostgreSQL enum) so adding a value needs no
    # ALTER TYPE; the CHECK constraint still keeps the data clean.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda e: [m.value for m in e],
    )


class Workspace(Base):
    """A Slack workspace (or the local console workspace)."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    default_currency: Mapped[str] = mapped_column(String(3), default="USD")
    default_timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Last deal number handed out; D-<n> references are numbered per workspace from 1.
    deal_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # False once the app is uninstalled (or its tokens revoked): data kept, nothing sent
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    stages: Mapped[list[Stage]] = relationship(
        back_populates="workspace", order_by="Stage.position", cascade="all, delete-orphan"
    )


class Stage(Base):
    """A deal stage with its configured win probability."""

    __tablename__ = "stage"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer)
    # Chance of winning a deal in this stage, in whole percent (won 100, lost 0).
    probability_pct: Mapped[int] = mapped_column(Integer)
    is_won: Mapped[bool] = mapped_column(default=False)
    is_lost: Mapped[bool] = mapped_column(default=False)

    workspace: Mapped[Workspace] = relationship(back_populates="stages")

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


team_manager = Table(
    "team_manager",
    Base.metadata,
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
)


class Team(Base):
    """A sales team bound to one Slack channel."""

    __tablename__ = "team"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name_key"),
        UniqueConstraint("workspace_id", "slack_channel_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    slack_channel_id: Mapped[str] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64))
    # the language of the team channel's posts ("zh", "en"); None: the workspace default
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    members: Mapped[list[Member]] = relationship(
        back_populates="team", foreign_keys="Member.team_id", order_by="Member.name"
    )
    managers: Mapped[list[Member]] = relationship(
        secondary=team_manager, back_populates="managed_teams", order_by="Member.name"
    )


class Member(Base):
    """A person in the workspace: rep, manager or admin."""

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"), default=Role.REP)
    timezone: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    started_on: Mapped[date | None] = mapped_column(Date)
    # the language they chose (/sales lang: "zh", "en"); None: "auto", their Slack locale
    language: Mapped[str | None] = mapped_column(String(8))
    slack_locale: Mapped[str | None] = mapped_column(String(16))  # users.info's, "zh-CN"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    managed_teams: Mapped[list[Team]] = relationship(
        secondary=team_manager, back_populates="managers"
    )


class Customer(Base):
    """A customer account; its name is unique per workspace ignoring case and spacing."""

    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    tier: Mapped[Tier] = mapped_column(_enum(Tier, "tier"), default=Tier.C)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    owner: Mapped[Member | None] = relationship()


class Deal(Base):
    """An opportunity, referenced in chat as D-<number>."""

    __tablename__ = "deal"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        Index("ix_deal_owner_stage", "owner_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[str] = mapped_column(String(32))
    expected_close: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lost_reason: Mapped[str | None] = mapped_column(Text)
    # The rep's forecast category (pipeline, best_case, commit, omitted); None: the stage's
    forecast_category: Mapped[str | None] = mapped_column(String(16))

    customer: Mapped[Customer] = relationship()
    owner: Mapped[Member] = relationship()
    history: Mapped[list[DealHistory]] = relationship(
        back_populates="deal", order_by="DealHistory.id", cascade="all, delete-orphan"
    )

    @property
    def ref(self) -> str:
        return f"D-{self.number}"

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_minor) / 100

    @amount.setter
    def amount(self, value: Decimal) -> None:
        self.amount_minor = to_minor(value)


class DealHistory(Base):
    """One change of a deal's stage, amount or expected close date."""

    __tablename__ = "deal_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(16))  # stage | amount | close | forecast
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str | None] = mapped_column(String(64))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    deal: Mapped[Deal] = relationship(back_populates="history")
    changed_by: Mapped[Member] = relationship()


class Activity(Base):
    """A visit, call, demo, meeting or email with a customer."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_member_day", "member_id", "occurred_on"),
        Index("ix_activity_customer_day", "customer_id", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    type: Mapped[ActivityType] = mapped_column(_enum(ActivityType, "activity_type"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deal.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome, "outcome"))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime())

    customer: Mapped[Customer] = relationship()
    deal: Mapped[Deal | None] = relationship()
    member: Mapped[Member] = relationship()


class ProcessedRequest(Base):
    """A Slack request already applied: a trigger_id or event_id seen once is never redone."""

    __tablename__ = "processed_request"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A slash command's reply (JSON, as Slack takes it): a retry of a command already
    # applied answers with it instead of an empty acknowledgement.
    reply: Mapped[str | None] = mapped_column(Text)


def to_minor(value: Decimal) -> int:
    """Convert a money amount to integer hundredths, rounding half-even."""
    return int((value * 100).quantize(Decimal(1)))


class Target(Base):
    """A target for a team or a rep, on one metric and one period, in three tiers."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("workspace_id", "scope_key", "metric", "period_kind", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    # "team:<id>" or "member:<id>": one unique key for both scopes (NULLs are never equal)
    scope_key: Mapped[str] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(16))
    period_kind: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # Hundredths, for money and counts alike (a target of 2.5 visits a day is 250).
    target_minor: Mapped[int] = mapped_column(BigInteger)
    stretch_minor: Mapped[int | None] = mapped_column(BigInteger)
    challenge_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    # How the target is shared out: "even", "weights alice:2 bob:1", "seasonal".
    split: Mapped[str] = mapped_column(String(200), default="even")
    set_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the target was first set: pace is judged from then (or the period's start), and
    # a later change of the amount does not restart it.
    first_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


WORKSPACE_SCOPE = "workspace"  # a lock on every team's targets


class TargetChange(Base):
    """A change to a target made after its period was locked: who, when, from what to what."""

    __tablename__ = "target_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"),
                                           index=True)
    old_minor: Mapped[int | None] = mapped_column(BigInteger)
    new_minor: Mapped[int] = mapped_column(BigInteger)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PeriodLock(Base):
    """A period whose targets are frozen (admins may still change them, on the record).

    The lock is one team's ("team:<id>": its targets and its reps'), one rep's
    ("member:<id>"), or every team's ("workspace", only an admin sets it).
    """

    __tablename__ = "period_lock"
    __table_args__ = (
        UniqueConstraint("workspace_id", "scope_key", "period_kind", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    scope_key: Mapped[str] = mapped_column(String(32), default=WORKSPACE_SCOPE,
                                           server_default=WORKSPACE_SCOPE)
    period_kind: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    locked_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Holiday(Base):
    """A team's non-working day, excluded from working-day splits and prompts."""

    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("team_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200), default="")


# --- scheduling and stand-ups -----------------------------------------------------------------


class DeliveryStatus(enum.StrEnum):
    CLAIMED = "claimed"  # an instance won the claim and is sending it now
    RETRYING = "retrying"  # a send failed; the next tick after next_attempt_at tries again
    SENT = "sent"
    FAILED = "failed"  # gave up: too many failed tries, a permanent error, or outcome unknown
    SKIPPED = "skipped"  # past its grace window, or nothing left to say


class Delivery(Base):
    """One scheduled message (a stand-up prompt, a summary, a digest...) and its fate.

    The unique key "kind:subject:local_period" is the claim: whichever instance inserts it
    first sends the item, so several bot instances on one database send it exactly once.
    """

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"),
                                              index=True)
    # standup_prompt, standup_reminder, standup_summary, ... later digest, warning: a plain
    # string (not a CHECK-ed enum) so a new kind of job needs no migration.
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # member:12, team:3
    local_period: Mapped[str] = mapped_column(String(32))  # 2026-11-23, 2026-W48
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus, "delivery_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # RETRYING: when to try again; CLAIMED: when the claim is presumed dead.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))  # of the first message posted
    # Messages of this item already posted (a summary is a parent plus thread replies): a
    # retry resumes after them instead of posting them again.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    # A post handed to Slack and not yet recorded: if the sender dies now, whether it went
    # out is unknown, so the item is marked failed rather than sent twice.
    sending: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StandupConfig(Base):
    """A team's daily stand-up: when it is, for how long, and who is reminded when."""

    __tablename__ = "standup_config"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    prompt_time: Mapped[time] = mapped_column(Time())  # local wall-clock time of the prompt
    days: Mapped[str] = mapped_column(String(32))  # "mon,tue,wed,thu,fri"
    tz_mode: Mapped[str] = mapped_column(String(8))  # team | local
    window_minutes: Mapped[int] = mapped_column(Integer)
    reminder_minutes: Mapped[int] = mapped_column(Integer)  # 0: no reminder
    # Stand-ups due before this moment are not sent (nor reported missed) when it is turned on.
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A one-off stand-up started with `/standup now`: its day (team-local) and start instant.
    adhoc_day: Mapped[date | None] = mapped_column(Date)
    adhoc_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    team: Mapped[Team] = relationship()


class StandupAnswer(Base):
    """A member's answer to one day's stand-up, or their choice to skip it."""

    __tablename__ = "standup_answer"
    __table_args__ = (
        UniqueConstraint("member_id", "day"),
        Index("ix_standup_answer_team_day", "team_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    skipped: Mapped[bool] = mapped_column(default=False)
    yesterday: Mapped[str] = mapped_column(Text, default="")
    today: Mapped[str] = mapped_column(Text, default="")
    blockers: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship()


class OutOfOffice(Base):
    """Days a member is away: no stand-up prompts, shown as out of office in summaries."""

    __tablename__ = "out_of_office"
    __table_args__ = (Index("ix_out_of_office_member_end", "member_id", "end_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    start_day: Mapped[date] = mapped_column(Date)
    end_day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ActionItem(Base):
    """A PDCA action item from the weekly review: who does what by when."""

    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_team_open", "team_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    # The warning it answers, and the metric that shows whether it worked, with its value
    # when the item was made (Decimal as text): checked at the next weekly review.
    link_rule: Mapped[str | None] = mapped_column(String(32))
    link_subject: Mapped[str | None] = mapped_column(String(64))
    link_metric: Mapped[str | None] = mapped_column(String(96))
    link_label: Mapped[str | None] = mapped_column(String(200))
    link_value: Mapped[str | None] = mapped_column(String(40))

    owner: Mapped[Member] = relationship(foreign_keys=[owner_id])
    team: Mapped[Team] = relationship()


class TeamSettings(Base):
    """A team's schedule and warning settings, as `/sales config` set them."""

    __tablename__ = "team_settings"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"),
                                         primary_key=True)
    digest_day: Mapped[int] = mapped_column(default=0)  # Monday = 0
    digest_time: Mapped[str] = mapped_column(String(5), default="08:30")
    digest_enabled: Mapped[bool] = mapped_column(default=True)
    warnings: Mapped[str] = mapped_column(Text, default="")  # key:value pairs
    # whether reps see teammates' deal cards ("team") or only their own ("own")
    deal_cards: Mapped[str] = mapped_column(String(8), default="team", server_default="team")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WarningState(Base):
    """What the team was last told about one deviation: for cooldown, snooze and ack."""

    __tablename__ = "warning_state"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))  # Deviation.key: rule:subject
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int] = mapped_column(default=1)
    message: Mapped[str] = mapped_column(Text)
    fix: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    posted_severity: Mapped[int | None] = mapped_column()
    message_ts: Mapped[str | None] = mapped_column(String(32))
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snooze_reason: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    active: Mapped[bool] = mapped_column(default=True)


class FxRate(Base):
    """An exchange rate an admin set: one unit of `currency` is worth `rate` of `quote`.

    Kept with who set it and when, because every converted figure names its rate.
    """

    __tablename__ = "fx_rate"
    __table_args__ = (UniqueConstraint("workspace_id", "currency", "quote"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    # The exact decimal as typed ("1.08"): SQLite has no exact decimal column type.
    rate_text: Mapped[str] = mapped_column(String(40))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())

    set_by: Mapped[Member] = relationship()

    @property
    def rate(self) -> Decimal:
        return Decimal(self.rate_text)


from storage import installations as _installations  # noqa: E402, F401 - in the schema
