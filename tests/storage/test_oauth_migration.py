"""Migration 0012: the install flow's tables and the workspace's active flag, down and up."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from storage.db import alembic_config, upgrade

OAUTH_TABLES = {"slack_bots", "slack_installations", "slack_oauth_states"}


def test_install_tables_and_active_flag_migrate_down_and_up(db_url: str,
                                                            engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= OAUTH_TABLES
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO workspace (slack_team_id, name, default_currency, "
                          "default_timezone, deal_seq, created_at) VALUES ('T1', 'One', "
                          "'USD', 'UTC', 0, '2026-11-22 09:00:00')"))
    cfg = alembic_config(db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    assert not OAUTH_TABLES & set(inspect(engine).get_table_names())
    assert "active" not in {c["name"] for c in inspect(engine).get_columns("workspace")}
    upgrade(db_url)
    assert set(inspect(engine).get_table_names()) >= OAUTH_TABLES
    with engine.connect() as conn:  # a workspace there before is active
        assert conn.execute(text("SELECT active FROM workspace")).scalar_one() in (True, 1)
