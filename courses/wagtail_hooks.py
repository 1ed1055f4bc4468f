from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses import selectors
from courses.admin_views import enrol_organisation_view
from courses.choosers import question_chooser_viewset
from learning.home_panels import HOOK as HOME_PANELS
from learning.home_panels import HomePanel


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset


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


@hooks.register(HOME_PANELS)
def continue_learning_home_panel(request):
    return HomePanel(
        order=10,
        template="courses/panels/continue_learning.html",
        context={"enrolments": selectors.home_continue_learning(request.user)},
    )
