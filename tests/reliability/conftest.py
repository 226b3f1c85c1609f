"""Fixtures of the reliability tests: the running app behind signed HTTP, a failing database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.bot.test_http import slack  # noqa: F401 - the same app-over-HTTP fixture
from tests.reliability.helpers import FailingDatabase


@pytest.fixture
def failing_db(engine: Engine) -> Iterator[FailingDatabase]:
    """The test's engine, ready to fail on cue (healthy until told otherwise)."""
    with FailingDatabase(engine).installed() as db:
        yield db
