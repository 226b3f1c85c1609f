"""The Slack side of salesbot: the Bolt app, listeners, Block Kit rendering and the CLI."""
