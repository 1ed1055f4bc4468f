"""The site's groups and their permissions, kept in step with the code on every migrate.

Other apps add their own permissions to these groups from their own ``post_migrate``
handlers, so each app states what organisers and lecturers may do with its models.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

ORGANISERS = "组织者"
LECTURERS = "讲师"

ORGANISER_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "learning.view_learnerprofile",
    "learning.add_learnerprofile",
    "learning.change_learnerprofile",
    "learning.export_phone_numbers",
    "learning.view_organisation",
    "learning.add_organisation",
    "learning.change_organisation",
    "learning.view_pointrule",
    "learning.change_pointrule",
    "learning.view_ledgerentry",
    "learning.adjust_points",
]
LECTURER_PERMISSIONS = ["wagtailadmin.access_admin"]


def grant(group_name: str, codenames: list[str]) -> Group:
    """Give the group these ``app_label.codename`` permissions (existing ones only)."""
    group, _created = Group.objects.get_or_create(name=group_name)
    wanted = [name.split(".", 1) for name in codenames]
    # post_migrate handlers run in app order, so another app's permissions may not have
    # been created yet when this runs; creating them first is idempotent.
    for app_label in {app_label for app_label, _codename in wanted}:
        create_permissions(apps.get_app_config(app_label), verbosity=0)
    permissions = Permission.objects.none()
    for app_label, codename in wanted:
        permissions |= Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        )
    group.permissions.add(*permissions)
    return group


def ensure_roles(**kwargs) -> None:
    grant(ORGANISERS, ORGANISER_PERMISSIONS)
    grant(LECTURERS, LECTURER_PERMISSIONS)
