from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses import admin_reports, selectors
from courses.admin_reports_panel import CoveragePanel, is_organiser
from courses.admin_views import enrol_organisation_view
from courses.admin_viewsets import enrolment_viewset
from courses.choosers import question_chooser_viewset
from learning.home_panels import HOOK as HOME_PANELS
from learning.home_panels import HomePanel


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset


@hooks.register("register_admin_viewset")
def register_enrolment_viewset():
    return enrolment_viewset


@hooks.register("lecturer_courses")
def lecturer_courses(lecturer):
    return selectors.courses_taught(lecturer)


@hooks.register("register_admin_urls")
def register_enrol_organisation_url():
    return [
        path(
            "courses/enrol-organisation/",
            enrol_organisation_view,
            name="courses_enrol_organisation",
        )
    ]


class EnrolOrganisationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("courses.enrol_organisation")


@hooks.register("register_admin_menu_item")
def register_enrol_organisation_menu_item():
    return EnrolOrganisationMenuItem(
        _("统一选课"), reverse("courses_enrol_organisation"), icon_name="group", order=420
    )


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/", admin_reports.dashboard_view, name="courses_reports"),
        path("reports/export/", admin_reports.dashboard_export_view, name="courses_reports_export"),
        path(
            "reports/candidates/", admin_reports.candidates_view, name="courses_report_candidates"
        ),
        path(
            "reports/learners/<int:user_id>/",
            admin_reports.record_view,
            name="courses_report_record",
        ),
        path("reports/records/", admin_reports.records_export_view, name="courses_report_records"),
    ]


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_organiser(request.user)


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(_("培训统计"), reverse("courses_reports"), icon_name="table", order=410)


@hooks.register("construct_homepage_panels")
def add_coverage_panel(request, panels):
    if is_organiser(request.user):
        panels.append(CoveragePanel(request.user))


@hooks.register(HOME_PANELS)
def continue_learning_home_panel(request):
    return HomePanel(
        order=10,
        template="courses/panels/continue_learning.html",
        context={"enrolments": selectors.home_continue_learning(request.user)},
    )
