"""The layouts an import file can follow: salesbot's own export and Salesforce reports."""


from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from commands.core.errors import UsageError
from commands.core.i18n import t
from commands.io.export import column_of

# Salesforce's standard opportunity stages, by their win probability onto salesbot's funnel.
SALESFORCE_STAGES: dict[str, str] = {
    "prospecting": "lead",
    "qualification": "qualified",
    "needs analysis": "qualified",
    "value proposition": "proposal",
    "id. decision makers": "proposal",
    "perception analysis": "proposal",
    "proposal/price quote": "proposal",
    "negotiation/review": "negotiation",
    "closed won": "won",
    "closed lost": "lost",
}
SALESFORCE_STAGE_NAMES = {
    "prospecting": "Prospecting", "qualification": "Qualification",
    "needs analysis": "Needs Analysis", "value proposition": "Value Proposition",
    "id. decision makers": "Id. Decision Makers", "perception analysis": "Perception Analysis",
    "proposal/price quote": "Proposal/Price Quote", "negotiation/review": "Negotiation/Review",
    "closed won": "Closed Won", "closed lost": "Closed Lost",
}


class ImportKind(enum.StrEnum):
    CUSTOMERS = "customers"
    DEALS = "deals"
    ACTIVITIES = "activities"
    FORECASTS = "forecasts"
    ADJUSTMENTS = "adjustments"
    FOLLOW_UPS = "follow_ups"




@dataclass(frozen=True)
class Column:
    """A field of an import and the column headers that carry it (the first is shown)."""

    field: str
    headers: tuple[str, ...]
    required: bool = False

    @property
    def header(self) -> str:
        return self.headers[0]


def _col(field_name: str, *headers: str, required: bool = False) -> Column:
    return Column(field_name, headers or (field_name,), required)


@dataclass(frozen=True)
class Layout:
    name: str
    columns: tuple[Column, ...]

    def missing(self, headers: Iterable[str]) -> list[str]:
        have = {_normal(h) for h in headers}
        return [c.header for c in self.columns
                if c.required and not any(_normal(h) in have for h in c.headers)]

    def describe(self) -> str:
        required = ", ".join(" or ".join(c.headers) for c in self.columns if c.required)
        optional = ", ".join(" or ".join(c.headers) for c in self.columns if not c.required)
        return f"{required} (optional: {optional})" if optional else required


SALESBOT = "salesbot export"
SALESFORCE = "Salesforce report"

LAYOUTS: dict[ImportKind, tuple[Layout, ...]] = {
    ImportKind.CUSTOMERS: (
        Layout(SALESBOT, (
            _col("name", required=True), _col("tier"), _col("owner"), _col("created_at"))),
        Layout(SALESFORCE, (
            _col("name", "Account Name", required=True), _col("owner", "Account Owner"),
            _col("created_at", "Created Date"))),
    ),
    ImportKind.DEALS: (
        Layout(SALESBOT, (
            _col("name", required=True), _col("customer", required=True),
            _col("owner", required=True), _col("amount", required=True),
            _col("stage", required=True), _col("currency"), _col("expected_close"),
            _col("created_at"), _col("closed_at"), _col("lost_reason"))),
        Layout(SALESFORCE, (
            _col("name", "Opportunity Name", required=True),
            _col("customer", "Account Name", required=True),
            _col("amount", "Amount", required=True), _col("stage", "Stage", required=True),
            _col("expected_close", "Close Date", required=True),
            _col("owner", "Opportunity Owner", required=True),
            _col("currency", "Opportunity Currency", "Amount Currency"),
            _col("created_at", "Created Date"))),
    ),
    ImportKind.ACTIVITIES: (
        Layout(SALESBOT, (
            _col("date", required=True), _col("type", required=True),
            _col("customer", required=True), _col("member", "member", "person", required=True),
            _col("outcome"), _col("notes"), _col("next_step"), _col("deal"),
            _col("logged_at"), _col("follow_up_by"), _col("follow_up_done_at"))),
    ),
    # the export's forecast_calls table (its workspace and team columns are not needed)
    ImportKind.FORECASTS: (
        Layout(SALESBOT, (
            _col("person", required=True), _col("period_kind", required=True),
            _col("start", required=True), _col("commit", required=True),
            _col("currency", required=True), _col("end"), _col("best"), _col("note"),
            _col("submitted_at"))),
    ),
    # the export's forecast_adjustments table: a manager's figure beside a rep's call (an
    # empty person: the team's); `person` must be there so a calls import refuses the file
    ImportKind.ADJUSTMENTS: (
        Layout(SALESBOT, (
            _col("team", required=True), _col("person", required=True),
            _col("period_kind", required=True), _col("start", required=True),
            _col("commit", required=True), _col("currency", required=True),
            _col("reason", required=True), _col("adjusted_by", required=True), _col("end"),
            _col("best"), _col("adjusted_at"))),
    ),
    # the export's follow_ups table (its ref is not needed: an imported follow-up gets its
    # own F-n)
    ImportKind.FOLLOW_UPS: (
        Layout(SALESBOT, (
            _col("owner", required=True), _col("text", required=True),
            _col("due", required=True), _col("customer"), _col("deal"), _col("created_by"),
            _col("created_at"), _col("done_at"))),
    ),
}

# the export workbook's sheet each kind reads, where it is not named like the kind
_SHEETS = {ImportKind.FORECASTS: "forecast_calls",
           ImportKind.ADJUSTMENTS: "forecast_adjustments"}


def sheet_of(kind: ImportKind | str) -> str:
    """The export workbook's sheet an import of `kind` reads: forecasts from forecast_calls,
    adjustments from forecast_adjustments."""
    kind = ImportKind(kind)
    return _SHEETS.get(kind, kind.value)


def _normal(header: str) -> str:
    """Headers compare ignoring case, spacing and underscores: `Close Date` == `close_date`."""
    return " ".join(header.replace("_", " ").casefold().split())


def find_layout(kind: ImportKind | str, headers: Sequence[str]) -> tuple[Layout, dict[str, str]]:
    """The layout the file's headers follow, and which file column carries each field."""
    kind = ImportKind(kind)
    # a Chinese export's headers (客户, 金额) read as the English columns they translate
    in_file = {column_of(h): h for h in headers}
    shown_headers = headers
    headers = list(in_file)
    by_normal = {_normal(h): in_file[h] for h in headers if h.strip()}
    for layout in LAYOUTS[kind]:
        if not layout.missing(headers):
            _refuse_other_kind(kind, layout, headers)
            mapping: dict[str, str] = {}
            for column in layout.columns:
                found = next((by_normal[_normal(h)] for h in column.headers
                              if _normal(h) in by_normal), None)
                if found is not None:
                    mapping[column.field] = found
            return layout, mapping
    expected = "\n".join(
        "  - " + t("{layout}: {columns}; missing: {missing}", layout=_layout_title(layout.name),
                   columns=layout.describe(), missing=", ".join(layout.missing(headers)))
        for layout in LAYOUTS[kind]
    )
    shown = ", ".join(h for h in shown_headers if h.strip()) or t("none")
    if len(LAYOUTS[kind]) > 1:
        raise UsageError(t("The file does not have the columns to import {kind}. Expected one "
                           "of these layouts:\n{expected}\nThe file's columns: {shown}.",
                           kind=kind.value, expected=expected, shown=shown))
    raise UsageError(t("The file does not have the columns to import {kind}. Expected these "
                       "columns:\n{expected}\nThe file's columns: {shown}.",
                       kind=kind.value, expected=expected, shown=shown))


def _layout_title(name: str) -> str:
    return t("salesbot's export") if name == SALESBOT else t("a Salesforce report")


def _refuse_other_kind(kind: ImportKind, layout: Layout, headers: Sequence[str]) -> None:
    """Stop a deals file being read as customers: it has a `name` column too, and more."""
    mine = {_normal(c.header) for c in layout.columns if c.required}
    for other, layouts in LAYOUTS.items():
        for candidate in layouts:
            theirs = {_normal(c.header) for c in candidate.columns if c.required}
            if other is not kind and mine < theirs and not candidate.missing(headers):
                columns = ", ".join(c.header for c in candidate.columns if c.required)
                if other is ImportKind.ADJUSTMENTS:
                    raise UsageError(t(
                        "This file has the columns of forecast adjustments ({columns}), not "
                        "forecast calls: import it with `salesbot import adjustments ...`.",
                        columns=columns))
                raise UsageError(t(
                    "This file has the columns of {other} ({columns}), not just {kind}: import "
                    "it with `salesbot import {other} ...`; the {kind} it names are created "
                    "along the way.", other=other.value, columns=columns, kind=kind.value))
