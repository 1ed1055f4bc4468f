"""Organisers' admin action: enrol a whole organisation (and everything below it) in a course."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses import services
from courses.models import CoursePage
from learning.models import Organisation


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.indented_name


class EnrolOrganisationForm(forms.Form):
    course = forms.ModelChoiceField(
        label=gettext_lazy("课程"), queryset=CoursePage.objects.live().order_by("title")
    )
    organisation = OrganisationChoiceField(
        label=gettext_lazy("机构"),
        queryset=Organisation.objects.order_by("path"),
        help_text=gettext_lazy("选择县市或街镇即包含其下所有社区的学员。"),
    )


def enrol_organisation_view(request):
    if not request.user.has_perm("courses.enrol_organisation"):
        raise PermissionDenied
    form = EnrolOrganisationForm(
        request.POST or None, initial={"course": request.GET.get("course")}
    )
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        organisation = form.cleaned_data["organisation"]
        count = services.enrol_organisation(
            organisation=organisation, course=course, by=request.user
        )
        messages.success(
            request,
            _("已为“%(org)s”新增 %(count)s 名学员选修《%(course)s》。")
            % {"org": organisation.name, "count": count, "course": course.title},
        )
        return redirect("courses_enrol_organisation")
    return TemplateResponse(
        request,
        "courses/admin/enrol_organisation.html",
        {"form": form, "page_title": _("按机构统一选课")},
    )
