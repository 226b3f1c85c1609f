"""Private pieces the repo modules share: the request claim and stage subqueries."""

from __future__ import annotations

from typing import TypeVar, cast

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.models import Activity, Deal, DealHistory, ProcessedRequest, Stage, Workspace

T = TypeVar("T")

# Built once: these run on every request, and building a statement costs more CPU than
# running it. Inserts and the deal counter go straight to the table (Core), skipping the
# ORM's unit of work and bulk-insert machinery.
PROCESSED, ACTIVITY, DEAL, DEAL_HISTORY, WORKSPACE = (
    cast(Table, model.__table__)
    for model in (ProcessedRequest, Activity, Deal, DealHistory, Workspace)
)
CLAIM = {
    name: insert(PROCESSED)
    .values(key=bindparam("key"), processed_at=bindparam("at"))
    .on_conflict_do_nothing()
    .returning(PROCESSED.c.key)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def won_stage_names() -> Select[str]:
    """The names of the deal's workspace's won stages, as a correlated subquery."""
    return select(Stage.name).where(Stage.workspace_id == Deal.workspace_id, Stage.is_won)


def closed_stage_names() -> Select[str]:
    """The names of the deal's workspace's won and lost stages, as a correlated subquery."""
    return select(Stage.name).where(
        Stage.workspace_id == Deal.workspace_id, Stage.is_won | Stage.is_lost
    )


def lost_stage_names() -> Select[str]:
    """The names of the deal's workspace's lost stages, as a correlated subquery."""
    return select(Stage.name).where(Stage.workspace_id == Deal.workspace_id, Stage.is_lost)
