from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LecturersConfig(AppConfig):
    """The lecturer pool (讲师团) and offline training sessions (线下集训)."""

    name = "lecturers"
    verbose_name = _("讲师团")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from learning.platform import page_cache

        from . import signals  # noqa: F401  (connects the page signals)
        from .roles import grant_lecturer_roles

        post_migrate.connect(grant_lecturer_roles, sender=self)
        # Lecturer pages list their upcoming training sessions.
        page_cache.depends_on("lecturers.TrainingSession")
