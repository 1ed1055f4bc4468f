"""What every installation needs for mock exams, restored after each migrate (and flush)."""

from __future__ import annotations

from learning.roles import LECTURERS, ORGANISERS, grant

ORGANISER_PAPER_PERMISSIONS = [
    "exams.add_paper",
    "exams.change_paper",
    "exams.delete_paper",
    "exams.view_paper",
    "exams.view_paper_statistics",
    "exams.view_attempt",
]
LECTURER_MARKING_PERMISSIONS = ["exams.mark_attempt", "exams.view_attempt"]


def ensure_mock_exam_baseline(**kwargs) -> None:
    from exams.tasks import ensure_overdue_schedule

    grant(ORGANISERS, ORGANISER_PAPER_PERMISSIONS)
    grant(LECTURERS, LECTURER_MARKING_PERMISSIONS)
    ensure_overdue_schedule()
