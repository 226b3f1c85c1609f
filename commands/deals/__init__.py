"""Customers, visits and deals: /visit, /deal, /pipeline and the counts behind them."""
