"""Wagtail admin screens for points: the organisers' rules, the read-only ledger and manual
adjustments (人工调整), which add a ledger row with a reason and never edit one."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_required
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from learning.accounts.admin import scoped_learners
from learning.accounts.phone import normalise_phone
from learning.accounts.scope import ScopedModelViewSet, scope_of
from learning.models import LedgerEntry, PointRule, User
from learning.points.ledger import adjust_points


class PointRuleEditView(generic.EditView):
    """Rules apply to the whole prefecture, so only prefecture-wide organisers change them."""

    def dispatch(self, request, *args, **kwargs):
        if scope_of(request) is not None:
            raise PermissionDenied(gettext("积分规则全市统一，只有全市范围的组织者可以修改。"))
        return super().dispatch(request, *args, **kwargs)


class PointRuleViewSet(ModelViewSet):
    """Points, daily cap and on/off per action; the actions themselves are fixed in code."""

    model = PointRule
    pk_path_converter = "id"  # bounded like every id in our URLs (learning.platform.ids)
    edit_view_class = PointRuleEditView
    icon = "pick"
    menu_label = _("积分规则")
    menu_order = 230
    add_to_admin_menu = True
    form_fields = ["action", "points", "daily_cap", "active"]
    copy_view_enabled = False
    list_display = [
        Column("action", label=_("行为"), accessor="get_action_display"),
        "points",
        "daily_cap",
        "active",
    ]


class LedgerIndexView(generic.IndexView):
    def get_base_queryset(self):
        learners = scoped_learners(self.request).values("user_id")
        return (
            LedgerEntry.objects.filter(learner__in=learners)
            .select_related("learner", "created_by")
            .order_by("-created_at", "-pk")
        )


class LedgerViewSet(ScopedModelViewSet):
    """The ledger is append-only: nobody adds, changes or deletes rows in the admin."""

    scope_path = "learner__profile__organisation__path"
    model = LedgerEntry
    icon = "list-ul"
    menu_label = _("积分记录")
    menu_order = 231
    add_to_admin_menu = True
    index_view_class = LedgerIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    #: Never shown: ``ReadOnlyPolicy`` (registered in wagtail_hooks) refuses editing to everyone.
    form_fields = ["note"]
    list_filter = ["action"]
    search_fields = ["learner__name", "learner__phone", "note"]
    search_backend_name = None
    list_display = [
        Column("learner", label=_("学员"), accessor="learner.name"),
        Column("phone", label=_("手机号"), accessor="learner.masked_phone"),
        Column("action", label=_("行为"), accessor="get_action_display"),
        "points",
        "note",
        Column("created_by", label=_("操作人"), accessor="created_by.name"),
        DateColumn("created_at", label=_("时间")),
    ]


class AdjustmentForm(forms.Form):
    phone = forms.CharField(label=_("学员手机号"), max_length=20)
    points = forms.IntegerField(
        label=_("调整积分"),
        min_value=-10_000,
        max_value=10_000,
        help_text=_("正数为加分，负数为扣分。"),
    )
    reason = forms.CharField(label=_("原因"), max_length=200)
    #: Names this form: submitting it twice adjusts once.
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["token"].initial = uuid.uuid4().hex

    def clean_phone(self) -> User:
        try:
            phone = normalise_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        profile = scoped_learners(self.request).filter(user__phone=phone).first()
        if profile is None:
            raise ValidationError(_("在你管理的范围内没有这个手机号的学员。"))
        return profile.user

    def clean_points(self) -> int:
        if self.cleaned_data["points"] == 0:
            raise ValidationError(_("调整积分不能为 0。"))
        return self.cleaned_data["points"]


@permission_required("learning.adjust_points")
def adjustment_view(request):
    """Add or deduct points for one learner, with a reason that is kept in the ledger."""
    form = AdjustmentForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        learner = form.cleaned_data["phone"]
        awarded = adjust_points(
            learner=learner,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            key=form.cleaned_data["token"],
        )
        if awarded:
            messages.success(
                request,
                gettext("已为 %(name)s 调整 %(points)+d 分。")
                % {"name": learner.name, "points": awarded},
            )
        else:
            messages.warning(request, gettext("这次调整已经提交过，或“人工调整”规则已停用。"))
        return redirect("ledger:index")
    return render(request, "learning/admin/points_adjustment.html", {"form": form})
