from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    """Question bank, practice and mock exams (模拟测试)."""

    name = "exams"
    verbose_name = _("题库与考试")
