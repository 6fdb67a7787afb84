"""Billing vs Coding: the package the course notebooks use."""

from billcode.data import load_json, load_table
from billcode.quiz import open_quiz

__all__ = ["load_json", "load_table", "open_quiz"]
__version__ = "0.1.0"
