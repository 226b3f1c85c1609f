"""Usage text for every command, shown by `/sales help` and `/<command> help`.

Each command's help is one whole message, translated as a whole: the Chinese help shows the
Chinese option keys and values (`类型:演示`) beside the English ones it accepts.
"""

from __future__ import annotations

from commands.core.i18n import N_, t

VISIT = N_("""*`/visit` — log a customer visit, call, demo, meeting or email*
`/visit "Acme Corp" Met the CTO, wants pricing`
`/visit "Acme Corp" type:demo outcome:positive on:yesterday next:"send quote" Met the CTO`
• `type:` visit (default), call, demo, meeting, email
• `outcome:` positive, neutral, negative
• `on:` when it happened: today (default), yesterday, "last tue", 2026-11-20, 3.12.2026
  (day first), 昨天, 上周二
• `next:` the next step; `by:friday` makes it a follow-up due that day (any date form
  `on:` takes; today or later); `deal:D-3` links a deal
• A visit at a customer with one of your open follow-ups closes it (the reply says so)
• A new customer is created as tier C unless you add `tier:A|B|C`; a name close to an
  existing one is refused with a suggestion (add `new:yes` if it really is new)
• `/visit` alone opens a form.""")

DEAL = N_("""*`/deal` — create, update and close deals*
`/deal new "Acme renewal" customer:"Acme Corp" amount:120k stage:proposal close:2026-12-15`
`/deal D-1 stage:negotiation amount:150k close:"next friday"`
`/deal D-1 won` · `/deal D-1 lost reason:"price"` (a reason is required)
`/deal` or `/deal list` — your open deals by stage · `/deal D-1` — one deal with its history
`/deal D-1 next:"call CFO" by:2026-12-10` — the deal's next step, a follow-up for its owner
• Amounts: 120000, 120,000, 120k, 1.2m, $120k, ¥120,000, 12万, 120k EUR; `currency:EUR`
• Stages: lead, qualified, proposal, negotiation, won, lost""")

TARGET = N_("""*`/target` — targets (managers set them; reps read their own and their team's)*
`/target set team revenue 1.2M quarter:2026-Q4` — the team's target (reps share it evenly)
`/target set team revenue 1.2M quarter:2026-Q4 split:weights alice:2 bob:1`
`/target set @alice revenue 300k month:2026-12 stretch:360k challenge:420k`
`/target show [team|@alice] [metric] [month:2026-12]` — target, actual, attainment, pace
`/target lock quarter:2026-Q4` — freeze this team's targets; `/target lock @alice ...` a
rep's; `/target lock all ...` every team's (admins). Later changes are recorded
• Metrics: revenue, wins, visits, new_customers, opportunities
• Periods: year:2026, quarter:2026-Q4, month:2026-12, week:2026-W49""")

PLAN = N_("""*`/plan` — what it takes to hit the target*
`/plan` · `/plan @alice month:2026-12` · `/plan team`
Works back from the revenue still to win: wins needed (average deal size) → opportunities
(win rate) → visits (opportunities per visit) → visits per remaining working day. The win
rate is your own once you have 5 closed deals, else the team's, else the configured default,
and the reply says which; `/plan team` is its reps' own plans added up.""")

PIPELINE = N_("""*`/pipeline` — open deals by stage*
`/pipeline` · `/pipeline @alice` · `/pipeline team`
Count, amount and weighted amount per stage (historical stage-to-won rates once there are
20 closed deals, configured probabilities before), deals closing this month, and coverage
of the remaining target (healthy at 1 / win rate or more).""")

FORECAST = N_("""*`/forecast` — the weekly forecast call*
`/forecast submit commit:300k best:420k [month|quarter] note:"Acme signs the 20th"` — your
  call (each one is kept; `month:2026-12`, `quarter:2026-Q4` name the period)
`/forecast adjust @alice commit:250k [best:300k] reason:"Acme slips to Q1"` — managers: a
  figure beside the rep's call (`adjust team ...` the team's); the call itself stays
`/forecast [team|@rep] [month|quarter]` — closed, commit, best case, weighted pipeline,
  target and gap per rep and for the team; who has not called; the move since last week; a
  commit above what the deals closing in the period could deliver is flagged
`/forecast history [@rep|team] [month|quarter] [4]` — closed periods: first and last call,
  actual, error (over-called or sandbagged) and the running accuracy
• Deal categories: `/deal D-3 forecast:commit` (pipeline, best_case, commit, omitted; `auto`
  = the stage's default)""")

SALES = N_("""*`/sales` — teams, roles, reports and leaderboards*
`/sales team create "East" tz:Asia/Shanghai` — in a channel: binds a team to it, you manage it
`/sales team add @alice @bob` · `/sales team remove @bob` · `/sales team` — show the team
`/sales team channel team:"East"` — in another channel: the team's posts go there now
`/sales team "East" lang:zh|en|auto` — managers: the language of the team channel's posts
  (auto: the workspace default)
`/sales lang zh|en|auto` — the language salesbot answers you in (auto: your Slack language);
  `/sales lang` shows it
`/sales role @carol manager [team:"East"]` — admins: set rep, manager or admin
`/sales holiday add 2026-12-25 "Christmas"` · `/sales holiday` — the team's days off
`/sales member @dan start:2026-10-01` — a new rep's first day (ramped targets)
`/sales report [week|month|quarter|year|month:2026-12] [@alice|team]` — the scorecard:
  every metric's target, actual, attainment, expected, pace, projected and run rate; win
  rate, cycle, funnel, deals moved, stale deals, visits by tier
`/sales leaderboard [metric] [week|month|quarter|year]` — reps ranked by attainment of their
  target
`/sales digest [team:"East"]` — managers, admins: the weekly review now (it also comes by DM,
  Monday 08:30)
`/sales action add @bob "Call 5 B-tier accounts" due:friday` · `/sales action done A-3` ·
  `/sales action list [@bob] [all]` — PDCA action items from the weekly review
`/sales config` — the team's settings · `/sales config digest:mon-08:30|off` ·
  `/sales config deal_cards:team|own` (may reps see teammates' deal cards) ·
  `/sales config warnings stale_days:14 pace_threshold:0.85` (managers) ·
  `/sales config fx:EUR=1.08` (admins: exchange rates; `fx:EUR=off` removes one) ·
  `/sales config forecast proposal:best_case negotiation:commit` (admins: each stage's
  forecast category) · `/sales config forecast:mon-10:00|off forecast_deadline:15:00`
  (managers: the weekly forecast call and its reminder)
`/sales warnings [team:"East"]` — the deviation warnings firing now, with who snoozed or
  acknowledged them (they are also posted in the team channel at 10:00 and 15:00)
`/sales export` — your data as CSV files, sent to your DM · `/sales help` — this help""")

FOLLOWUPS = N_("""*`/followups` — the next steps you owe, by the day they are due*
`/followups` — yours, overdue first, then due within 7 days · `/followups all` — every open one
`/followups @alice` · `/followups team` — a rep's, the team's (managers, admins)
`/followups add send quote by:friday [deal:D-3]` — one of your own
`/followups done F-3` · `/followups snooze F-3 1d|1w|friday` · `/followups reopen F-3`
• Made by `/visit ... next:"send quote" by:friday` and `/deal D-3 next:"call CFO" by:friday`
• At 09:00 your time, on a day with follow-ups due or overdue, a DM lists them with
  *Done*, *Snooze* and *Log visit*""")

STANDUP = N_("""*`/standup` — the daily stand-up*
`/standup answer yesterday:"met Acme" today:"demo for Globex" blockers:none` — or press
  *Answer* on the prompt for a form pre-filled from what you logged and what your plan asks
`/standup skip` — skip today's · `/standup ooo 2026-12-20..2027-01-02` — out of office
  (`/standup ooo` lists, `/standup ooo off` clears) · `/standup` — your team's stand-up
`/standup config time:09:30 days:mon-fri tz:team window:120m reminder:30m` — managers: turn it
  on (off until configured); `tz:local` asks each member at 09:30 in their own timezone;
  `/standup config off` turns it off
`/standup now` — managers: start today's at once · `/standup report [date]` — today's, or a
  past one""")

TOPICS = {"visit": VISIT, "deal": DEAL, "target": TARGET, "plan": PLAN, "pipeline": PIPELINE,
          "followups": FOLLOWUPS, "forecast": FORECAST, "standup": STANDUP, "sales": SALES}


def usage(topic: str | None) -> str:
    """The help for one command, or for all of them."""
    if topic:
        key = topic.strip().lstrip("/").split()[0].lower()
        if key in TOPICS:
            return t(TOPICS[key])
    intro = t("*salesbot* — your sales plan, in chat. Type `help` after any command for more.")
    return "\n\n".join([intro, *(t(text) for text in TOPICS.values())])
