"""Fixtures of the reliability tests: a failing database, the workspace of the read tests set
up once a module, and `salesbot run` in Socket Mode."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage.db import make_engine
from tests.bot.helpers import SALESBOT_RUN, salesbot_env
from tests.reliability.helpers import FailingDatabase
from tests.reliability.read_world import set_up
from tests.reliability.socket_helpers import START_S, Salesbot
from tests.reliability.socket_stub import SocketModeStub
from tests.slack_stub import SlackStub


@pytest.fixture
def failing_db(engine: Engine) -> Iterator[FailingDatabase]:
    """The test's engine, ready to fail on cue (healthy until told otherwise)."""
    with FailingDatabase(engine).installed() as db:
        yield db


@pytest.fixture(scope="module")
def reads(module_db_url: str) -> Iterator[Engine]:
    """The workspace of tests/reliability/read_world.py, on each backend, set up once for the
    module."""
    eng = make_engine(module_db_url)
    try:
        set_up(eng)
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def salesbot(db_url: str, tmp_path: Path) -> Iterator[Salesbot]:
    with SlackStub() as slack, SocketModeStub() as socket_mode:
        for user, name in (("UALICE", "Alice"), ("UBOB", "Bob"), ("UNEW", "Nia")):
            slack.add_user(user, name, "Asia/Shanghai")
        slack.socket_mode_url = socket_mode.url
        env = salesbot_env(slack.api_url, db_url, SLACK_APP_TOKEN="xapp-test")
        proc = subprocess.Popen(SALESBOT_RUN, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        bot = Salesbot(slack, socket_mode, proc)
        reader = threading.Thread(target=bot.read, daemon=True)
        reader.start()
        try:
            socket_mode.wait_connections(1, timeout=START_S)
            bot.wait_line("salesbot is running in Socket Mode", timeout=START_S)
            yield bot
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(30)
            reader.join(10)
