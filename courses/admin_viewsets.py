"""Organisers' read-only list of course enrolments (选课记录), limited to their own subtree."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from courses.models import CoursePage, Enrolment
from learning import selectors
from learning.models import Organisation
from learning.phone import mask_phone


def organisation_scope(user) -> Organisation | None:
    """The organiser's subtree (``None``: the whole prefecture); ``PermissionError`` otherwise."""
    return selectors.organiser_scope(user)


def organisations_for(user):
    scope = organisation_scope(user)
    organisations = Organisation.objects.order_by("path")
    return organisations if scope is None else organisations.filter(path__startswith=scope.path)


class EnrolmentFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=_("课程"), queryset=CoursePage.objects.order_by("title")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("组织机构"),
        queryset=Organisation.objects.order_by("path"),
        method="filter_subtree",
    )
    completed = django_filters.BooleanFilter(
        label=_("已学完"), field_name="completed_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Enrolment
        fields = ["course", "organisation", "completed"]

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(learner__profile__organisation__path__startswith=value.path)


class MaskedPhoneColumn(Column):
    def get_value(self, instance):
        return mask_phone(instance.learner.phone)


class EnrolmentIndexView(generic.IndexView):
    def get_base_queryset(self):
        queryset = Enrolment.objects.select_related(
            "learner__profile__organisation", "course", "last_lesson"
        ).order_by("-enrolled_at")
        try:
            scope = organisation_scope(self.request.user)
        except PermissionError:
            return queryset.none()
        if scope is not None:
            queryset = queryset.filter(learner__profile__organisation__path__startswith=scope.path)
        return queryset


class EnrolmentViewSet(ModelViewSet):
    model = Enrolment
    icon = "list-ul"
    menu_label = _("选课记录")
    add_to_admin_menu = True
    menu_order = 410
    index_view_class = EnrolmentIndexView
    filterset_class = EnrolmentFilterSet
    form_fields = ["completed_at"]
    inspect_view_enabled = False
    list_display = [
        Column("learner", label=_("学员"), accessor="learner.name"),
        MaskedPhoneColumn("phone", label=_("手机号")),
        Column("organisation", label=_("社区"), accessor="learner.profile.organisation"),
        Column("course", label=_("课程"), accessor="course.title"),
        Column("last_lesson", label=_("上次学到"), accessor="last_lesson"),
        DateColumn("enrolled_at", label=_("选课时间")),
        DateColumn("completed_at", label=_("完成时间")),
    ]


enrolment_viewset = EnrolmentViewSet("course_enrolments")
