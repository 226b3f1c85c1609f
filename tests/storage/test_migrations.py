"""The Alembic migrations build exactly the schema the models describe, and step back."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from storage.db import alembic_config, current_revision, upgrade
from storage.models import Base

STAND_UP_TABLES = {"delivery", "standup_config", "standup_answer", "out_of_office"}


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_deliveries_and_stand_ups_migrate_down_and_up(db_url: str, engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= STAND_UP_TABLES
    cfg = alembic_config(db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert not STAND_UP_TABLES & set(inspect(engine).get_table_names())
    upgrade(db_url)
    assert current_revision(db_url) == ScriptDirectory.from_config(cfg).get_current_head()
    assert set(inspect(engine).get_table_names()) >= STAND_UP_TABLES


FORECAST_TABLES = {"forecast_settings", "forecast_schedule", "forecast_call",
                   "forecast_adjustment"}


def test_forecast_tables_migrate_down_and_up(db_url: str, engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= FORECAST_TABLES
    cfg = alembic_config(db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
    assert not FORECAST_TABLES & set(inspect(engine).get_table_names())
    assert "forecast_category" not in {c["name"] for c in inspect(engine).get_columns("deal")}
    upgrade(db_url)
    assert set(inspect(engine).get_table_names()) >= FORECAST_TABLES
    assert "forecast_category" in {c["name"] for c in inspect(engine).get_columns("deal")}


def test_follow_ups_and_action_links_migrate_down_and_up(db_url: str, engine: Engine) -> None:
    links = {"link_rule", "link_subject", "link_metric", "link_label", "link_value"}
    cfg = alembic_config(db_url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012")
    assert "follow_up" not in inspect(engine).get_table_names()
    assert not links & {c["name"] for c in inspect(engine).get_columns("action_item")}
    upgrade(db_url)
    assert "follow_up" in inspect(engine).get_table_names()
    assert links <= {c["name"] for c in inspect(engine).get_columns("action_item")}
