"""Organisers' enrolment screens: the list of course enrolments (选课记录), limited to their own
subtree, and enrolling a whole organisation (and everything below it) in a course (统一选课)."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic

from courses.models import CoursePage, Enrolment
from courses.study import services
from learning.accounts.scope import ScopedModelViewSet, filter_organisations, organisations_for
from learning.models import Organisation


class EnrolmentFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=_("课程"), queryset=CoursePage.objects.order_by("title")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("组织机构"),
        queryset=filter_organisations,
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


class EnrolmentIndexView(generic.IndexView):
    """Newest first; ``ScopedModelViewSet`` limits the rows to the organiser's subtree."""

    def get_base_queryset(self):
        return Enrolment.objects.select_related(
            "learner__profile__organisation", "course", "last_lesson"
        ).order_by("-enrolled_at")


class EnrolmentViewSet(ScopedModelViewSet):
    scope_path = "learner__profile__organisation__path"
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
        Column("phone", label=_("手机号"), accessor="learner.masked_phone"),
        Column("organisation", label=_("社区"), accessor="learner.profile.organisation"),
        Column("course", label=_("课程"), accessor="course.title"),
        Column("last_lesson", label=_("上次学到"), accessor="last_lesson"),
        DateColumn("enrolled_at", label=_("选课时间")),
        DateColumn("completed_at", label=_("完成时间")),
    ]


enrolment_viewset = EnrolmentViewSet("course_enrolments")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.indented_name


class EnrolOrganisationForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("课程"), queryset=CoursePage.objects.live().order_by("title")
    )
    organisation = OrganisationChoiceField(
        label=_("机构"),
        queryset=Organisation.objects.order_by("path"),
        help_text=_("选择县市或街镇即包含其下所有社区的学员。"),
    )


def enrol_organisation_view(request):
    if not request.user.has_perm("courses.enrol_organisation"):
        raise PermissionDenied
    form = EnrolOrganisationForm(
        request.POST or None, initial={"course": request.GET.get("course")}
    )
    # Only organisations within the organiser's own scope can be chosen (or posted).
    form.fields["organisation"].queryset = organisations_for(request.user)
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        organisation = form.cleaned_data["organisation"]
        count = services.enrol_organisation(
            organisation=organisation, course=course, by=request.user
        )
        messages.success(
            request,
            gettext("已为“%(org)s”新增 %(count)s 名学员选修《%(course)s》。")
            % {"org": organisation.name, "count": count, "course": course.title},
        )
        return redirect("courses_enrol_organisation")
    return TemplateResponse(
        request,
        "courses/admin/enrol_organisation.html",
        {"form": form, "page_title": gettext("按机构统一选课")},
    )
