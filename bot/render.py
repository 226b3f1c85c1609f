"""Block Kit rendering of command results, with a plain-text fallback for each."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from commands.core.dates import format_day, on_day
from commands.core.fx import Counted, LeftOut, describe_counted, describe_left_out
from commands.core.money import format_money
from commands.core.text import noun, plural
from commands.deals.deal import DealChanged, DealDetail, DealListing, DealView
from commands.deals.pipeline import PipelineResult
from commands.deals.visit import VisitResult
from commands.forecast.forecast import FORECAST_RESULTS
from commands.io.sales_export import ExportResult
from commands.plan.plan import ActivityPlan, ActivityRates, Scorecard
from commands.plan.targets import PlanResult, TargetResult
from commands.reports.digest import DigestResult
from commands.reports.report import LeaderboardResult, ReportResult
from commands.standup.standup import StandupConfigResult, StandupDone, StandupReport
from commands.team.config import ConfigResult
from commands.team.help import usage
from commands.team.sales import HelpResult, RoleResult, TeamResult, TeamView
from commands.warnings.actions import ActionResult
from commands.warnings.warnings import WarningActed, WarningsResult

SECTION_LIMIT = 2900  # Slack's limit is 3000 characters per section text
MAX_BLOCKS = 50


@dataclass(frozen=True)
class Reply:
    """What the bot says back: Block Kit blocks and the same content as text."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    in_channel: bool = False
    files: tuple[tuple[str, bytes], ...] = ()  # to upload to the caller's DM

    def as_message(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "blocks": [b.to_dict() for b in self.blocks[:MAX_BLOCKS]],
            "response_type": "in_channel" if self.in_channel else "ephemeral",
        }

    def plain(self) -> str:
        """The text as a terminal shows it: mrkdwn markers and Slack links undone."""
        text = re.sub(r"<@([A-Z0-9]+)(?:\|([^>]+))?>", lambda m: "@" + (m.group(2) or m.group(1)),
                      self.text)
        text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]+))?>", lambda m: "#" + (m.group(2) or m.group(1)),
                      text)
        text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
        text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """Escape user text for mrkdwn so it cannot forge mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# A Slack user id (U024BE7LH): a member is named by it until salesbot learns their name.
_USER_ID = re.compile(r"[UW](?=[A-Z0-9]*[0-9])[A-Z0-9]{8,}")


def is_user_id(name: str) -> bool:
    return _USER_ID.fullmatch(name) is not None


def person(name: str) -> str:
    """A person's name for mrkdwn; someone salesbot has not looked up yet (named by their
    Slack id) becomes a mention, so Slack shows their name rather than the id."""
    return f"<@{name}>" if is_user_id(name) else escape(name)


def naming(text: str, who: str) -> str:
    """Escaped `text` about `who`, with `who` shown as `person(who)` wherever it appears."""
    escaped = escape(text)
    if not is_user_id(who):
        return escaped
    return re.sub(rf"(?<![\w@]){re.escape(who)}(?!\w)", f"<@{who}>", escaped)


def sections(text: str) -> list[Block]:
    """Section blocks for `text`, split at paragraph or line breaks to fit Slack's limit."""
    blocks: list[Block] = []
    chunk = ""
    for line in text.split("\n"):
        if len(chunk) + len(line) + 1 > SECTION_LIMIT and chunk:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line[:SECTION_LIMIT]
    if chunk.strip():
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    return blocks


def text_reply(text: str, *, in_channel: bool = False) -> Reply:
    return Reply(text=text, blocks=sections(text), in_channel=in_channel)


def error_reply(message: str) -> Reply:
    return text_reply(f":warning: {message}")


def render(result: object) -> Reply:
    """The reply for any command result."""
    if isinstance(result, VisitResult):
        return render_visit(result)
    if isinstance(result, DealChanged):
        return render_deal_changed(result)
    if isinstance(result, DealDetail):
        return render_deal_detail(result)
    if isinstance(result, DealListing):
        return render_deal_list(result)
    if isinstance(result, TeamResult):
        return render_team(result)
    if isinstance(result, RoleResult):
        return text_reply(escape(result.message))
    if isinstance(result, TargetResult):
        return render_target(result)
    if isinstance(result, PlanResult):
        return render_plan(result)
    if isinstance(result, PipelineResult):
        return render_pipeline(result)
    if isinstance(result, ReportResult):
        return render_report(result)
    if isinstance(result, LeaderboardResult):
        return render_leaderboard(result)
    if isinstance(result, DigestResult):
        return render_digest(result)
    if isinstance(result, ActionResult):
        return render_actions(result)
    if isinstance(result, ConfigResult):
        return render_config(result)
    if isinstance(result, ExportResult):
        return render_export(result)
    if isinstance(result, StandupConfigResult | StandupDone | StandupReport):
        from bot.standup_render import render_standup  # it builds on this module

        return render_standup(result)
    if isinstance(result, WarningsResult | WarningActed):
        from bot.warning_render import render_warnings  # it builds on this module

        return render_warnings(result)
    if isinstance(result, HelpResult):
        return text_reply(usage(result.topic))
    if isinstance(result, FORECAST_RESULTS):
        from bot.forecast_render import render_forecast  # it builds on this module

        return render_forecast(result)
    raise TypeError(f"no rendering for {type(result).__name__}")


def render_visit(r: VisitResult) -> Reply:
    article = "an" if r.type.value[0] in "aeiou" else "a"
    what = "a visit to" if r.type.value == "visit" else f"{article} {r.type.value} with"
    line = f":white_check_mark: Logged {what} *{escape(r.customer)}* ({r.tier.value}) " \
           f"{_on(r.occurred_on, r.today)}"
    if r.outcome:
        line += f" — {r.outcome.value}"
    lines = [line + "."]
    if r.notes:
        lines.append("> " + escape(r.notes).replace("\n", "\n> "))
    extra = []
    if r.next_step:
        extra.append(f"Next step: {escape(r.next_step)}")
    if r.deal_ref:
        extra.append(f"Deal {r.deal_ref}")
    if extra:
        lines.append(" · ".join(extra))
    if r.customer_created:
        lines.append(
            f":new: *{escape(r.customer)}* is a new customer, tier {r.tier.value}."
            + ("" if r.tier_given else
               " Set the tier with `tier:A`, `tier:B` or `tier:C` on your next visit.")
        )
    return text_reply("\n".join(lines))


def _on(day: Any, today: Any) -> str:
    return on_day(day, today)


def _close(d: DealView, today: Any = None) -> str:
    if d.expected_close is None:
        return "no close date"
    return f"closes {format_day(d.expected_close, today)}"


def deal_line(d: DealView, today: Any = None) -> str:
    return (f"*{d.ref}* {escape(d.name)} · {escape(d.customer)} · "
            f"{format_money(d.amount, d.currency)} · {_close(d, today)}")


_FIELD_NAMES = {"stage": "stage", "amount": "amount", "close": "close date", "name": "name"}


def render_deal_changed(r: DealChanged) -> Reply:
    d = r.deal
    if r.created:
        text = (f":sparkles: Created *{d.ref}* {escape(d.name)} for *{escape(d.customer)}*: "
                f"{format_money(d.amount, d.currency)}, {d.stage} ({d.probability_pct}%), "
                f"{_close(d, r.today)}.")
        if r.customer_created:
            text += f"\n:new: *{escape(d.customer)}* is a new customer (tier {r.customer_tier})."
        # the hint moves the deal on from where it is, never to the stage it is already in
        if d.is_won or d.stage == "lost":
            text += f"\nSee it with `/deal {d.ref}`."
        else:
            move = "won" if d.stage == "negotiation" else "stage:negotiation"
            text += f"\nUpdate it with `/deal {d.ref} {move}`, see it with `/deal {d.ref}`."
        return text_reply(text)
    if d.is_won and any(c.field == "stage" for c in r.changes):
        return text_reply(f":tada: *{d.ref}* {escape(d.name)} is won: "
                          f"{format_money(d.amount, d.currency)} from {escape(d.customer)}.")
    if not d.is_open and d.lost_reason is not None and any(c.field == "stage" for c in r.changes):
        return text_reply(f"*{d.ref}* {escape(d.name)} is marked lost "
                          f"(reason: {escape(d.lost_reason)}).")
    parts = []
    for c in r.changes:
        if c.field == "reason":
            continue
        label = _FIELD_NAMES.get(c.field, c.field)
        parts.append(f"{label} {_value(c.field, c.old)} → {_value(c.field, c.new)}")
    return text_reply(f":pencil2: Updated *{d.ref}* {escape(d.name)}: " + "; ".join(parts) + ".")


def _value(field_name: str, value: str | None) -> str:
    if value is None:
        return "none"
    if field_name == "amount":
        number, _, currency = value.partition(" ")
        return format_money(Decimal(number), currency)
    return escape(value)


def render_deal_detail(r: DealDetail) -> Reply:
    d = r.deal
    status = d.stage if d.is_open else (
        "won" if d.is_won else f"lost ({escape(d.lost_reason or '')})"
    )
    head = (f"*{d.ref} {escape(d.name)}*\n{escape(d.customer)} · owner {escape(d.owner)}\n"
            f"{format_money(d.amount, d.currency)} · {status} ({d.probability_pct}%) · "
            f"{_close(d, r.today)}")
    history = [
        f"• {h.when:%Y-%m-%d} {escape(h.who)}: {_FIELD_NAMES.get(h.field, h.field)} "
        + (f"{_value(h.field, h.old)} → " if h.old is not None else "set to ")
        + _value(h.field, h.new)
        for h in r.history[-10:]
    ]
    acts = [
        f"• {format_day(a.on, r.today)} {a.type} by {escape(a.who)}"
        + (f" ({a.outcome})" if a.outcome else "") + (f": {escape(a.notes)}" if a.notes else "")
        for a in r.activities
    ]
    text = head + "\n\n*History*\n" + ("\n".join(history) or "none")
    text += "\n\n*Recent activity*\n" + ("\n".join(acts) or "none logged yet")
    blocks = sections(head)
    blocks.append(DividerBlock())
    blocks += sections("*History*\n" + ("\n".join(history) or "none"))
    blocks += sections("*Recent activity*\n" + ("\n".join(acts) or "none logged yet"))
    if r.can_edit and d.is_open:
        number = d.ref.removeprefix("D-")
        buttons = []
        if r.next_stage:
            buttons.append(ButtonElement(text=f"Advance to {r.next_stage}",
                                         action_id="deal_advance",
                                         value=f"{number}:{r.next_stage}"))
        buttons += [
            ButtonElement(text="Won", action_id="deal_won", value=number, style="primary"),
            ButtonElement(text="Lost", action_id="deal_lost", value=number, style="danger"),
            ButtonElement(text="Edit", action_id="deal_edit", value=number),
        ]
        blocks.append(ActionsBlock(block_id="deal_actions", elements=buttons))
    return Reply(text=text, blocks=blocks)


def _totals(amounts: dict[str, Decimal]) -> str:
    """Amounts per currency, listed side by side: two currencies never make one figure."""
    texts = [format_money(v, c) for c, v in sorted(amounts.items())]
    if len(texts) < 2:
        return texts[0] if texts else "0"
    return ", ".join(texts[:-1]) + " and " + texts[-1]


def render_deal_list(r: DealListing) -> Reply:
    whose = "Your" if r.is_self else f"{escape(r.owner)}'s"
    if not r.groups:
        return text_reply(f"{whose} open deals: none. Create one with "
                          '`/deal new "Acme renewal" customer:"Acme Corp" amount:120k`.')
    parts = [f"*{whose} open deals*"]
    for g in r.groups:
        by_cur: dict[str, Decimal] = {}
        for d in g.deals:
            by_cur[d.currency] = by_cur.get(d.currency, Decimal(0)) + d.amount
        parts.append(f"\n*{g.stage}* ({g.probability_pct}%) — {plural(len(g.deals), 'deal')}, "
                     f"{_totals(by_cur)}")
        parts += [f"• {deal_line(d, r.today)}" for d in g.deals]
    footer = f"Open total {_totals(r.totals)} · weighted {_totals(r.weighted)}"
    text = "\n".join(parts) + "\n\n" + footer
    blocks = sections("\n".join(parts))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return Reply(text=text, blocks=blocks)


def _person(user_id: str, name: str) -> str:
    return f"<@{user_id}|{escape(name)}>"


def team_text(t: TeamView) -> str:
    managers = ", ".join(_person(m.user_id, m.name) for m in t.managers) or "none"
    lines = [f"*Team {escape(t.name)}* · <#{t.channel_id}> · {t.timezone}",
             f"Managers: {managers}"]
    reps = [m for m in t.members if not m.is_manager]
    lines.append(f"Members ({len(t.members)}): " + (", ".join(
        _person(m.user_id, m.name) + (f" ({m.role})" if m.role != "rep" else "") for m in t.members
    ) or "nobody yet — add people with `/sales team add @alice @bob`"))
    if not reps and t.members:
        lines.append("No reps yet: `/sales team add @alice @bob`.")
    return "\n".join(lines)


def render_team(r: TeamResult) -> Reply:
    body = team_text(r.team)
    text = f"{escape(r.message)}\n\n{body}" if r.message else body
    return text_reply(text, in_channel=r.in_channel)


def _num(value: Decimal | None, metric: str, currency: str | None = None) -> str:
    if value is None:
        return "–"
    if metric == "revenue" and currency:
        return format_money(value, currency)
    # a count: an implied target or a rate can be fractional; one decimal, half up as the
    # reps' parts of a team's count are split (commands.plan.targets.COUNT_UNIT)
    text = f"{Decimal(value).quantize(Decimal('0.1'), ROUND_HALF_UP):,f}"
    return text[:-2] if text.endswith(".0") else text


def _pct(value: Decimal | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def render_target(r: TargetResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    if r.rows:
        lines.append(f"*{escape(r.scope_name)} · {r.metric}*")
        for row in r.rows:
            s = row.score
            flag = " :warning: behind" if s.behind else ""
            lines.append(
                f"• *{row.label}*{' (implied)' if row.implied else ''}: target "
                f"{_num(row.target, r.metric, r.currency)} · actual "
                f"{_num(s.actual, r.metric, r.currency)} · attainment {_pct(s.attainment)} · "
                f"expected to date {_num(s.expected_to_date, r.metric, r.currency)} · pace "
                f"{'–' if s.pace is None else f'{s.pace:.2f}'}{flag}"
            )
    if r.rep_shares:
        lines.append("Per rep: " + ", ".join(
            f"{escape(name)} {_num(v, r.metric, r.currency)}" for name, v in r.rep_shares))
    lines += [f":warning: {escape(w)}" for w in r.warnings]
    lines += _currency_notes((), r.left_out, r.currency or "")
    return text_reply("\n".join(lines))


def rates_note(rates: ActivityRates) -> str:
    """Which win rate a plan used and why, and where its other rates came from."""
    history = {"rep": "their own history", "team": "the team's history",
               "default": "the configured defaults"}
    others = history[rates.source]
    if rates.deal_source is not None:
        cur = f" in {rates.deal_currency}" if rates.deal_currency else ""
        deal = (f"average deal from {history[rates.deal_source]} (no won deal{cur} in "
                f"{others})")
        visits = history[rates.visit_source or rates.source]
        note = " (no visits logged)" if rates.visit_source is not None else ""
        others = f"{deal}, opportunities per visit from {visits}{note}"
    elif rates.visit_source is not None:
        others = (f"average deal from {others}, opportunities per visit from "
                  f"{history[rates.visit_source]} (no visits logged)")
    else:
        others = f"average deal and opportunities per visit from {others}"
    return f"Win rate: {rates.win().describe()}; {others}."


def _plan_counts(p: ActivityPlan, cur: str) -> str:
    per_day = "–" if p.visits_per_day is None else f"{p.visits_per_day:.2f}"
    return (f"{_count(p.wins_needed, 'win')}, {_count(p.opportunities_needed, 'opportunity')},"
            f" {_count(p.visits_needed, 'visit')} ({per_day} a working day), pipeline "
            f"{format_money(p.pipeline_needed, cur)}")


def _count(n: int, word: str) -> str:
    plural = "opportunities" if word == "opportunity" else f"{word}s"
    return f"{n} {word if n == 1 else plural}"


def render_plan(r: PlanResult) -> Reply:
    p = r.plan
    rates = p.rates
    avg_deal = rates.avg_deal_size.quantize(Decimal("0.01"))
    per_day = "–" if p.visits_per_day is None else f"{p.visits_per_day:.2f}"
    to_go = max(r.target - r.actual, Decimal(0))
    if r.actual >= r.target:
        return text_reply(
            f"*Activity plan for {escape(r.scope_name)}, {r.period.label}*\n:tada: Target "
            f"{format_money(r.target, r.currency)} met: won {format_money(r.actual, r.currency)}"
            f", {format_money(r.actual - r.target, r.currency)} over. Every further win is "
            "stretch.")
    lines = [
        f"*Activity plan for {escape(r.scope_name)}, {r.period.label}*",
        f"Target {format_money(r.target, r.currency)} · won so far "
        f"{format_money(r.actual, r.currency)} · to go "
        f"{format_money(to_go, r.currency)} in {plural(r.remaining_days, 'working day')}",
    ]
    if p.members:
        # a team's plan is its reps' plans added up: each line below is that rep's /plan
        lines += [
            f"→ *{p.wins_needed}* {noun(p.wins_needed, 'win')} · "
            f"*{p.opportunities_needed}* "
            f"{noun(p.opportunities_needed, 'opportunity', 'opportunities')} · "
            f"*{p.visits_needed}* {noun(p.visits_needed, 'visit')}, "
            f"*{per_day}* visits per working day: "
            + (f"the sum of {p.reps} reps' own plans (`/plan @rep`), each at their own rates"
               if p.reps != 1 else "its one rep's own plan (`/plan @rep`), at their own rates"),
            *(f"• {escape(name)}: {_plan_counts(mine, r.currency)} · "
              f"{escape(mine.rates.win().describe())}" for name, mine in p.members),
        ]
        if r.reps_without_target:
            lines.append(f"Not in the sum (no revenue target for {r.period.label}): "
                         f"{escape(', '.join(r.reps_without_target))}.")
        if p.remaining_revenue != to_go:
            lines.append(
                f"The reps' own targets leave {format_money(p.remaining_revenue, r.currency)} "
                f"to go in all, against the team's {format_money(to_go, r.currency)}.")
        lines.append(f"Pipeline needed: {format_money(p.pipeline_needed, r.currency)}, the "
                     f"reps' own pipelines added up (coverage {p.coverage_needed:.1f}×)")
        lines.append(f"_The team's coverage (`/pipeline team`, the digest, the team's warnings) "
                     f"is judged at {escape(rates.win().describe())}._")
        lines += _currency_notes((), r.left_out, r.currency)
        return text_reply("\n".join(lines))
    lines += [
        f"→ *{p.wins_needed}* {noun(p.wins_needed, 'win')} "
        f"(avg deal {format_money(avg_deal, r.currency)})",
        f"→ *{p.opportunities_needed}* "
        f"{noun(p.opportunities_needed, 'opportunity', 'opportunities')} "
        f"(win rate {_pct(rates.win_rate)})",
        f"→ *{p.visits_needed}* {noun(p.visits_needed, 'visit')} "
        f"({rates.opportunities_per_visit:.2f} opportunities per visit)",
        f"→ *{per_day}* visits per working day",
        f"Pipeline needed: {format_money(p.pipeline_needed, r.currency)} "
        f"(coverage {p.coverage_needed:.1f}×)",
        f"_{escape(rates_note(rates))}_",
    ]
    lines += _currency_notes((), r.left_out, r.currency)
    if r.reps_without_target:
        lines.append(f"No rep has a revenue target for {r.period.label} "
                     f"({escape(', '.join(r.reps_without_target))}): planned as one unit.")
    return text_reply("\n".join(lines))


def render_pipeline(r: PipelineResult) -> Reply:
    cur = r.currency
    lines = [f"*Pipeline of {escape(r.scope_name)}*"]
    for s in r.lines:
        lines.append(f"• *{s.stage}*: {plural(s.count, 'deal')}, "
                     f"{format_money(s.amount, cur)} × {_pct(s.probability)} = "
                     f"{format_money(s.weighted, cur)}")
    source = (f"historical stage-to-won rates ({r.closed_deals} closed deals)"
              if r.probability_source == "history"
              else "configured stage probabilities: fewer than 20 closed deals")
    lines.append(f"Open {format_money(r.total, cur)} · weighted {format_money(r.weighted, cur)}"
                 f" _({source})_")
    lines.append(f"Closing in {r.period.label}: {format_money(r.closing_in_period, cur)}"
                 + "".join(f"\n   {ref} {escape(name)} {format_money(a, cur)}"
                           for ref, name, a in r.closing_deals)
                 + (f"\n   …and {plural(r.closing_more[0], 'more deal')}, "
                    f"{format_money(r.closing_more[1], cur)}" if r.closing_more[0] else ""))
    if r.remaining_target is None:
        lines.append(f"No revenue target covers {r.period.label}: coverage unknown.")
    else:
        cov = "–" if r.coverage is None else f"{r.coverage:.2f}×"
        need = (1 / r.win_rate).quantize(Decimal("0.1"))
        verdict = f":white_check_mark: healthy (needs {need}×)" if r.healthy else \
            f":warning: below the {need}× a {_pct(r.win_rate)} win rate needs"
        lines.append(f"Remaining target {format_money(r.remaining_target, cur)} · coverage "
                     f"{cov} {verdict}")
        if r.win is not None:
            lines.append(f"_Win rate: {escape(r.win.describe())}._")
    lines += _currency_notes(r.converted, r.left_out, cur)
    return text_reply("\n".join(lines))


def _currency_notes(converted: Sequence[Counted], left_out: Sequence[LeftOut],
                    currency: str) -> list[str]:
    """Say which deals a figure converted, and which it left out and why."""
    notes = []
    if converted:
        notes.append(f"_{escape(describe_counted(converted, currency))}_")
    if left_out:
        notes.append(f":warning: _{escape(describe_left_out(left_out))}_")
    return notes


def _metric_name(metric: str) -> str:
    return metric.replace("_", " ")


def render_report(r: ReportResult) -> Reply:
    cur = r.currency
    elapsed, total = r.working_days
    lines = [f"*Scorecard of {escape(r.scope_name)}, {r.period.label}* "
             f"({elapsed} of {total} working days gone)"]
    for m in r.metrics:
        name = _metric_name(m.metric)
        s = m.score
        if s is None or m.target is None:
            lines.append(f"• *{name}*: {_num(m.actual, m.metric, cur)} (no target)")
            continue
        flag = " :warning: behind" if s.behind else ""
        lines.append(
            f"• *{name}*: {_num(s.actual, m.metric, cur)} of {_num(m.target, m.metric, cur)} "
            f"({_pct(s.attainment)}) · expected {_num(s.expected_to_date, m.metric, cur)} · "
            f"pace {'–' if s.pace is None else f'{s.pace:.2f}'}{flag} · projected "
            f"{_num(s.projected, m.metric, cur)} · needs "
            f"{_num(s.required_per_working_day, m.metric, cur)} per working day")
    lines += _currency_notes(r.converted, r.left_out, cur)
    cycle = "–" if r.median_cycle_days is None else plural(r.median_cycle_days, "day")
    lines.append(f"*Win rate* (last 180 days): {_pct(r.win_rate_count)} by count "
                 f"({r.won} won, {r.lost} lost), {_pct(r.win_rate_value)} by value in {cur} "
                 f"· median cycle {cycle}")
    if r.value_left_out:
        note = describe_left_out(r.value_left_out)
        lines.append(f":warning: _The win rate by value: {escape(note[0].lower() + note[1:])}_")
    if any(reached for _, reached, _, _ in r.funnel):
        lines.append("*Funnel* (deals created in the last 180 days): " + " → ".join(
            f"{stage} {reached} ({_pct(conv)} on)" for stage, reached, _, conv in r.funnel))
    if r.moves:
        lines.append("*Top deals moved*: " + "; ".join(
            f"{ref} {escape(name)} {format_money(amount, cur_)} {old} → {new}"
            for ref, name, amount, cur_, old, new in r.moves))
    if r.stale_count:
        lines.append(f"*Stale deals* (no activity for 14+ days): {r.stale_count} — " + "; ".join(
            f"{ref} {escape(name)} {format_money(amount, cur_)}"
            f" (last {'never' if last is None else last.isoformat()})"
            for ref, name, amount, cur_, last in r.stale))
    else:
        lines.append("*Stale deals*: none")
    lines.append("*Visits by tier*: " + " · ".join(f"{t} {n}" for t, n in r.visits_by_tier))
    return text_reply("\n".join(lines))


def render_leaderboard(r: LeaderboardResult) -> Reply:
    lines = [f"*Leaderboard of {escape(r.team_name)}: {_metric_name(r.metric)}, "
             f"{r.period.label}* (ranked by attainment)"]
    for rank, rep, target, actual, got in r.rows:
        detail = (f"{_pct(got)} of {_num(target, r.metric, r.currency)}" if got is not None
                  else "no target")
        lines.append(f"{rank}. {escape(rep)} — {_num(actual, r.metric, r.currency)} ({detail})")
    lines += _currency_notes((), r.left_out, r.currency)
    return text_reply("\n".join(lines))


def _pace_text(s: Scorecard) -> str:
    pace = "–" if s.pace is None else f"{s.pace:.2f}"
    return (f"{_pct(s.attainment)} (pace {pace}{' :warning:' if s.behind else ''}, "
            f"expected {_pct(s.expected_share)})")


def _change(now: Decimal | None, before: Decimal | None) -> str:
    if now is None:
        return "–"
    if before is None:
        return _pct(now)
    delta = (now - before) * 100
    return f"{_pct(now)} ({'+' if delta >= 0 else ''}{delta:.0f} pts)"


def digest_sections(r: DigestResult) -> list[str]:
    """The digest as mrkdwn paragraphs, one per topic; shared by Block Kit and text."""
    cur = r.currency
    out = []
    if r.team is not None:
        t = r.team
        out.append(
            f"*Target {r.period.label}*: {format_money(t.actual, cur)} of "
            f"{format_money(t.target, cur)}, {_pace_text(t)} · projected "
            f"{_num(t.projected, 'revenue', cur)} · needs "
            f"{_num(t.required_per_working_day, 'revenue', cur)} per working day")
    else:
        out.append(f"*Target {r.period.label}*: no revenue target yet (`/target set team ...`)")
    if r.reps:
        out.append("*Reps*\n" + "\n".join(
            f"• {escape(line.name)}: {format_money(line.score.actual, cur)} of "
            f"{format_money(line.score.target, cur)}, {_pace_text(line.score)}"
            for line in r.reps))
    cov = "–" if r.coverage is None else f"{r.coverage:.2f}×"
    if r.win is not None:
        need = f" (needs {1 / r.win.rate:.1f}× at {escape(r.win.describe())})"
    else:
        need = "" if not r.win_rate else f" (needs {1 / r.win_rate:.1f}× at a " \
            f"{_pct(r.win_rate)} win rate)"
    verdict = ":white_check_mark:" if r.coverage_healthy else ":warning:"
    out.append(f"*Forecast*: {format_money(r.weighted_forecast, cur)} weighted (won + open "
               f"deals closing in {r.period.label} × stage probability) · coverage {cov}{need} "
               f"{verdict}")
    moving = [(stage, left, conv, prev) for stage, left, conv, prev in r.funnel if left]
    out.append("*Funnel this week* (share of deals leaving a stage that moved forward, vs "
               "last week): " + ("; ".join(
                   f"{stage} {_change(conv, prev)} of {left}"
                   for stage, left, conv, prev in moving) or "no stage moves"))
    in_cur = dict(r.deal_currencies)
    won = "; ".join(f"{ref} {escape(name)} ({person(owner)}) "
                    f"{format_money(a, in_cur.get(ref, cur))}"
                    for ref, name, owner, a in r.won) or "none"
    lost = "; ".join(f"{ref} {escape(name)} ({person(owner)}) "
                     f"{format_money(a, in_cur.get(ref, cur))}: "
                     f"{escape(reason)}" for ref, name, owner, a, reason in r.lost) or "none"
    out.append(f"*Won this week*: {won}\n*Lost this week*: {lost}")
    if r.left_out:
        out.append(f":warning: _{escape(describe_left_out(r.left_out))}_")
    slipped = "; ".join(f"{ref} {escape(name)} ({person(owner)}) {old} → {new}"
                        for ref, name, owner, old, new in r.slipped[:5]) or "none"
    if len(r.slipped) > 5:
        slipped += f" (+{len(r.slipped) - 5} more)"
    stale = "; ".join(naming(d.message, d.who) for d in r.stale[:5]) or "none"
    more = f" (+{len(r.stale) - 5} more)" if len(r.stale) > 5 else ""
    out.append(f"*Slipped* (close date pushed): {slipped}\n*Stale*: {stale}{more}")
    cadence = " · ".join(f"{t} {n}" for t, n in r.out_of_cadence)
    examples = "".join(f"\n• {naming(d.message, d.who)}" for d in r.cadence_examples)
    out.append(f"*Customers out of cadence*: {cadence}{examples}")
    if r.standup is not None:
        answered, prompted = r.standup
        out.append(f"*Stand-ups*: {answered} of {prompted} answered" + "".join(
            f"\n• {person(who)}: {escape(text)} (two days running)" for who, text in r.blockers))
    if r.actions:
        out.append("*Action items*\n" + "\n".join(
            f"• {ref} {escape(owner)}: {escape(text)}"
            f"{'' if due is None else f' (due {due:%a %d %b})'} — {state}"
            for ref, owner, text, due, state in r.actions))
    if r.forecast is not None:
        from bot.forecast_render import forecast_digest_section  # it builds on this module

        out.append(forecast_digest_section(r.forecast))
    out.append(f":dart: *Focus this week*: {escape(r.focus)}")
    return out


def render_digest(r: DigestResult) -> Reply:
    title = f"Weekly review: {r.team_name}, {r.week[0]:%d %b} – {r.week[1]:%d %b}"
    parts = digest_sections(r)
    blocks: list[Block] = [HeaderBlock(text=title[:150])]
    for part in parts:
        blocks.extend(sections(part))
        blocks.append(DividerBlock())
    blocks = blocks[:-1][:MAX_BLOCKS]
    return Reply(text="\n\n".join([f"*{escape(title)}*", *parts]), blocks=blocks)


def render_actions(r: ActionResult) -> Reply:
    marks = {"open": "•", "overdue": ":warning:", "done": ":white_check_mark:"}
    lines = [escape(r.message)] if r.message else []
    if len(r.items) > 1 or not r.message:
        lines.insert(0, f"*Action items of {escape(r.team_name)}*")
    if not (len(r.items) == 1 and r.message):
        lines += [f"{marks[i.state]} *{i.ref}* {escape(i.owner)}: {escape(i.text)}"
                  f"{'' if i.due is None else f' — due {i.due:%a %d %b}'}"
                  f"{' (overdue)' if i.state == 'overdue' else ''}" for i in r.items]
    return text_reply("\n".join(lines))


def render_config(r: ConfigResult) -> Reply:
    lines = [escape(r.message)] if r.message else []
    lines.append(f"*Settings of {escape(r.team_name)}*")
    lines.append(f"Weekly digest: {r.digest}")
    lines.append(f"Deal cards: `deal_cards:{r.deal_cards}` (reps see "
                 + ("their teammates' deal cards too)" if r.deal_cards == "team"
                    else "only their own deal cards)"))
    lines.append("Warnings: " + " ".join(f"`{k}:{v}`" for k, v in r.warnings))
    if r.fx_rates:
        lines.append("Exchange rates (workspace): " + "; ".join(
            f"1 {x.currency} = {x.rate.normalize():f} {x.quote} (set by {escape(x.set_by)} "
            f"{x.set_at:%Y-%m-%d %H:%M} UTC)" for x in r.fx_rates))
    elif r.currency:
        lines.append(f"Exchange rates: none; deals in currencies other than {r.currency} count "
                     f"toward {r.currency} targets only once an admin sets a rate, like "
                     f"`/sales config fx:EUR=1.08`.")
    return text_reply("\n".join(lines))


def render_export(r: ExportResult) -> Reply:
    rows = ", ".join(f"{table.replace('_', ' ')} {n}" for table, n in r.rows)
    text = (f":inbox_tray: Sending you {len(r.files)} CSV files in a direct message: "
            f"{escape(r.scope)} ({rows}).")
    return Reply(text=text, blocks=sections(text), files=r.files)
