"""Wagtail admin screens of offline sessions: the session viewset, its roster and export.

The roster of a street organiser shows only learners of their street (``learning``'s
organiser scope); phone numbers are masked on screen and, unless the user may export phone
numbers, in the download too.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_required
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic

from learning.accounts.scope import (
    ScopedModelViewSet,
    any_target_within,
    offer_organisations_in_scope,
    scope_of,
    scope_of_user,
)
from learning.models import Organisation
from learning.platform.form_fields import optional_checkboxes
from lecturers import selectors
from lecturers.exports import roster_workbook
from lecturers.models import LecturerPage, TrainingSession


class TrainingSessionForm(WagtailAdminModelForm):
    lecturers = optional_checkboxes(_("讲师"), queryset=LecturerPage.objects.order_by("path"))
    target_organisations = optional_checkboxes(
        _("面向机构"),
        queryset=Organisation.objects.order_by("path"),
        help_text=_("留空表示面向全体学员；选择县市或街镇即包含其下所有社区。"),
    )

    class Meta:
        model = TrainingSession
        fields = [
            "kind",
            "title",
            "lecturers",
            "venue",
            "starts_at",
            "ends_at",
            "capacity",
            "target_organisations",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_organisations_in_scope(self, "target_organisations")

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("结束时间必须晚于开始时间。"))
        capacity = cleaned.get("capacity")
        if self.instance.pk and capacity:
            enrolled = self.instance.enrolments.count()
            if capacity < enrolled:
                self.add_error(
                    "capacity",
                    _("已有 %(enrolled)s 人报名，名额不能少于报名人数。") % {"enrolled": enrolled},
                )
        return cleaned


class RosterColumn(Column):
    """Seats taken over capacity, linking to the roster."""

    def get_value(self, instance):
        url = reverse("training_roster", args=[instance.pk])
        return format_html(
            '<a href="{}">{} / {}</a>', url, instance.enrolled_count, instance.capacity
        )


def visible_sessions(user):
    """Organisers see every session; a lecturer only those they teach (with their codes)."""
    sessions = TrainingSession.objects.all()
    if user.has_perm("lecturers.change_trainingsession"):
        return sessions
    return sessions.filter(lecturers__user=user)


class TrainingSessionIndexView(generic.IndexView):
    def get_base_queryset(self):
        return visible_sessions(self.request.user).annotate(enrolled_count=Count("enrolments"))


class TrainingSessionInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(visible_sessions(self.request.user), pk=self.pk)


class TrainingSessionViewSet(ScopedModelViewSet):
    #: Organisers see sessions for the prefecture or their subtree and change only those
    #: aimed within it.
    scope_targets = "target_organisations"

    def scope_queryset(self, queryset, scope, action, request):
        """Lecturers (no organiser scope) keep the sessions they teach."""
        if scope is False:
            return queryset.filter(pk__in=visible_sessions(request.user).values("pk"))
        return super().scope_queryset(queryset, scope, action, request)

    model = TrainingSession
    form_class = TrainingSessionForm
    icon = "date"
    menu_label = _("线下培训")
    menu_order = 230
    add_to_admin_menu = True
    index_view_class = TrainingSessionIndexView
    inspect_view_class = TrainingSessionInspectView
    search_fields = ["title", "venue"]
    search_backend_name = None
    list_filter = ["kind"]
    ordering = ["-starts_at"]
    list_display = [
        "title",
        "kind",
        "starts_at",
        "venue",
        RosterColumn("roster", label=_("报名/名额")),
        "check_in_code",
    ]
    inspect_view_enabled = True


def _roster(request, session_id: int):
    scope = scope_of(request)
    if scope is False:
        # Not an organiser (e.g. an administrator without a scope row): everyone.
        scope = None
    # Another street's session stays hidden: its check-in code would let anyone check in.
    sessions = any_target_within(TrainingSession.objects.all(), "target_organisations", scope)
    session = get_object_or_404(sessions, pk=session_id)
    return session, list(selectors.roster(session, scope=scope))


@permission_required("lecturers.view_enrolment")
def roster_view(request, session_id: int):
    """Who enrolled and who checked in, with the check-in code to show at the session."""
    session, enrolments = _roster(request, session_id)
    return render(
        request,
        "lecturers/admin/roster.html",
        {
            "session": session,
            "enrolments": enrolments,
            "attended": sum(1 for enrolment in enrolments if enrolment.attended_at),
        },
    )


@permission_required("lecturers.view_enrolment")
def roster_export_view(request, session_id: int):
    session, enrolments = _roster(request, session_id)
    content = roster_workbook(
        session=session,
        enrolments=enrolments,
        full_phones=request.user.has_perm("learning.export_phone_numbers"),
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime(session.starts_at).strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="roster-{session.pk}-{stamp}.xlsx"'
    return response


roster_urls = [
    path("trainings/<id:session_id>/roster/", roster_view, name="training_roster"),
    path(
        "trainings/<id:session_id>/roster/export/",
        roster_export_view,
        name="training_roster_export",
    ),
]


class UpcomingSessionsPanel(Component):
    """Admin dashboard: the coming week's sessions with seats taken and check-in codes for
    organisers, and for a lecturer their own page and the sessions they teach."""

    name = "upcoming_training_sessions"
    template_name = "lecturers/admin/upcoming_sessions_panel.html"
    order = 150

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        now = timezone.now()
        sessions = TrainingSession.objects.with_enrolled_count().filter(
            ends_at__gte=now, starts_at__lt=now + timedelta(days=7)
        )
        own_page = LecturerPage.objects.filter(user=self.user).first()
        if not self.user.has_perm("lecturers.view_enrolment"):
            sessions = sessions.filter(lecturers=own_page) if own_page else sessions.none()
        else:
            scope = scope_of_user(self.user)
            if scope is not False:
                sessions = any_target_within(sessions, "target_organisations", scope)
        context.update(
            {
                "sessions": sessions.order_by("starts_at")[:10],
                "own_page": own_page,
                "can_see_rosters": self.user.has_perm("lecturers.view_enrolment"),
            }
        )
        return context
