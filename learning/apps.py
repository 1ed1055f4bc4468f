from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class LearningConfig(AppConfig):
    """The learner core: users, organisations, points, reminders and SMS."""

    default = True
    name = "learning"
    verbose_name = _("学习者核心")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate, post_save
        from django.urls import register_converter

        from learning import receivers
        from learning.accounts import access
        from learning.baseline import ensure_baseline
        from learning.platform import (
            admin_page_cache,
            checks,  # noqa: F401  (registers system checks)
            page_cache,
        )
        from learning.platform.ids import IdConverter
        from learning.reminders.baseline import ensure_reminder_baseline
        from learning.sms import checks as sms_checks  # noqa: F401

        # ``<id:...>`` in every app's URLs (learning.platform.ids): registered before any URLconf loads.
        register_converter(IdConverter, "id")
        post_migrate.connect(ensure_baseline, sender=self)
        page_cache.connect()
        admin_page_cache.connect()
        access.connect()
        user_logged_in.connect(receivers.award_daily_login, dispatch_uid="points_daily_login")
        post_save.connect(
            receivers.follow_learner_move,
            sender="learning.LearnerProfile",
            dispatch_uid="points_follow_learner_move",
        )
        post_migrate.connect(ensure_reminder_baseline, sender=self)


class LearningUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms that know phone numbers and real names."""

    user_viewset = "learning.accounts.wagtail_users.PhoneUserViewSet"
