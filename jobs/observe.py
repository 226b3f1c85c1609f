"""What the ticker tells whoever watches it (metrics, log lines), without jobs knowing who.

The bot passes a `TickObserver` (bot.metrics.DeliveryObserver) to the Ticker; jobs never
import the bot, so this small protocol is the whole of the contract.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from jobs.due import DueItem
    from jobs.ticker import TickReport

# What became of a delivery in one pass; "retried": it failed and will be tried again
DELIVERY_STATUSES = ("sent", "retried", "failed", "skipped")


class TickObserver(Protocol):
    """Told about every delivery attempt and every pass of the ticker."""

    def delivered(self, item: DueItem, status: str, seconds: float, now: datetime) -> None:
        """An attempt at `item` ended as `status` (one of DELIVERY_STATUSES) after
        `seconds`, in the pass at `now`."""
        ...

    def ticked(self, now: datetime, report: TickReport, seconds: float) -> None:
        """The pass at `now` took `seconds` and did `report`."""
        ...


class Unobserved:
    """Nobody is watching (the default, and `salesbot tick`)."""

    def delivered(self, item: DueItem, status: str, seconds: float, now: datetime) -> None:
        pass

    def ticked(self, now: datetime, report: TickReport, seconds: float) -> None:
        pass


def delivery_status(report: TickReport, key: str) -> str | None:
    """What the pass recorded in `report` for delivery `key`; None if nothing yet."""
    for status, keys in (("sent", report.sent), ("retried", report.retrying),
                         ("failed", report.failed), ("skipped", report.skipped)):
        if key in keys:
            return status
    return None
