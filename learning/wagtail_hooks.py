from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from learning import leaderboards
from learning.admin_points import LedgerViewSet, PointRuleViewSet, ReadOnlyPolicy, adjustment_view
from learning.admin_reminders import RemindersGroup, sms_report_view
from learning.admin_viewsets import LearnerViewSet, OrganisationViewSet, roster_import_view
from learning.home_panels import HOOK as HOME_PANELS
from learning.home_panels import HomePanel
from learning.models import LedgerEntry

register_permission_policy(LedgerEntry, ReadOnlyPolicy(LedgerEntry))


@hooks.register("register_admin_viewset")
def register_learner_viewsets():
    return [
        LearnerViewSet("learners"),
        OrganisationViewSet("organisations"),
        PointRuleViewSet("point_rules"),
        LedgerViewSet("ledger"),
    ]


@hooks.register("register_admin_urls")
def register_roster_import_url():
    return [
        path("roster/import/", roster_import_view, name="roster_import"),
        path("points/adjust/", adjustment_view, name="points_adjustment"),
    ]


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


@hooks.register("register_admin_menu_item")
def register_points_adjustment_menu_item():
    return PermissionMenuItem(
        _("调整积分"),
        reverse("points_adjustment"),
        icon_name="plus-inverse",
        order=232,
        permission="learning.adjust_points",
    )


@hooks.register(HOME_PANELS)
def points_home_panel(request):
    return HomePanel(
        order=40,
        template="learning/panels/points.html",
        context={"points": leaderboards.home_standing(request.user)},
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
