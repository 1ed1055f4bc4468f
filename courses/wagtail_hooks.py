from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.authoring.choosers import question_chooser_viewset
from courses.reports import views as admin_reports
from courses.reports.home_panel import CoveragePanel, is_organiser
from courses.study import selectors
from courses.study.admin import enrol_organisation_view, enrolment_viewset
from courses.tracks import selectors as tracks
from courses.tracks.admin import training_track_viewset
from learning.site.home_panels import HOOK as HOME_PANELS
from learning.site.home_panels import HomePanel, learner_profile


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset


@hooks.register("register_admin_viewset")
def register_enrolment_viewset():
    return enrolment_viewset


@hooks.register("register_admin_viewset")
def register_training_track_viewset():
    return training_track_viewset


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
            "reports/learners/<id:user_id>/",
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


@hooks.register(HOME_PANELS)
def training_track_home_panel(request):
    """The track meant for the learner (分级分层) and how far along it they are."""
    found = tracks.learner_track(request.user, learner_profile(request))
    if found is None or not found.total:
        return None
    return HomePanel(
        order=8, template="courses/panels/training_track.html", context={"mine": found}
    )
