"""The warning rules' thresholds (RuleConfig) and `/sales config warnings` reading and
writing them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from commands.core.aliases import label
from commands.core.errors import UsageError
from commands.core.i18n import listed, t
from commands.core.text import closest
from commands.plan.scorecard import BEHIND_THRESHOLD
from commands.warnings.deviations import RULES, Rule

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RuleConfig:
    """The thresholds every rule checks against; `/sales config warnings` changes them."""

    pace_threshold: Decimal = BEHIND_THRESHOLD  # behind when pace is below this
    pace_after_days: int = 3  # pace and activity are judged from this many working days on
    activity_threshold: Decimal = Decimal("0.8")  # short when visits < this × planned
    stale_days: int = 14  # no activity for this many days makes a deal stale
    stale_by_stage: tuple[tuple[str, int], ...] = ()  # per-stage limits, overriding stale_days
    push_limit: int = 2  # close date pushed this many times or more
    cadence_a: int = 30  # days between visits, per customer tier
    cadence_b: int = 60
    cadence_c: int = 90
    default_win_rate: Decimal = Decimal("0.2")  # for coverage when there is no history
    funnel_ratio: Decimal = Decimal("0.7")  # bottleneck below this × the trailing conversion
    funnel_min_sample: int = 5  # deals reaching the stage, this period and trailing
    cooldown_days: int = 7  # the same warning, no worse, waits this long
    off: frozenset[str] = frozenset()  # rules not checked
    forecast_short_share: Decimal = Decimal("0.2")  # commit this far below target, half gone
    forecast_drop_share: Decimal = Decimal("0.2")  # a call down this much week over week
    forecast_miss_share: Decimal = Decimal("0.2")  # calls off by this much, three running

    @property
    def cooldown(self) -> timedelta:
        return timedelta(days=self.cooldown_days)

    def stale_limit(self, stage: str) -> int:
        """Return the days without activity after which a deal in this stage is stale."""
        return dict(self.stale_by_stage).get(stage.lower(), self.stale_days)

    def cadence_days(self, tier: str) -> int | None:
        """Return the visit cadence of tier A, B or C; None for anything else."""
        return {"A": self.cadence_a, "B": self.cadence_b, "C": self.cadence_c}.get(tier.upper())

    def is_on(self, rule: Rule) -> bool:
        return rule not in self.off


DEFAULT_CONFIG = RuleConfig()


_RATIO_KEYS = ("pace_threshold", "activity_threshold", "default_win_rate", "funnel_ratio",
               "forecast_short_share", "forecast_drop_share", "forecast_miss_share")


_DAY_KEYS = ("stale_days", "cadence_a", "cadence_b", "cadence_c")


_COUNT_KEYS = ("push_limit", "funnel_min_sample", "pace_after_days")


CONFIG_KEYS = (*_RATIO_KEYS, *_DAY_KEYS, "stale_by_stage", *_COUNT_KEYS, "cooldown_days", "off")


_EXAMPLES = {
    "pace_threshold": "pace_threshold:0.85",
    "activity_threshold": "activity_threshold:0.8",
    "default_win_rate": "default_win_rate:20%",
    "funnel_ratio": "funnel_ratio:0.7",
    "stale_days": "stale_days:14",
    "cadence_a": "cadence_a:30",
    "cadence_b": "cadence_b:60",
    "cadence_c": "cadence_c:90",
    "stale_by_stage": "stale_by_stage:proposal=7,negotiation=5",
    "push_limit": "push_limit:2",
    "pace_after_days": "pace_after_days:3",
    "funnel_min_sample": "funnel_min_sample:5",
    "cooldown_days": "cooldown_days:7",
    "off": "off:tier_cadence,stale_deal",
    "forecast_short_share": "forecast_short_share:20%",
    "forecast_drop_share": "forecast_drop_share:20%",
    "forecast_miss_share": "forecast_miss_share:20%",
}


def _example(key: str) -> str:
    """pace_threshold:0.85; 进度阈值:0.85 for a Chinese reader."""
    option, _, value = _EXAMPLES[key].partition(":")
    return f"{label(option)}:{value}"


_DIGITS = re.compile(r"^\d+$")


_STAGE = re.compile(r"^[a-z][a-z0-9_-]*$")


MAX_DAYS = 3650


def parse_rule_config(options: dict[str, str], base: RuleConfig | None = None) -> RuleConfig:
    """Apply `key:value` settings (as parse_words returns them) to `base` or the defaults."""
    # Ratios take 0.85 or 85%; day counts whole days; `off:none` turns every rule back on.
    config = base or DEFAULT_CONFIG
    changes: dict[str, Any] = {}
    for raw_key, raw_value in options.items():
        key = raw_key.strip().lower()
        value = raw_value.strip()
        if key not in CONFIG_KEYS:
            raise _unknown(f"`{raw_key}:`", key, CONFIG_KEYS, "setting", suffix=":")
        if key in _RATIO_KEYS:
            changes[key] = _parse_ratio(key, value)
        elif key in _DAY_KEYS:
            changes[key] = _parse_count(key, value, low=1, high=MAX_DAYS, unit="days")
        elif key in _COUNT_KEYS:
            changes[key] = _parse_count(key, value, low=1, high=1000, unit="count")
        elif key == "cooldown_days":
            changes[key] = _parse_count(key, value, low=0, high=365, unit="days")
        elif key == "stale_by_stage":
            changes[key] = _parse_stage_limits(value)
        else:
            changes[key] = _parse_rules(value)
    return replace(config, **changes)


def format_rule_config(config: RuleConfig) -> dict[str, str]:
    """Write every setting as parse_rule_config reads it, to store or to show."""
    out: dict[str, str] = {}
    for key in CONFIG_KEYS:
        value = getattr(config, key)
        if key == "stale_by_stage":
            out[key] = ",".join(f"{s}={d}" for s, d in value) or "none"
        elif key == "off":
            out[key] = ",".join(r for r in RULES if r in value) or "none"
        else:
            out[key] = str(value)
    return out


def _parse_ratio(key: str, text: str) -> Decimal:
    number = text[:-1].strip() if text.endswith("%") else text
    try:
        value = Decimal(number)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise UsageError(t("`{key}:{text}` is not a number. Try {example}.", key=key, text=text,
                           example=_example(key)))
    if text.endswith("%"):
        value /= HUNDRED
    if not ZERO < value <= ONE:
        raise UsageError(t("`{key}:{text}` must be above 0 and at most 1 (100%). Try {example}.",
                           key=key, text=text, example=_example(key)))
    return value


def _parse_count(key: str, text: str, *, low: int, high: int, unit: str) -> int:
    if not _DIGITS.match(text):
        if unit == "days":
            raise UsageError(t("`{key}:{text}` is not a whole number of days. Try {example}.",
                               key=key, text=text, example=_example(key)))
        raise UsageError(t("`{key}:{text}` is not a whole number. Try {example}.", key=key,
                           text=text, example=_example(key)))
    value = int(text) if len(text) <= 9 else high + 1  # past any limit, however long
    if not low <= value <= high:
        raise UsageError(t("`{key}:{text}` must be from {low} to {high}. Try {example}.",
                           key=key, text=text, low=low, high=high, example=_example(key)))
    return value


def _parse_stage_limits(text: str) -> tuple[tuple[str, int], ...]:
    if text.lower() in ("", "none"):
        return ()
    limits: dict[str, int] = {}
    for item in text.split(","):
        stage, sep, days = item.strip().partition("=")
        stage = stage.strip().lower()
        if not sep or not _STAGE.match(stage):
            raise UsageError(t("`stale_by_stage:{text}`: `{item}` is not stage=days. Try "
                               "{example}.", text=text, item=item.strip(),
                               example=_example("stale_by_stage")))
        if stage in limits:
            raise UsageError(t("`stale_by_stage:{text}` names {stage} twice; give it once.",
                               text=text, stage=stage))
        limits[stage] = _parse_count("stale_by_stage", days.strip(), low=1, high=MAX_DAYS,
                                     unit="days")
    return tuple(sorted(limits.items()))


def _parse_rules(text: str) -> frozenset[str]:
    if text.lower() in ("", "none"):
        return frozenset()
    rules: set[str] = set()
    for item in text.split(","):
        name = item.strip().lower()
        if name not in RULES:
            raise _unknown(f"`off:{text}`: `{item.strip()}`", name, RULES, "rule")
        rules.add(name)
    return frozenset(rules)


def _unknown(said: str, word: str, known: Sequence[str], what: str, *,
             suffix: str = "") -> UsageError:
    """The error for a word that is not a warning setting (or rule), with the closest one."""
    guess = closest(word, known)
    # TRANSLATORS: follows "... is not a warning setting." (mind the leading space)
    hint = t(" Did you mean `{guess}`?", guess=guess + suffix) if guess else ""
    if what == "rule":
        return UsageError(t("{said} is not a warning rule.{hint} Rules: {known}.", said=said,
                            hint=hint, known=listed(known)))
    return UsageError(t("{said} is not a warning setting.{hint} Settings: {known}.", said=said,
                        hint=hint, known=listed(known)))
