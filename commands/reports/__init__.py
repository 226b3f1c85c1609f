"""Reports and the weekly review digest (复盘)."""
