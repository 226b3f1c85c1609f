from __future__ import annotations

import pytest
import yaml

from bot.manifest import manifest, manifest_yaml


def test_http_manifest_points_everything_at_the_events_url() -> None:
    m = yaml.safe_load(manifest_yaml("https://bot.example.com/"))
    url = "https://bot.example.com/slack/events"
    commands = {c["command"]: c for c in m["features"]["slash_commands"]}
    assert set(commands) == {"/visit", "/deal", "/target", "/plan", "/pipeline", "/sales",
                             "/standup", "/followups", "/forecast"}
    assert all(c["should_escape"] is True and c["url"] == url and c["usage_hint"]
               for c in commands.values())
    assert m["settings"]["interactivity"]["request_url"] == url
    assert m["settings"]["interactivity"]["message_menu_options_url"] == url
    assert m["settings"]["event_subscriptions"]["request_url"] == url
    assert m["settings"]["socket_mode_enabled"] is False
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {
        "member_joined_channel", "app_home_opened"}
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert {(s["type"], s["callback_id"]) for s in m["features"]["shortcuts"]} == {
        ("message", "log_message_as_visit"), ("message", "add_follow_up"),
        ("global", "log_a_visit")}
    assert all(len(s["description"]) <= 150 for s in m["features"]["shortcuts"])
    # DMs: prompts need chat:write; exports and charts may conversations.open (im:write)
    assert {"commands", "chat:write", "im:write", "users:read"} <= set(
        m["oauth_config"]["scopes"]["bot"])


def test_socket_mode_manifest_has_no_urls() -> None:
    m = yaml.safe_load(manifest_yaml(socket_mode=True))
    assert m["settings"]["socket_mode_enabled"] is True
    assert "url" not in m["features"]["slash_commands"][0]
    assert "request_url" not in m["settings"]["interactivity"]


def test_http_manifest_needs_a_url() -> None:
    with pytest.raises(ValueError, match="--url"):
        manifest_yaml(None)


def test_the_manifests_command_hints_agree_with_the_read_policy() -> None:
    # The /target description said "everyone reads" (reps read only their own and their
    # team's targets), and /plan's usage hint left out `/plan team`.
    commands = {c["command"]: c for c in manifest(socket_mode=True)["features"]["slash_commands"]}
    assert "everyone" not in commands["/target"]["description"]
    assert "team" in commands["/plan"]["usage_hint"]
