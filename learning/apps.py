from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class LearningConfig(AppConfig):
    """The learner core: users, organisations, points, reminders and SMS."""

    default = True
    name = "learning"
    verbose_name = _("学习者核心")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers system checks)
        from .baseline import ensure_baseline
        from .reminders.baseline import ensure_reminder_baseline
        from .sms import checks as sms_checks  # noqa: F401

        post_migrate.connect(ensure_baseline, sender=self)
        post_migrate.connect(ensure_reminder_baseline, sender=self)


class LearningUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms that know phone numbers and real names."""

    user_viewset = "learning.admin_users.PhoneUserViewSet"
