from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    """Question bank, practice and mock exams (模拟测试)."""

    name = "exams"
    verbose_name = _("题库与考试")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from exams.bank.roles import grant_question_authoring
        from exams.calendar.exam_days import seed_calendar
        from exams.papers import variant_signals
        from exams.papers.baseline import ensure_mock_exam_baseline
        from learning.platform import page_cache

        post_migrate.connect(grant_question_authoring, sender=self)
        post_migrate.connect(ensure_mock_exam_baseline, sender=self)
        post_migrate.connect(seed_calendar, sender=self)
        variant_signals.connect()
        # Lessons show bank questions in their knowledge checks.
        page_cache.depends_on("exams.Question", "exams.Option")
