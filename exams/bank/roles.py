"""Who may author the bank: lecturers and organisers write, import and preview questions."""

from __future__ import annotations

from learning.accounts.roles import LECTURERS, ORGANISERS, grant

AUTHOR_PERMISSIONS = [
    f"exams.{action}_{model}"
    for model in ("question", "questionbank", "option")
    for action in ("add", "change", "view")
]
AUTHOR_PERMISSIONS += ["exams.delete_option"]


def grant_question_authoring(**kwargs) -> None:
    grant(LECTURERS, AUTHOR_PERMISSIONS)
    grant(ORGANISERS, AUTHOR_PERMISSIONS)
