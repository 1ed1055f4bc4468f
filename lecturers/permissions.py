"""Page permissions of lecturers (讲师) and organisers (组织者) in the Wagtail page tree.

Wagtail's ownership rule does the "own page only" part: a group with *add* permission on a
page may edit that page (and pages below it) only where the user is the page's owner. So:

- each ``LecturerPage`` gives the 讲师 group *add* on itself, and its owner is the linked
  lecturer account: that lecturer edits their own page, no one else's, and (a lecturer page
  having no subpage types) adds nothing;
- a section opened with :func:`grant_lecturer_page_permissions` (the course index) gives
  the 讲师 group *add*: lecturers create pages there and edit the ones they created;
- the 组织者 group has *add*, *change*, *publish* and *delete* on both; lecturers never have
  *publish*, so what they write goes through the moderation workflow.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from learning.accounts.roles import LECTURERS, ORGANISERS
from lecturers.workflows import ensure_moderation_workflow

ORGANISER_PAGE_PERMISSIONS = ("add", "change", "publish", "delete")


def _grant(group_name: str, page: Page, permission_types: tuple[str, ...]) -> None:
    group, _created = Group.objects.get_or_create(name=group_name)
    for permission_type in permission_types:
        if not GroupPagePermission.objects.filter(
            group=group, page=page, permission__codename=f"{permission_type}_page"
        ).exists():
            GroupPagePermission.objects.create(
                group=group, page=page, permission_type=permission_type
            )


@transaction.atomic
def grant_lecturer_page_permissions(page: Page) -> None:
    """Open ``page``'s subtree to lecturers' drafts under organisers' moderation.

    For a section such as the course index: lecturers add pages and edit their own,
    organisers edit and publish everything, and every change is moderated.
    """
    _grant(LECTURERS, page, ("add",))
    _grant(ORGANISERS, page, ORGANISER_PAGE_PERMISSIONS)
    ensure_moderation_workflow(page)


@transaction.atomic
def set_up_lecturer_index(index: Page) -> None:
    """The directory: organisers manage it; lecturers get access page by page."""
    _grant(ORGANISERS, index, ORGANISER_PAGE_PERMISSIONS)
    ensure_moderation_workflow(index)


@transaction.atomic
def set_up_lecturer_page(page) -> None:
    """Let the linked lecturer (made the page's owner) edit this page, and only this one."""
    _grant(LECTURERS, page, ("add",))
    # The owner follows the linked account, so unlinking or relinking moves the right too.
    if page.owner_id != page.user_id:
        Page.objects.filter(pk=page.pk).update(owner_id=page.user_id)
        page.owner_id = page.user_id
    if page.user_id:
        group = Group.objects.get_or_create(name=LECTURERS)[0]
        page.user.groups.add(group)
