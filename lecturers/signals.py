"""Page signals: new directory and lecturer pages get their permissions and workflow, and
lecturer photos get their renditions made ahead of the first visitor."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from learning.platform.task_queue import enqueue
from lecturers.models import LecturerIndexPage, LecturerPage
from lecturers.permissions import set_up_lecturer_index, set_up_lecturer_page


@receiver(post_save, sender=LecturerIndexPage)
def on_index_saved(sender, instance: LecturerIndexPage, created: bool, raw=False, **kwargs):
    if created and not raw:
        set_up_lecturer_index(instance)


@receiver(post_save, sender=LecturerPage)
def on_lecturer_saved(sender, instance: LecturerPage, raw=False, update_fields=None, **kwargs):
    # Saving a draft revision updates only bookkeeping fields and carries the draft's
    # unpublished values in memory: the account link changes only on a full save (publish).
    if raw or update_fields is not None:
        return
    set_up_lecturer_page(instance)
    if instance.photo_id:
        photo_id = instance.photo_id
        transaction.on_commit(lambda: enqueue("lecturers.tasks.make_photo_renditions", photo_id))
