"""Who may author courses: lecturers (讲师) draft under the course index, organisers (组织者)
approve and publish through the lecturer pool's moderation workflow (审核流程).

The page rights and the workflow come from :mod:`lecturers.permissions`: lecturers get *add*
below the course index (so they edit only the courses and lessons they created), organisers
*add*, *change* and *publish*; nothing a lecturer writes goes live without approval.
"""

from __future__ import annotations

from learning.roles import LECTURERS, ORGANISERS, grant
from lecturers.permissions import grant_lecturer_page_permissions

ORGANISER_PERMISSIONS = [
    "courses.view_enrolment",
    "courses.enrol_organisation",
    "exams.view_question",
]
LECTURER_PERMISSIONS = ["exams.view_question"]


def open_for_authoring(index) -> None:
    """Let lecturers draft courses under ``index`` and organisers moderate them."""
    grant_lecturer_page_permissions(index)


def ensure_authoring(**kwargs) -> None:
    """post_migrate: model permissions, and authoring rights on any existing course index."""
    from courses.models import CourseIndexPage

    grant(ORGANISERS, ORGANISER_PERMISSIONS)
    grant(LECTURERS, LECTURER_PERMISSIONS)
    for index in CourseIndexPage.objects.all():
        open_for_authoring(index)


def on_index_saved(sender, instance, created: bool, raw=False, **kwargs) -> None:
    """post_save of ``CourseIndexPage``: a new catalogue opens for authoring at once."""
    if created and not raw:
        open_for_authoring(instance)
