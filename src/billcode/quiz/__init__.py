"""The quiz engine: item banks, scoring rules, saved answers, question widgets, rendering and mastery."""

from billcode.quiz.engine import Quiz, open_quiz

__all__ = ["Quiz", "open_quiz"]
