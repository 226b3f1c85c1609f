"""Every query salesbot makes, one module per aggregate, each function taking the session
first: `from storage import repo`, then `repo.deals.open_deals(session, owner_id)`."""

from storage.repo import (
    actions,
    activities,
    claims,
    closed,
    customers,
    deals,
    deliveries,
    exports,
    followups,
    forecasts,
    funnel,
    fx,
    imports,
    installations,
    standups,
    targets,
    warnings,
    workspaces,
)

__all__ = [
    "actions",
    "activities",
    "claims",
    "closed",
    "customers",
    "deals",
    "deliveries",
    "exports",
    "followups",
    "forecasts",
    "funnel",
    "fx",
    "imports",
    "installations",
    "standups",
    "targets",
    "warnings",
    "workspaces",
]
