"""Forecast categories on deals: each open deal is pipeline, best case or commit (or omitted);
won deals are closed, lost ones omitted.

A deal's category is the rep's override when they set one (`/deal D-3 forecast:commit`),
else its stage's default: the workspace's `/sales config forecast proposal:best_case`, else
one read off the stage's win probability (75% and up commit, 50% and up best case).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.core.aliases import shown_option
from commands.core.errors import UsageError
from commands.core.i18n import t, tp
from commands.core.text import choice
from commands.deals.labels import stage_label
from storage import repo
from storage.models import Deal, Stage

PIPELINE, BEST_CASE, COMMIT, CLOSED, OMITTED = (
    "pipeline", "best_case", "commit", "closed", "omitted")
CATEGORIES = (PIPELINE, BEST_CASE, COMMIT, CLOSED, OMITTED)
SETTABLE = (PIPELINE, BEST_CASE, COMMIT, OMITTED)  # closed follows from the stage
AUTO = ("auto", "default", "stage")
COMMIT_FROM_PCT, BEST_CASE_FROM_PCT = 75, 50


def category_label(category: str) -> str:
    """A category as a reader sees it: best case (最佳情况); the stored value stays English."""
    labels = {PIPELINE: tp("forecast category", "pipeline"),
              BEST_CASE: tp("forecast category", "best case"),
              COMMIT: tp("forecast category", "commit"),
              CLOSED: tp("forecast category", "closed"),
              OMITTED: tp("forecast category", "omitted")}
    return labels.get(category, category)


def parse_category(text: str, option: str = "forecast") -> str:
    """A category a rep may give a deal, or `auto` (back to its stage's default)."""
    raw = text.strip().lower().replace("-", "_").replace(" ", "_")
    if raw in AUTO:
        return AUTO[0]
    if raw == "best":
        raw = BEST_CASE
    if raw == CLOSED:
        raise UsageError(t("`{option}:closed` follows from winning the deal: `/deal D-n won`.",
                           option=shown_option(option)))
    if raw not in SETTABLE:
        raw = choice(raw, SETTABLE, option)
    return raw


def default_category(stage: Stage) -> str:
    """A stage's category when the workspace set none for it."""
    if stage.is_won:
        return CLOSED
    if stage.is_lost:
        return OMITTED
    if stage.probability_pct >= COMMIT_FROM_PCT:
        return COMMIT
    return BEST_CASE if stage.probability_pct >= BEST_CASE_FROM_PCT else PIPELINE


def parse_stage_categories(text: str) -> dict[str, str]:
    """The stored form "proposal:best_case negotiation:commit" as a mapping."""
    return dict(item.split(":", 1) for item in text.split() if ":" in item)


def format_stage_categories(mapping: Mapping[str, str]) -> str:
    return " ".join(f"{stage}:{cat}" for stage, cat in sorted(mapping.items()))


@dataclass(frozen=True)
class StageCategories:
    """Each stage's default category, and the closed stages whose category is fixed."""

    defaults: Mapping[str, str]
    fixed: Mapping[str, str]  # won stages: closed; lost stages: omitted

    def of(self, stage_name: str, override: str | None) -> str:
        """A deal's category: fixed by a closed stage, else the rep's override, else its
        stage's default."""
        if stage_name in self.fixed:
            return self.fixed[stage_name]
        return override or self.defaults.get(stage_name, PIPELINE)


def stage_categories(stages: Iterable[Stage], configured: Mapping[str, str]) -> StageCategories:
    """The configured category of each open stage, else the one its probability gives."""
    fixed = {s.name: default_category(s) for s in stages if s.is_closed}
    defaults = {s.name: configured.get(s.name, default_category(s)) for s in stages
                if s.name not in fixed}
    return StageCategories(defaults, fixed)


def workspace_categories(session: Session, workspace_id: int) -> StageCategories:
    """The workspace's stage → category defaults."""
    row = repo.forecasts.forecast_settings(session, workspace_id)
    configured = parse_stage_categories(row.categories) if row is not None else {}
    return stage_categories(repo.deals.stages(session, workspace_id), configured)


def recategorize(session: Session, deal: Deal, category: str) -> tuple[str, str] | None:
    """Set a deal's category override (`auto`: its stage's default again); return the
    category before and after, or None when the override is already that. A closed deal
    is refused: its category follows its stage."""
    cats = workspace_categories(session, deal.workspace_id)
    if deal.stage in cats.fixed:
        raise UsageError(t("{ref} is {stage}: its forecast category follows from that "
                           "(closed when won, omitted when lost).", ref=deal.ref,
                           stage=stage_label(deal.stage)))
    value = None if category == AUTO[0] else category
    if value == deal.forecast_category:
        return None
    old = cats.of(deal.stage, deal.forecast_category)
    deal.forecast_category = value
    return old, cats.of(deal.stage, value)
