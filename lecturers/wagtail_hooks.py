from wagtail import hooks

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
