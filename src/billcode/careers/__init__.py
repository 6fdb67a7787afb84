"""Costs and careers: the cost explorer, pay evidence, the self-assessment and the personal plan (04 and 05)."""
