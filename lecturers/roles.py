"""What organisers (组织者) and lecturers (讲师) may do with this app's models and images.

Run from ``post_migrate`` (see ``learning.accounts.roles``); page-level rights are granted per page in
:mod:`lecturers.permissions` when the pages are created.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from learning.accounts.roles import LECTURERS, ORGANISERS, grant

ORGANISER_PERMISSIONS = [
    "lecturers.add_trainingsession",
    "lecturers.change_trainingsession",
    "lecturers.delete_trainingsession",
    "lecturers.view_trainingsession",
    "lecturers.view_enrolment",
    "lecturers.link_lecturer_account",
]
LECTURER_PERMISSIONS = ["lecturers.view_trainingsession"]

#: Image permissions on the root collection: both groups upload and choose photos.
IMAGE_PERMISSIONS = ["add_image", "choose_image"]


def grant_image_permissions(group: Group) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    if root is None:
        return
    # post_migrate reaches this app before wagtail.images: after a flush (transactional
    # tests) the image permissions are not back yet, so create them now (idempotent).
    create_permissions(apps.get_app_config("wagtailimages"), verbosity=0)
    for codename in IMAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailimages", codename=codename
        )
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )


def grant_lecturer_roles(**kwargs) -> None:
    for group in (grant(ORGANISERS, ORGANISER_PERMISSIONS), grant(LECTURERS, LECTURER_PERMISSIONS)):
        grant_image_permissions(group)
