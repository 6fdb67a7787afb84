"""Authoring and release: student copies from the masters (release), question cells and re-run masters
(authoring), a notebook's time (estimate)."""
