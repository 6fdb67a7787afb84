"""What graded work shows: feedback pages (feedback), the class report (analytics), a self-learner's notebook
graded as an instructor would (self_grade), synthetic submissions for tests and benchmarks (synthetic)."""
