from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Case-based courses and lessons (案例教学), enrolment and progress."""

    name = "courses"
    verbose_name = _("课程")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .authoring import ensure_authoring

        post_migrate.connect(ensure_authoring, sender=self)
