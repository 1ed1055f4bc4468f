"""Starting values of the point rules; organisers edit them in the admin afterwards."""

from django.utils.translation import gettext_lazy as _

#: action -> (points, daily cap; 0 = no cap)
DEFAULT_RULES: dict[str, tuple[int, int]] = {
    "daily_login": (1, 1),
    "lesson_completed": (2, 20),
    "course_completed": (10, 0),
    "practice_correct": (1, 20),
    "daily_practice_done": (5, 5),
    "mock_exam_finished": (5, 10),
    "mock_exam_passed": (10, 0),
    "mock_exam_score_band": (5, 0),
    "session_attended": (10, 0),
    "streak_bonus": (5, 5),
    "manual_adjustment": (0, 0),
}

#: All-time points -> level badge (等级称号) shown to learners, lowest first.
BADGES: list[tuple[int, str]] = [
    (100, _("学习新星")),
    (300, _("学习标兵")),
    (600, _("学习达人")),
]
