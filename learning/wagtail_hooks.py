from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from learning.accounts.admin import LearnerViewSet, OrganisationViewSet, roster_import_view
from learning.accounts.scope import ReadOnlyPolicy, scope_of
from learning.models import LedgerEntry
from learning.points import leaderboards
from learning.points.admin import LedgerViewSet, PointRuleViewSet, adjustment_view
from learning.reminders.admin import RemindersGroup, SmsTroublePanel, sms_report_view
from learning.site.daily_plan import daily_plan
from learning.site.home_panels import HOOK as HOME_PANELS
from learning.site.home_panels import HomePanel

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
def today_home_panel(request):
    return HomePanel(
        order=5,
        template="learning/panels/today.html",
        context={"plan": daily_plan(request.user)},
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


@hooks.register("construct_homepage_panels")
def add_sms_trouble_panel(request, panels):
    """Failed text messages, for everyone who may read the message log, in their scope."""
    scope = scope_of(request)
    if scope is not False and request.user.has_perm("learning.view_smsmessage"):
        panels.append(SmsTroublePanel(scope))
