"""Targets, their decomposition, the activity plan and the win rate: /target and /plan."""
