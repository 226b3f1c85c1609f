"""The follow-ups table: the next steps reps owe by a day.

storage.models imports (and re-exports) it, so import it from there.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models_base import Base, UTCDateTime

if TYPE_CHECKING:
    from storage.models import Activity, Customer, Deal, Member


class FollowUp(Base):
    """A next step a rep owes by a day (F-<id>): from a visit's or a deal's `next:`."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_owner_open", "owner_id", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deal.id"), index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))  # made by
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    closed_by_activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))

    owner: Mapped[Member] = relationship(foreign_keys=[owner_id])
    customer: Mapped[Customer | None] = relationship()
    deal: Mapped[Deal | None] = relationship()
    activity: Mapped[Activity | None] = relationship(foreign_keys=[activity_id])

    @property
    def ref(self) -> str:
        return f"F-{self.id}"
