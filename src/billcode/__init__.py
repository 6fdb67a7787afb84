"""Billing vs Coding: the package the course notebooks use.

Notebooks import only these short names, so the package can be reorganised without touching them.
"""

from billcode.careers.tuition import tuition_explorer
from billcode.data import load_json, load_table
from billcode.quiz.checks import check_answer, quiet
from billcode.quiz.engine import open_quiz
from billcode.tables import show_table

__all__ = ["check_answer", "load_json", "load_table", "open_quiz", "quiet", "show_table", "tuition_explorer"]
__version__ = "0.1.0"
