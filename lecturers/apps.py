from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LecturersConfig(AppConfig):
    """The lecturer pool (讲师团) and offline training sessions (线下集训)."""

    name = "lecturers"
    verbose_name = _("讲师团")
