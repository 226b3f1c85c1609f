"""The forecast call's tables: settings, schedules, calls and adjustments.

storage.models imports (and re-exports) them, so import them from there.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models_base import Base, UTCDateTime


class ForecastSettings(Base):
    """A workspace's stage → forecast category defaults (`/sales config forecast ...`)."""

    __tablename__ = "forecast_settings"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"),
                                              primary_key=True)
    categories: Mapped[str] = mapped_column(Text, default="")  # "proposal:best_case ..."
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ForecastSchedule(Base):
    """A team's weekly forecast call: when the DM goes out and when its reminder is due."""

    __tablename__ = "forecast_schedule"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"),
                                         primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    weekday: Mapped[int] = mapped_column(default=0)  # Monday = 0
    at: Mapped[str] = mapped_column(String(5), default="10:00")  # team-local
    deadline: Mapped[str] = mapped_column(String(5), default="15:00")  # team-local, same day
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ForecastCall(Base):
    """A rep's call for a month or quarter: what they commit to and their best case.

    Every submission is kept: the first and the last call are scored, and the week's
    movement is the difference between two of them.
    """

    __tablename__ = "forecast_call"
    __table_args__ = (Index("ix_forecast_call_member_period", "member_id", "period_kind",
                            "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    period_kind: Mapped[str] = mapped_column(String(8))  # month | quarter
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    commit_minor: Mapped[int] = mapped_column(BigInteger)
    best_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ForecastAdjustment(Base):
    """A manager's figure beside a rep's (or the team's) call, with the reason: the call
    itself is never changed."""

    __tablename__ = "forecast_adjustment"
    __table_args__ = (Index("ix_forecast_adjustment_team_period", "team_id", "period_kind",
                            "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    period_kind: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    commit_minor: Mapped[int] = mapped_column(BigInteger)
    best_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    adjusted_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    adjusted_at: Mapped[datetime] = mapped_column(UTCDateTime())
