"""Costs and careers: the tuition explorer (04_costs_and_careers builds on it)."""
