"""What every installation needs for mock exams, restored after each migrate (and flush)."""

from __future__ import annotations

from learning.accounts.roles import LECTURERS, ORGANISERS, grant

ORGANISER_PAPER_PERMISSIONS = [
    "exams.add_paper",
    "exams.change_paper",
    "exams.delete_paper",
    "exams.view_paper",
    "exams.view_paper_statistics",
    "exams.view_attempt",
    # 考试安排: the organisers keep the exam calendar (exams.calendar.exam_days)
    "exams.add_examyear",
    "exams.change_examyear",
    "exams.view_examyear",
]
LECTURER_MARKING_PERMISSIONS = ["exams.mark_attempt", "exams.view_attempt"]


def ensure_mock_exam_baseline(**kwargs) -> None:
    from exams.tasks import ensure_overdue_schedule

    grant(ORGANISERS, ORGANISER_PAPER_PERMISSIONS)
    grant(LECTURERS, LECTURER_MARKING_PERMISSIONS)
    ensure_overdue_schedule()
