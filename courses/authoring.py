"""Who may author courses: lecturers (讲师) draft under the course index, organisers (组织者)
approve and publish through a moderation workflow (审核流程).

Wagtail's ownership rule gives the "own pages only" part: a group with *add* permission below
a page may edit only the pages its members own. Lecturers never have *publish*, so whatever
they write waits for an organiser's approval in the workflow.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage
from wagtail.models import WorkflowTask

from learning.roles import LECTURERS, ORGANISERS, grant

#: Page permissions per group on the course index (and so on every course and lesson).
PAGE_PERMISSIONS = {LECTURERS: ("add",), ORGANISERS: ("add", "change", "publish")}

WORKFLOW_NAME = "课程审核"
TASK_NAME = "组织者审核课程"

ORGANISER_PERMISSIONS = [
    "courses.view_enrolment",
    "courses.enrol_organisation",
    "courses.view_lessoncompletion",
    "exams.view_question",
]
LECTURER_PERMISSIONS = ["exams.view_question"]


def course_workflow() -> Workflow:
    """One task approved by the organisers' group."""
    workflow, _created = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(Group.objects.get_or_create(name=ORGANISERS)[0])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


@transaction.atomic
def open_for_authoring(index: Page) -> None:
    """Let lecturers draft courses under ``index`` and organisers moderate them."""
    for group_name, permission_types in PAGE_PERMISSIONS.items():
        group = Group.objects.get_or_create(name=group_name)[0]
        for permission_type in permission_types:
            if not GroupPagePermission.objects.filter(
                group=group, page=index, permission__codename=f"{permission_type}_page"
            ).exists():
                GroupPagePermission.objects.create(
                    group=group, page=index, permission_type=permission_type
                )
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": course_workflow()})


def ensure_authoring(**kwargs) -> None:
    """post_migrate: model permissions, and authoring rights on any existing course index."""
    from courses.models import CourseIndexPage

    grant(ORGANISERS, ORGANISER_PERMISSIONS)
    grant(LECTURERS, LECTURER_PERMISSIONS)
    for index in CourseIndexPage.objects.all():
        open_for_authoring(index)
