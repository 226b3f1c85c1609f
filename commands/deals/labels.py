"""What a stage, an activity type, an outcome or a forecast category is called where a user
reads it. The database keeps the English values; only what is shown is translated."""

from __future__ import annotations

from commands.core.i18n import current_locale, tp


def stage_label(stage: str) -> str:
    """A stage as shown ("negotiation", 谈判); a workspace's own stage keeps its name."""
    labels = {
        "lead": tp("stage", "lead"),
        "qualified": tp("stage", "qualified"),
        "proposal": tp("stage", "proposal"),
        "negotiation": tp("stage", "negotiation"),
        "won": tp("stage", "won"),
        "lost": tp("stage", "lost"),
    }
    return labels.get(stage, stage)


def type_label(kind: str) -> str:
    """An activity type as shown in a sentence or a list ("demo", 演示)."""
    labels = {
        "visit": tp("activity type", "visit"),
        "call": tp("activity type", "call"),
        "demo": tp("activity type", "demo"),
        "meeting": tp("activity type", "meeting"),
        "email": tp("activity type", "email"),
    }
    return labels.get(kind, kind)


def type_option(kind: str) -> str:
    """An activity type as a form's option ("Demo", 演示)."""
    labels = {
        "visit": tp("activity type option", "Visit"),
        "call": tp("activity type option", "Call"),
        "demo": tp("activity type option", "Demo"),
        "meeting": tp("activity type option", "Meeting"),
        "email": tp("activity type option", "Email"),
    }
    return labels.get(kind, kind.capitalize())


def outcome_label(outcome: str) -> str:
    """A visit's outcome as shown ("positive", 积极)."""
    labels = {
        "positive": tp("outcome", "positive"),
        "neutral": tp("outcome", "neutral"),
        "negative": tp("outcome", "negative"),
    }
    return labels.get(outcome, outcome)


def outcome_option(outcome: str) -> str:
    """A visit's outcome as a form's option ("Positive", 积极)."""
    labels = {
        "positive": tp("outcome option", "Positive"),
        "neutral": tp("outcome option", "Neutral"),
        "negative": tp("outcome option", "Negative"),
    }
    return labels.get(outcome, outcome.capitalize())


def forecast_label(category: str) -> str:
    """A forecast category as shown on a deal ("best case", 最佳情况)."""
    labels = {
        "pipeline": tp("forecast category", "pipeline"),
        "best_case": tp("forecast category", "best case"),
        "commit": tp("forecast category", "commit"),
        "closed": tp("forecast category", "closed"),
        "omitted": tp("forecast category", "omitted"),
    }
    return labels.get(category, category.replace("_", " "))


def forecast_value(category: str) -> str:
    """A forecast category as a deal's change or history records it ("best_case", 最佳情况)."""
    labels = {
        "pipeline": tp("forecast category value", "pipeline"),
        "best_case": tp("forecast category value", "best_case"),
        "commit": tp("forecast category value", "commit"),
        "closed": tp("forecast category value", "closed"),
        "omitted": tp("forecast category value", "omitted"),
    }
    return labels.get(category, category)


def forecast_option(category: str) -> str:
    """A forecast category as a select's option ("Best case", 最佳情况)."""
    labels = {
        "auto": tp("forecast category option", "Auto (the stage's default)"),
        "pipeline": tp("forecast category option", "Pipeline"),
        "best_case": tp("forecast category option", "Best case"),
        "commit": tp("forecast category option", "Commit"),
        "closed": tp("forecast category option", "Closed"),
        "omitted": tp("forecast category option", "Omitted"),
    }
    return labels.get(category, category.replace("_", " ").capitalize())


def either(names: list[str]) -> str:
    """Quoted names offered as alternatives: '"A" or "B"' (“A”或“B”)."""
    if current_locale() == "zh":
        return "或".join(f"“{n}”" for n in names)
    return " or ".join(f'"{n}"' for n in names)
