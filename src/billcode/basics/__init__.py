"""The Python this course needs, practised on the course's own material (notebook 00)."""
