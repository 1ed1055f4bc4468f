"""The organisers' panel on the Wagtail admin home page: their subtree's coverage at a glance."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from courses.reports import snapshot
from learning.accounts.selectors import organiser_scope


def is_organiser(user) -> bool:
    try:
        organiser_scope(user)
    except PermissionError:
        return False
    return True


class CoveragePanel(Component):
    """Candidates, trained, sat and passed a mock exam in the organiser's scope: the
    dashboard's cached line (``courses.reports.snapshot``), one query when not cached."""

    name = "training_coverage"
    template_name = "courses/reports/home_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        organisation = organiser_scope(self.user)
        context["organisation"] = organisation
        found = snapshot.total(organisation)
        context["total"] = found.data
        context["computed_at"] = found.computed_at
        return context
