"""GET /healthz, over HTTP and in Socket Mode alike: 200 while the database answers, 503
(and a logged reason) when it does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from bot.server import health, is_health_check


def answer(engine: Any) -> tuple[str, bytes]:
    said: list[str] = []
    body = b"".join(health(engine, lambda status, headers: said.append(status)))
    return said[0], body


def test_a_reachable_database_is_healthy(tmp_path: Path) -> None:
    assert answer(create_engine(f"sqlite:///{tmp_path / 'ok.db'}")) == ("200 OK", b"ok\n")


def test_an_unreachable_database_is_503_and_logged(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    assert answer(engine) == ("503 Service Unavailable", b"database unreachable\n")
    assert "health check: database unreachable" in caplog.text


def test_only_get_and_head_on_healthz_are_health_checks() -> None:
    assert is_health_check({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"})
    assert is_health_check({"PATH_INFO": "/healthz", "REQUEST_METHOD": "HEAD"})
    assert not is_health_check({"PATH_INFO": "/healthz", "REQUEST_METHOD": "POST"})
    assert not is_health_check({"PATH_INFO": "/metrics", "REQUEST_METHOD": "GET"})
