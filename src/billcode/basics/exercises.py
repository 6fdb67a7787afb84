"""The inputs 00_python_for_this_course's practice functions are checked on (all public: nothing here is graded)."""

from __future__ import annotations

from billcode.quiz.checks import Exercise

EXERCISES: dict[str, Exercise] = {}
