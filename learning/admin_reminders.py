"""Wagtail admin for reminders and text messages: rules, templates, the message log (masked
numbers, read-only), the delivery report and the django-q2 schedules that drive them."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule
from wagtail.admin.auth import permission_required
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from learning.admin_viewsets import scope_of
from learning.models import (
    MessageTemplate,
    Organisation,
    ReminderRule,
    SmsMessage,
    SmsOptOut,
)
from learning.models.profiles import ExamLevel
from learning.reminders.reports import delivery_report, messages_in
from learning.selectors import learners_in
from learning.sms.text import (
    KIND_PLACEHOLDERS,
    OPT_OUT_LINE,
    PLACEHOLDERS,
    SIGNATURE,
    placeholder_errors,
)


class MessageTemplateForm(WagtailAdminModelForm):
    """Refuses placeholders the kind cannot fill; the counter script shows the length live."""

    class Meta:
        model = MessageTemplate
        fields = ["kind", "body"]

    class Media:
        js = ["learning/js/sms_counter.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind if self.instance.pk else None
        names = KIND_PLACEHOLDERS.get(kind, set(PLACEHOLDERS))
        self.fields["body"].widget = forms.Textarea(
            attrs={
                "rows": 4,
                "data-sms-counter": "",
                "data-sms-signature": SIGNATURE,
                "data-sms-suffix": OPT_OUT_LINE,
                "data-sms-count-text": _("含签名与退订语约 {length} 字，计 {segments} 条短信。"),
                "data-sms-unknown-text": _("未知占位符：{names}"),
                "data-sms-samples": json.dumps(
                    {name: str(PLACEHOLDERS[name][1]) for name in sorted(names)},
                    ensure_ascii=False,
                ),
            }
        )
        self.fields["body"].help_text = _(
            "系统自动在开头加“%(signature)s”、结尾加“%(suffix)s”，并计入字数。可用占位符：%(names)s"
        ) % {
            "signature": SIGNATURE,
            "suffix": OPT_OUT_LINE,
            "names": "、".join(f"{{{name}}}（{PLACEHOLDERS[name][0]}）" for name in sorted(names)),
        }
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def clean(self):
        cleaned = super().clean()
        body, kind = cleaned.get("body"), cleaned.get("kind")
        if body and kind:
            errors = placeholder_errors(body, kind)
            if errors:
                self.add_error("body", errors)
        return cleaned


class MessageTemplateViewSet(ModelViewSet):
    model = MessageTemplate
    form_fields = ["kind", "body"]
    icon = "mail"
    menu_label = _("短信模板")
    copy_view_enabled = False
    list_display = ["kind", "body", "updated_at"]

    def get_form_class(self, for_update=False):
        return MessageTemplateForm


class ReminderRuleForm(WagtailAdminModelForm):
    exam_levels = forms.MultipleChoiceField(
        label=_("面向报考级别"),
        choices=ExamLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("都不选表示全部级别。"),
    )

    class Meta:
        model = ReminderRule
        fields = [
            "name",
            "kind",
            "active",
            "priority",
            "organisations",
            "exam_levels",
            "send_time",
            "inactive_days",
            "countdown_days",
            "weekday",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.order_by("path")
        self.fields["organisations"].label_from_instance = lambda org: org.indented_name


class ReminderRuleViewSet(ModelViewSet):
    model = ReminderRule
    icon = "time"
    menu_label = _("提醒规则")
    copy_view_enabled = True
    list_filter = ["kind", "active"]
    list_display = ["name", "kind", "active", "priority", "send_time"]

    def get_form_class(self, for_update=False):
        return ReminderRuleForm


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The message log is written only by the delivery code: viewing is all anyone may do."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


register_permission_policy(SmsMessage, ReadOnlyPolicy(SmsMessage))
register_permission_policy(SmsOptOut, ReadOnlyPolicy(SmsOptOut))


class SmsMessageIndexView(generic.IndexView):
    def get_base_queryset(self):
        scope = scope_of(self.request)
        if scope is False:
            return SmsMessage.objects.none()
        return messages_in(scope)


class SmsMessageInspectView(generic.InspectView):
    def get_object(self):
        scope = scope_of(self.request)
        obj = super().get_object()
        if scope is False or not messages_in(scope).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def get_phone_display_value(self):
        return self.object.masked_phone


class SmsMessageViewSet(ModelViewSet):
    model = SmsMessage
    icon = "mail"
    menu_label = _("短信记录")
    index_view_class = SmsMessageIndexView
    inspect_view_class = SmsMessageInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]
    list_filter = ["status", "kind", "rule", "send_date"]
    search_fields = ["learner__name", "key"]
    search_backend_name = None
    list_display = [
        Column("phone", label=_("手机号"), accessor="masked_phone"),
        Column("learner", label=_("学员"), accessor="learner.name"),
        "kind",
        "status",
        "reason",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    inspect_view_fields = [
        "phone",
        "learner",
        "text",
        "segments",
        "key",
        "kind",
        "rule",
        "status",
        "reason",
        "attempts",
        "next_attempt_at",
        "last_error",
        "provider_message_id",
        "created_at",
        "sent_at",
        "delivered_at",
        "failed_at",
    ]


class SmsOptOutIndexView(generic.IndexView):
    def get_base_queryset(self):
        scope = scope_of(self.request)
        if scope is False:
            return SmsOptOut.objects.none()
        if scope is None:
            return SmsOptOut.objects.all()
        return SmsOptOut.objects.filter(phone__in=learners_in(scope).values("user__phone"))


class SmsOptOutViewSet(ModelViewSet):
    """Numbers that replied T/TD/退订 (or 订阅 again); changed only by the learners' replies."""

    model = SmsOptOut
    icon = "cross"
    menu_label = _("短信退订")
    index_view_class = SmsOptOutIndexView
    copy_view_enabled = False
    form_fields = ["opted_out"]
    list_filter = ["opted_out"]
    list_display = [
        Column("phone", label=_("手机号"), accessor="__str__"),
        "opted_out",
        "changed_at",
        "text",
    ]


class ScheduleViewSet(ModelViewSet):
    """django-q2's schedules (rule evaluation, due sends), to check and adjust their timing."""

    model = Schedule
    icon = "date"
    menu_label = _("定时任务")
    form_fields = ["name", "func", "schedule_type", "minutes", "repeats", "next_run"]
    list_display = ["name", "func", "schedule_type", "minutes", "next_run"]
    copy_view_enabled = False


class RemindersGroup(ViewSetGroup):
    menu_label = _("短信提醒")
    menu_icon = "mail"
    menu_order = 230
    items = [
        ReminderRuleViewSet("reminder_rules"),
        MessageTemplateViewSet("sms_templates"),
        SmsMessageViewSet("sms_messages"),
        SmsOptOutViewSet("sms_opt_outs"),
        ScheduleViewSet("task_schedules"),
    ]


@permission_required("learning.view_smsmessage")
def sms_report_view(request):
    """Sent / delivered / failed / suppressed per day and rule, in the organiser's scope."""
    scope = scope_of(request)
    if scope is False:
        raise PermissionDenied
    return render(request, "learning/admin/sms_report.html", {"rows": delivery_report(scope)})
