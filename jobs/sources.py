"""The sources every ticker runs; a new kind of scheduled work adds itself here."""

from __future__ import annotations

from jobs.digest import DigestSource
from jobs.due import Source
from jobs.followups import FollowUpSource
from jobs.forecast import ForecastSource
from jobs.standup import StandupSource
from jobs.warnings import WarningSource


def default_sources() -> list[Source]:
    return [StandupSource(), DigestSource(), WarningSource(), ForecastSource(),
            FollowUpSource()]
