"""Deviation warnings (异常预警): the rules, their inputs, their state and the PDCA action items."""
