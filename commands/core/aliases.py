"""Chinese words for option keys and values: `类型:演示 结果:积极` is `type:demo outcome:positive`.

`parse_words` turns a Chinese key into the English one the command knows and a Chinese value
into the English value, so every area's parser keeps seeing English. One Chinese key may
stand for different English keys in different commands (截止 is `by:` on a visit and `due:`
on an action item): a key lists its candidates, and the one the command accepts wins.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from contextvars import ContextVar

from commands.core.i18n import current_locale

# Chinese key -> the English keys it may mean, the likeliest first
KEYS: dict[str, tuple[str, ...]] = {
    # visits and deals
    "类型": ("type",),
    "结果": ("outcome",),
    "日期": ("on",),
    "拜访日期": ("on",),
    "下一步": ("next",),
    "截止": ("by", "due"),
    "截止日": ("by", "due"),
    "截止日期": ("by", "due"),
    "商机": ("deal",),
    "等级": ("tier",),
    "客户等级": ("tier",),
    "新客户": ("new",),
    "客户": ("customer",),
    "金额": ("amount",),
    "阶段": ("stage",),
    "成交日": ("close",),
    "预计成交": ("close",),
    "预计成交日": ("close",),
    "币种": ("currency",),
    "货币": ("currency",),
    "名称": ("name",),
    "原因": ("reason",),
    "输单原因": ("reason",),
    "预测": ("forecast",),
    "预测分类": ("forecast",),
    # teams and settings
    "团队": ("team",),
    "入职": ("start",),
    "入职日": ("start",),
    "时区": ("tz",),
    "周报": ("digest",),
    "商机卡片": ("deal_cards",),
    "汇率": ("fx",),
    "语言": ("lang", "language"),
    # periods and targets
    "年": ("year",),
    "年度": ("year",),
    "季度": ("quarter",),
    "月": ("month",),
    "月份": ("month",),
    "周": ("week",),
    "冲刺": ("stretch",),
    "冲刺目标": ("stretch",),
    "挑战": ("challenge",),
    "挑战目标": ("challenge",),
    "分解": ("split",),
    # the forecast call
    "承诺": ("commit",),
    "最佳": ("best",),
    "最佳情况": ("best",),
    "备注": ("note",),
    "预测截止": ("forecast_deadline",),
    # the stand-up
    "昨天": ("yesterday",),
    "今天": ("today",),
    "阻碍": ("blockers",),
    "困难": ("blockers",),
    "时间": ("time",),
    "工作日": ("days",),
    "窗口": ("window",),
    "提醒": ("reminder",),
    # action items
    "预警": ("warning",),
    # deviation warning settings
    "进度阈值": ("pace_threshold",),
    "行动阈值": ("activity_threshold",),
    "默认赢单率": ("default_win_rate",),
    "漏斗比例": ("funnel_ratio",),
    "停滞天数": ("stale_days",),
    "A类周期": ("cadence_a",),
    "B类周期": ("cadence_b",),
    "C类周期": ("cadence_c",),
    "冷却天数": ("cooldown_days",),
    "关闭": ("off",),
}

_YES_NO = {"是": "yes", "对": "yes", "要": "yes", "开": "yes", "否": "no", "不": "no",
           "不是": "no", "关": "no"}
_STAGES = {"线索": "lead", "已确认": "qualified", "方案": "proposal", "谈判": "negotiation",
           "赢单": "won", "输单": "lost"}
_CATEGORIES = {"承诺": "commit", "最佳情况": "best_case", "最佳": "best_case",
               "管道": "pipeline", "排除": "omitted", "自动": "auto"}

# English key -> {Chinese value: English value}
VALUES: dict[str, dict[str, str]] = {
    "type": {"拜访": "visit", "电话": "call", "演示": "demo", "会议": "meeting", "邮件": "email"},
    "outcome": {"积极": "positive", "中性": "neutral", "消极": "negative"},
    "stage": _STAGES,
    "forecast": _CATEGORIES,
    "new": _YES_NO,
    "tier": {"A类": "A", "B类": "B", "C类": "C"},
    "split": {"平均": "even", "权重": "weights", "按权重": "weights", "季节": "seasonal",
              "按季节": "seasonal"},
    "deal_cards": {"团队": "team", "本人": "own", "自己": "own"},
    "tz": {"团队": "team", "本地": "local"},
    "digest": {"关闭": "off"},
    "metric": {"收入": "revenue", "营收": "revenue", "赢单数": "wins", "赢单": "wins",
               "拜访数": "visits", "拜访": "visits", "新客户": "new_customers",
               "商机数": "opportunities", "商机": "opportunities"},
    "role": {"销售": "rep", "经理": "manager", "管理员": "admin"},
    "blockers": {"无": "none", "没有": "none"},
}

# English key -> the Chinese word help and messages show for it (the first alias above)
LABELS: dict[str, str] = {}
for _zh, _keys in KEYS.items():
    for _key in _keys:
        LABELS.setdefault(_key, _zh)


# Options no Chinese key stands for, named in messages all the same (`收人` is not a metric)
_SHOWN_ONLY: dict[str, str] = {"metric": "指标", "snooze": "推迟"}

# English key -> the Chinese key the reader typed for it in the command being answered
_TYPED: ContextVar[Mapping[str, str] | None] = ContextVar("typed_aliases", default=None)


def remember_typed(typed: Mapping[str, str]) -> None:
    """Record the Chinese keys the command used (English key -> 截止日), so a message about an
    option names it the way the reader wrote it; each parsed command replaces the record."""
    _TYPED.set(dict(typed))


def shown_option(option: str) -> str:
    """An option's key as the reader writes it: `type` in English; in Chinese the key they
    typed for it (截止日), else its main Chinese word (类型); an option without a Chinese word
    keeps its English one."""
    if current_locale() != "zh":
        return option
    typed = (_TYPED.get() or {}).get(option)
    if typed is not None and option in KEYS.get(typed, ()):
        return typed
    return LABELS.get(option) or _SHOWN_ONLY.get(option, option)


label = shown_option  # the older name, used across commands/


def shown_value(option: str, value: str) -> str:
    """An option's value as the reader writes it: `revenue` in English, 收入 in Chinese
    (a value without a Chinese word keeps its English one)."""
    if current_locale() != "zh":
        return value
    return chinese_values(option).get(value, value)


def english_key(word: str, known: Collection[str]) -> str | None:
    """The English key a Chinese `word` stands for among the `known` ones, or None."""
    return next((k for k in KEYS.get(word, ()) if k in known), None)


def known_aliases(known: Collection[str]) -> dict[str, str]:
    """Every Chinese key that stands for one of the `known` English keys -> that key."""
    out = {}
    for zh in KEYS:
        key = english_key(zh, known)
        if key is not None:
            out[zh] = key
    return out


_WEEKDAYS = {"一": "mon", "二": "tue", "三": "wed", "四": "thu", "五": "fri", "六": "sat",
             "日": "sun", "天": "sun"}
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_DAYS = {"工作日": "weekdays", "每天": "daily", "每日": "daily"}


def english_days(value: str) -> str:
    """Stand-up days in Chinese as English: 周一至周五 is mon-fri, 周一、周三、周五 is
    mon,wed,fri, 工作日 is weekdays."""
    raw = value.strip()
    if raw in _DAYS:
        return _DAYS[raw]
    if not _WEEKDAY.search(raw):
        return value
    text = _WEEKDAY.sub(lambda m: _WEEKDAYS[m.group(1)], raw)
    return re.sub(r"\s*(?:至|到|~|～|—|－)\s*", "-", re.sub(r"[，、]", ",", text))


def english_value(option: str, value: str) -> str:
    """The English value a Chinese `value` of `option` stands for; `value` itself otherwise."""
    if option == "days":
        return english_days(value)
    return VALUES.get(option, {}).get(value.strip(), value)


def is_value_of(option: str, value: str) -> bool:
    """Is `value` one of `option`'s values (in Chinese, or in English)?"""
    table = VALUES.get(option, {})
    return value.strip() in table or value.strip().lower() in table.values()


def chinese_values(option: str) -> dict[str, str]:
    """English value -> its Chinese word (the first one listed) for `option`."""
    out: dict[str, str] = {}
    for zh, en in VALUES.get(option, {}).items():
        out.setdefault(en, zh)
    return out


def one_typo_apart(word: str, other: str) -> bool:
    """Chinese words of the same length that differ in one character (阶断 / 阶段)."""
    return (len(word) == len(other) >= 2
            and sum(a != b for a, b in zip(word, other, strict=True)) == 1)
