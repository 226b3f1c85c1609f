"""Fixtures of the reliability tests: the running app behind signed HTTP, a failing database."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.app import create_app
from bot.dispatch import Deps
from bot.server import make_server, make_wsgi, stop_server
from tests.bot.test_http import SECRET, Client
from tests.reliability.helpers import FailingDatabase
from tests.slack_stub import SlackStub


@pytest.fixture
def slack(deps: Deps, engine: Engine) -> Iterator[Client]:
    """The app served over HTTP, its Web API pointed at a local stub of Slack."""
    with SlackStub() as stub:
        stub.add_user("UMIA", "Mia", "Asia/Shanghai")
        stub.add_user("UALICE", "Alice", "America/Los_Angeles")
        stub.add_user("UBOB", "Bob", "Asia/Shanghai")
        app = create_app(deps, token="xoxb-test", signing_secret=SECRET, api_url=stub.api_url)
        server = make_server(make_wsgi(app, engine), host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            yield Client(server.effective_port, stub)
        finally:
            stop_server(server)
            thread.join(timeout=10)
            assert not thread.is_alive(), "the HTTP server did not stop"


@pytest.fixture
def failing_db(engine: Engine) -> Iterator[FailingDatabase]:
    """The test's engine, ready to fail on cue (healthy until told otherwise)."""
    with FailingDatabase(engine).installed() as db:
        yield db
