from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    """Question bank, practice and mock exams (模拟测试)."""

    name = "exams"
    verbose_name = _("题库与考试")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import grant_question_authoring

        post_migrate.connect(grant_question_authoring, sender=self)
