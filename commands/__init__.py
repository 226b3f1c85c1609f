"""What a user can ask salesbot for, with no Slack in it.

Each command has a pure `parse_<cmd>(text) -> Args` that raises `UsageError` with a helpful
message, and a `run_<cmd>(args, *, session, actor, now) -> Result` that does the work inside
the caller's transaction.
"""
