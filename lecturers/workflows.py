"""The moderation workflow (审核流程) of lecturer-authored pages.

Lecturers may save drafts and submit them; an organiser (组织者) approves, which publishes,
or rejects with a comment. The same workflow serves the lecturer directory and, once the
courses app calls :func:`ensure_moderation_workflow` for it, the course index.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from learning.accounts.roles import ORGANISERS

WORKFLOW_NAME = "讲师内容审核"
TASK_NAME = "组织者审核"


@transaction.atomic
def moderation_workflow() -> Workflow:
    """The one workflow: a single task approved by the organisers' group."""
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
def ensure_moderation_workflow(page: Page) -> Workflow:
    """Make ``page`` and everything below it go through the organisers' approval."""
    workflow = moderation_workflow()
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow
