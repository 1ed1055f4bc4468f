"""Who may author courses: lecturers (讲师) draft under the course index, organisers (组织者)
approve and publish through the lecturer pool's moderation workflow (审核流程).

The page rights and the workflow come from :mod:`lecturers.permissions`: lecturers get *add*
below the course index (so they edit only the courses and lessons they created), organisers
*add*, *change* and *publish*; nothing a lecturer writes goes live without approval.
"""

from __future__ import annotations

from learning.accounts.roles import LECTURERS, ORGANISERS, grant
from lecturers.permissions import grant_lecturer_page_permissions

ORGANISER_PERMISSIONS = [
    "courses.view_enrolment",
    "courses.enrol_organisation",
    # 培训方案 (分级分层): organisers decide which courses each group of workers takes
    "courses.add_trainingtrack",
    "courses.change_trainingtrack",
    "courses.delete_trainingtrack",
    "courses.view_trainingtrack",
    "exams.view_question",
]
LECTURER_PERMISSIONS = ["exams.view_question"]


#: Media library (wagtailmedia) permissions on the root collection: both groups upload the
#: recordings of field interviews (现场访谈) and choose them in lessons.
MEDIA_PERMISSIONS = ["add_media"]


def grant_media_permissions(group_name: str) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    create_permissions(apps.get_app_config("wagtailmedia"), verbosity=0)
    group, _created = Group.objects.get_or_create(name=group_name)
    for codename in MEDIA_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailmedia", codename=codename
        )
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )


def open_for_authoring(index) -> None:
    """Let lecturers draft courses under ``index`` and organisers moderate them."""
    grant_lecturer_page_permissions(index)


def ensure_authoring(**kwargs) -> None:
    """post_migrate: model permissions, and authoring rights on any existing course index."""
    from courses.models import CourseIndexPage

    grant(ORGANISERS, ORGANISER_PERMISSIONS)
    grant(LECTURERS, LECTURER_PERMISSIONS)
    grant_media_permissions(ORGANISERS)
    grant_media_permissions(LECTURERS)
    for index in CourseIndexPage.objects.all():
        open_for_authoring(index)


def on_index_saved(sender, instance, created: bool, raw=False, **kwargs) -> None:
    """post_save of ``CourseIndexPage``: a new catalogue opens for authoring at once."""
    if created and not raw:
        open_for_authoring(instance)
