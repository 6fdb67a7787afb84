"""Costs and careers: the cost explorer, pay evidence, the self-assessment and the personal plan (04, 05 and 05b)."""
