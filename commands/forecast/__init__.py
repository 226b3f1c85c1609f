"""The weekly forecast call: categories on deals, calls, adjustments, roll-up and scoring."""
