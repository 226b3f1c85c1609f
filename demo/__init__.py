"""The demo: team East's six weeks of history, its last week on the real ticker, and a
scripted console session today, all without Slack (`salesbot demo`)."""
