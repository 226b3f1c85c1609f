"""Benchmarks: scripts that measure salesbot under load (not tests; see README "Performance")."""
