from wagtail import hooks

from learning.site.home_panels import HOOK as HOME_PANELS
from learning.site.home_panels import HomePanel
from lecturers import selectors
from lecturers.admin_viewsets import TrainingSessionViewSet, UpcomingSessionsPanel, roster_urls


@hooks.register("register_admin_viewset")
def register_training_session_viewset():
    return TrainingSessionViewSet("trainings")


@hooks.register("register_admin_urls")
def register_roster_urls():
    return roster_urls


@hooks.register("construct_homepage_panels")
def add_upcoming_sessions_panel(request, panels):
    panels.append(UpcomingSessionsPanel(request.user))


@hooks.register(HOME_PANELS)
def my_sessions_home_panel(request):
    sessions = selectors.my_upcoming_sessions(request.user)
    if not sessions:
        return None
    return HomePanel(
        order=35, template="lecturers/panels/my_sessions.html", context={"sessions": sessions}
    )
