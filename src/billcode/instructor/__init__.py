"""Instructor tools: release, grading, feedback and authoring. Nothing here runs in a student's kernel."""

from billcode.instructor.keys import key_answers

__all__ = ["key_answers"]
