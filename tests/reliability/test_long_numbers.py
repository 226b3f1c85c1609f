"""A number too long for any record or limit (an item number past PostgreSQL's integer, a
5,000-digit duration Python will not even convert) gets the same clear refusal as any
other out-of-range number, and writes nothing: never "Something went wrong"."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from commands.core.errors import UserFacingError
from tests.conftest import Chat
from tests.reliability.helpers import changed_tables, snapshot

ELEVEN, HUGE = "9" * 11, "9" * 5000

CASES = [
    ("bob", f"/sales action done A-{ELEVEN}", f"There is no action item A-{ELEVEN}…"),
    ("bob", f"/sales action done {HUGE}", "There is no action item A-999999999999…"),
    ("mia", f"/standup config window:{HUGE}m", "must be between 5 minutes and 12 hours"),
    ("mia", f"/standup config reminder:{HUGE}", "must be between 5 minutes and 12 hours"),
    ("mia", f"/sales config warnings stale_days:{HUGE}", "must be from"),
    ("mia", f"/target set team visits {HUGE} month:2026-12", "is not a count for visits"),
]


@pytest.mark.parametrize(("user", "line", "said"), CASES, ids=[c[1][:30] for c in CASES])
def test_an_overlong_number_is_refused_clearly(team: Chat, engine: Engine, user: str,
                                               line: str, said: str) -> None:
    before = snapshot(engine)
    with pytest.raises(UserFacingError) as refused:
        team.as_(user, line)
    assert said in refused.value.message
    assert changed_tables(before, snapshot(engine)) == []
