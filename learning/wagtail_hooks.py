from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from learning.admin_reminders import RemindersGroup, sms_report_view
from learning.admin_viewsets import LearnerViewSet, OrganisationViewSet, roster_import_view


@hooks.register("register_admin_viewset")
def register_learner_viewsets():
    return [LearnerViewSet("learners"), OrganisationViewSet("organisations")]


@hooks.register("register_admin_urls")
def register_roster_import_url():
    return [path("roster/import/", roster_import_view, name="roster_import")]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def register_roster_import_menu_item():
    return PermissionMenuItem(
        _("导入花名册"),
        reverse("roster_import"),
        icon_name="upload",
        order=215,
        permission="learning.add_learnerprofile",
    )


@hooks.register("register_admin_viewset")
def register_reminder_viewsets():
    return RemindersGroup()


@hooks.register("register_admin_urls")
def register_sms_report_url():
    return [path("reminders/report/", sms_report_view, name="sms_report")]


@hooks.register("register_admin_menu_item")
def register_sms_report_menu_item():
    return PermissionMenuItem(
        _("短信发送报表"),
        reverse("sms_report"),
        icon_name="table",
        order=235,
        permission="learning.view_smsmessage",
    )
