"""Wagtail admin screens of the learner core: learners, organisations and roster import.

Lists are limited to the organiser's own subtree; a street organiser who changes an ID in the
URL gets 403, not someone else's learner.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_required
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic

from learning.accounts.phone import normalise_phone
from learning.accounts.roster import RosterFileError, import_roster, read_table
from learning.accounts.scope import (
    ScopedModelViewSet,
    filter_organisations,
    in_subtree,
    organisations_for,
    scope_of,
    scope_of_user,
)
from learning.models import LearnerProfile, Organisation, User


def scoped_learners(request):
    return in_subtree(
        LearnerProfile.objects.select_related("user", "organisation"),
        "organisation__path",
        scope_of(request),
    )


class LearnerFilterSet(WagtailFilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("组织机构"),
        queryset=filter_organisations,
        method="filter_subtree",
    )

    class Meta:
        model = LearnerProfile
        fields = ["organisation", "exam_level", "post_type", "certificate_level"]

    def filter_subtree(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)


class LearnerForm(WagtailAdminModelForm):
    """Learner profile plus the account fields (name, phone) an organiser edits with it."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20)

    class Meta:
        model = LearnerProfile
        fields = [
            "organisation",
            "post_type",
            "grade",
            "exam_level",
            "exam_date",
            "certificate_level",
            "certificate_number",
            "certificate_date",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for(
            getattr(self, "for_user", None)
        ).filter(kind=Organisation.Kind.COMMUNITY)
        if self.instance.pk:
            self.fields["name"].initial = self.instance.user.name
            self.fields["phone"].initial = self.instance.user.phone

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        others = User.objects.filter(phone=phone)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.filter(profile__isnull=False).exists():
            raise ValidationError(_("该手机号已属于另一位学员。"))
        return phone

    @transaction.atomic
    def save(self, commit=True):
        profile = super().save(commit=False)
        if profile.pk:
            user = profile.user
        else:
            user = User.objects.filter(phone=self.cleaned_data["phone"]).first()
            if user is None:
                user = User(phone=self.cleaned_data["phone"])
                user.set_unusable_password()
        user.name = self.cleaned_data["name"]
        user.phone = self.cleaned_data["phone"]
        user.save()
        profile.user = user
        if commit:
            profile.save()
        return profile


class LearnerIndexView(generic.IndexView):
    def get_base_queryset(self):
        return scoped_learners(self.request).order_by("organisation__path", "user__name")


class LearnerEditView(generic.EditView):
    pass


class LearnerDeleteView(generic.DeleteView):
    pass


class LearnerViewSet(ScopedModelViewSet):
    scope_path = "organisation__path"
    model = LearnerProfile
    form_class = LearnerForm
    icon = "group"
    menu_label = _("学员")
    menu_order = 210
    add_to_admin_menu = True
    filterset_class = LearnerFilterSet
    index_view_class = LearnerIndexView
    edit_view_class = LearnerEditView
    delete_view_class = LearnerDeleteView
    search_fields = ["user__name", "user__phone"]
    search_backend_name = None
    copy_view_enabled = False
    list_display = [
        Column("name", label=_("姓名"), accessor="user.name"),
        Column("phone", label=_("手机号"), accessor="user.masked_phone"),
        Column("organisation", label=_("社区"), accessor="organisation"),
        Column("post_type", label=_("岗位类别"), accessor="get_post_type_display"),
        Column("grade", label=_("等级"), accessor="grade"),
        Column("exam_level", label=_("报考级别"), accessor="get_exam_level_display"),
    ]


class OrganisationForm(WagtailAdminModelForm):
    """New organisations are placed under a parent; the tree position is fixed after that."""

    parent = forms.ModelChoiceField(
        label=_("上级机构"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("县市留空；街镇选县市；社区选街镇。"),
    )

    class Meta:
        model = Organisation
        fields = ["name", "code", "residents"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = organisations_for(
                getattr(self, "for_user", None)
            ).exclude(kind=Organisation.Kind.COMMUNITY)
            if not _prefecture_wide(self):
                self.fields["parent"].required = True

    def save(self, commit=True):
        node = super().save(commit=False)
        if node.pk:
            node.save()
            return node
        parent = self.cleaned_data.get("parent")
        node.kind = Organisation.KIND_BY_DEPTH[parent.depth + 1 if parent else 1]
        if parent is None:
            return Organisation.add_root(instance=node)
        return Organisation.objects.get(pk=parent.pk).add_child(instance=node)


def _prefecture_wide(form) -> bool:
    """Only a prefecture-wide organiser may add a county (an organisation with no parent)."""
    return scope_of_user(getattr(form, "for_user", None)) is None


class OrganisationViewSet(ScopedModelViewSet):
    scope_path = "path"
    model = Organisation
    form_class = OrganisationForm
    icon = "site"
    menu_label = _("组织机构")
    menu_order = 220
    add_to_admin_menu = True
    search_fields = ["name", "code"]
    search_backend_name = None
    copy_view_enabled = False
    ordering = ["path"]
    list_filter = ["kind"]
    list_display = [
        Column("name", label=_("名称"), accessor="indented_name"),
        "code",
        "kind",
        "residents",
    ]


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("花名册文件（.xlsx 或 .csv）"))
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False, initial=True)


@permission_required("learning.add_learnerprofile")
def roster_import_view(request):
    """Upload a roster; shows the report (row errors or counts) on the same page."""
    report, file_error = None, None
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            records = read_table(upload, filename=upload.name)
        except RosterFileError as exc:
            file_error = str(exc)
        else:
            report = import_roster(records, dry_run=form.cleaned_data["dry_run"])
    return render(
        request,
        "learning/admin/roster_import.html",
        {"form": form, "report": report, "file_error": file_error},
    )
