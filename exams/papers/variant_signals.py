"""When paper variants must be drawn again (exams.papers.variants): a paper published or saved, its
rules or fixed questions changed, a question or option of the bank edited."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from exams.models import BlueprintRule, Option, Paper, PaperQuestion, Question
from exams.papers import variants


def _paper_saved(sender, instance: Paper, raw=False, **kwargs) -> None:
    if not raw:
        variants.queue_preparation(instance)


def _paper_part_changed(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    paper = Paper.objects.filter(pk=instance.paper_id).first()
    if paper is not None:
        variants.queue_preparation(paper)


def _question_edited(sender, instance: Question, created=False, raw=False, **kwargs) -> None:
    # A new question only widens the pool: the prepared drawings stay valid.
    if not created and not raw:
        pk = instance.pk
        transaction.on_commit(lambda: variants.forget_questions({pk}))


def _option_edited(sender, instance: Option, raw=False, **kwargs) -> None:
    if not raw and instance.question_id:
        question_id = instance.question_id
        transaction.on_commit(lambda: variants.forget_questions({question_id}))


def connect() -> None:
    post_save.connect(_paper_saved, sender=Paper, dispatch_uid="variants-paper")
    for model in (BlueprintRule, PaperQuestion):
        post_save.connect(_paper_part_changed, sender=model, dispatch_uid=f"variants-{model}")
        post_delete.connect(_paper_part_changed, sender=model, dispatch_uid=f"variants-d-{model}")
    post_save.connect(_question_edited, sender=Question, dispatch_uid="variants-question")
    post_save.connect(_option_edited, sender=Option, dispatch_uid="variants-option")
