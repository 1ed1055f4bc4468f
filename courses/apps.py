from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Case-based courses and lessons (案例教学), enrolment and progress."""

    name = "courses"
    verbose_name = _("课程")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, post_save

        from learning.study_events import figures_changed as study_figures_changed

        from .authoring.rights import ensure_authoring, on_index_saved
        from .models import CourseIndexPage
        from .reports.snapshot import ensure_refresh_schedule, figures_changed

        post_migrate.connect(ensure_authoring, sender=self)
        post_migrate.connect(ensure_refresh_schedule, sender=self)
        study_figures_changed.connect(figures_changed, dispatch_uid="courses-dashboard-refresh")
        post_save.connect(on_index_saved, sender=CourseIndexPage)
