"""Class variants: the numbers in computed graded questions come from a class secret set at release.

The masters are public, so a key written in them is public too. A graded item that computes something lists
candidate values for its numbers in the bank (`"params": {"position": [50, 25, 75]}`, the first being the
public default). At release an instructor's secret picks one candidate per class (no secret: the public defaults); the
pick is saved in the course root (`class_params.json`, never committed) and the grader computes the keys
from it, so a secret set or changed after release cannot make the keys disagree with the questions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

from billcode.quiz.params import choose_params

SECRET_ENV = "BILLCODE_CLASS_SECRET"
SECRET_FILE = "class_secret.txt"
PARAMS_FILE = "class_params.json"
MIN_SECRET_CHARS = 12  # short secrets can be guessed (and would match ordinary words in feedback pages)


def class_secret(course_root: Path) -> str | None:
    """The class secret: $BILLCODE_CLASS_SECRET, else class_secret.txt in the course root, else None (public)."""
    secret = os.environ.get(SECRET_ENV, "").strip()
    path = Path(course_root) / SECRET_FILE
    if not secret and path.is_file():
        secret = path.read_text(encoding="utf-8").strip()
    return secret or None


def saved_params(course_root: Path) -> dict:
    """Every bank's numbers as saved at release (empty when the class uses the public defaults)."""
    path = Path(course_root) / PARAMS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def class_params(course_root: Path, bank: dict) -> dict[str, dict[str, float]]:
    """The numbers this class was given: as saved at release, else what the current secret picks."""
    saved = saved_params(course_root).get(bank["bank"])
    return saved if saved is not None else choose_params(bank, class_secret(course_root))


def save_class_params(course_root: Path, bank: dict) -> dict[str, dict[str, float]]:
    """At release: pick this class's numbers from the secret and record them for grading."""
    secret = class_secret(course_root)
    if secret is not None and len(secret) < MIN_SECRET_CHARS:
        raise ValueError(f"The class secret is {len(secret)} characters long; use at least {MIN_SECRET_CHARS} "
                         "(a random phrase), in class_secret.txt or $BILLCODE_CLASS_SECRET.")
    params = choose_params(bank, secret)
    everything = {**saved_params(course_root), bank["bank"]: params}
    text = json.dumps(everything, indent=1, sort_keys=True) + "\n"
    (Path(course_root) / PARAMS_FILE).write_text(text, encoding="utf-8")
    return params


def grading_seed(course_root: Path, assignment: str, student: str) -> str:
    """The inputs a student's graded functions are run on: fixed per class, assignment and student.

    Keyed by the class secret when there is one; without it the seed can be worked out by anyone, which still
    leaves a student to compute the right answers for inputs they did not choose.
    """
    secret = class_secret(Path(course_root)) or "billing-vs-coding public course"
    return hmac.new(secret.encode(), f"{assignment}:{student}".encode(), hashlib.sha256).hexdigest()[:16]
