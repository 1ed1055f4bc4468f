"""Wagtail admin for reminders and text messages: rules, templates, the message log (masked
numbers, read-only), the delivery report and the django-q2 schedules that drive them."""

from __future__ import annotations

import json
import re

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule
from wagtail.admin.auth import permission_required
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from learning.accounts.scope import (
    ReadOnlyPolicy,
    ScopedModelViewSet,
    any_target_within,
    offer_organisations_in_scope,
    scope_of,
)
from learning.accounts.selectors import learners_in
from learning.models import (
    MessageTemplate,
    ReminderRule,
    SmsMessage,
    SmsOptOut,
)
from learning.models.profiles import ExamLevel
from learning.platform.form_fields import optional_checkboxes
from learning.reminders.reports import delivery_report, messages_in, recent_failures
from learning.sms.alerts import open_alerts
from learning.sms.templates import provider_text
from learning.sms.text import CODE_KINDS as REQUESTED_KINDS
from learning.sms.text import (
    KIND_PLACEHOLDERS,
    PLACEHOLDERS,
    longest_expansion,
    placeholder_errors,
    preview,
    segment_count,
    signature,
    suffix,
)


class MessageTemplateForm(WagtailAdminModelForm):
    """A kind's body and its provider codes. Refuses placeholders the kind cannot fill, and a
    changed body that keeps the codes approved for the old one; shows the preview, the
    longest expansion's segment count and the texts to submit to each provider."""

    class Meta:
        model = MessageTemplate
        fields = ["kind", "body", "sign_name", "aliyun_code", "tencent_code"]

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
                "data-sms-signature": signature(self.instance.sign_name),
                "data-sms-suffix": suffix(kind or ""),
                "data-sms-count-text": _("含签名与退订语约 {length} 字，计 {segments} 条短信。"),
                "data-sms-unknown-text": _("未知占位符：{names}"),
                "data-sms-samples": json.dumps(
                    {name: str(PLACEHOLDERS[name][1]) for name in sorted(names)},
                    ensure_ascii=False,
                ),
            }
        )
        help_text = _(
            "系统自动在开头加“%(signature)s”、结尾加“%(suffix)s”，并计入字数。可用占位符：%(names)s"
        ) % {
            "signature": signature(self.instance.sign_name),
            "suffix": suffix(kind or "") or "—",
            "names": "、".join(
                _("{%(name)s}（%(label)s，最长 %(length)s 字）")
                % {"name": name, "label": PLACEHOLDERS[name][0], "length": PLACEHOLDERS[name][2]}
                for name in sorted(names)
            ),
        }
        if kind:
            body = self.instance.body
            help_text += " " + _(
                "预览：%(preview)s｜最长展开 %(length)s 字，计 %(segments)s 条。"
                "报备阿里云的模板内容：%(aliyun)s｜报备腾讯云的模板内容：%(tencent)s"
            ) % {
                "preview": preview(body, kind, sign_name=self.instance.sign_name),
                "length": len(longest_expansion(body, kind, sign_name=self.instance.sign_name)),
                "segments": segment_count(
                    longest_expansion(body, kind, sign_name=self.instance.sign_name)
                ),
                "aliyun": provider_text(body, kind, "aliyun"),
                "tencent": provider_text(body, kind, "tencent"),
            }
        self.fields["body"].help_text = help_text
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def clean(self):
        cleaned = super().clean()
        body, kind = cleaned.get("body"), cleaned.get("kind")
        if body and kind:
            errors = placeholder_errors(body, kind)
            if errors:
                self.add_error("body", errors)
        if self.instance.pk and body and body != self.instance.body:
            kept = [
                field
                for field in ("aliyun_code", "tencent_code")
                if getattr(self.instance, field)
                and cleaned.get(field) == getattr(self.instance, field)
            ]
            for field in kept:
                self.add_error(
                    field,
                    _(
                        "正文已修改：审核通过的是旧正文。请向服务商报备新正文，填写新的模板编号，或清空此项。"
                    ),
                )
        return cleaned


def segments_of_longest(template: MessageTemplate) -> int:
    return segment_count(
        longest_expansion(template.body, template.kind, sign_name=template.sign_name)
    )


class MessageTemplateViewSet(ModelViewSet):
    model = MessageTemplate
    form_fields = ["kind", "body", "sign_name", "aliyun_code", "tencent_code"]
    icon = "mail"
    menu_label = _("短信模板")
    copy_view_enabled = False
    list_display = [
        "kind",
        "body",
        "aliyun_code",
        "tencent_code",
        Column("segments", label=_("最长条数"), accessor=segments_of_longest),
        "updated_at",
    ]

    def get_form_class(self, for_update=False):
        return MessageTemplateForm


class ReminderRuleForm(WagtailAdminModelForm):
    exam_levels = optional_checkboxes(
        _("面向报考级别"), choices=ExamLevel.choices, help_text=_("都不选表示全部级别。")
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
        offer_organisations_in_scope(self, "organisations")


class ReminderRuleViewSet(ScopedModelViewSet):
    scope_targets = "organisations"
    model = ReminderRule
    form_class = ReminderRuleForm
    icon = "time"
    menu_label = _("提醒规则")
    copy_view_enabled = True
    list_filter = ["kind", "active"]
    list_display = ["name", "kind", "active", "priority", "send_time"]


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

    def get_text_display_value(self):
        """A log-in or reset code still valid would let an organiser into the learner's
        account: its digits are hidden from everyone but administrators (who could set the
        password anyway, and read demo codes here with the outbox backend)."""
        if self.object.kind in REQUESTED_KINDS and not self.request.user.is_superuser:
            return re.sub(r"\d", "*", self.object.text)
        return self.object.text


def _rules_in_scope(request):
    return any_target_within(
        ReminderRule.objects.order_by("name"), "organisations", scope_of(request)
    )


class SmsMessageFilterSet(WagtailFilterSet):
    """The message log's filters; rules offered are those the organiser may see."""

    rule = django_filters.ModelChoiceFilter(label=_("提醒规则"), queryset=_rules_in_scope)

    class Meta:
        model = SmsMessage
        fields = ["status", "kind", "rule", "send_date"]


class SmsMessageViewSet(ScopedModelViewSet):
    """The message log: written only by the delivery code (``ReadOnlyPolicy``)."""

    scope_path = "learner__profile__organisation__path"
    model = SmsMessage
    icon = "mail"
    menu_label = _("短信记录")
    index_view_class = SmsMessageIndexView
    inspect_view_class = SmsMessageInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]
    filterset_class = SmsMessageFilterSet
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


class SmsOptOutViewSet(ScopedModelViewSet):
    """Numbers that replied T/TD/退订 (or 订阅 again); changed only by the learners' replies."""

    model = SmsOptOut
    icon = "cross"

    def scope_queryset(self, queryset, scope, action, request):
        if scope is None or scope is False:
            return queryset if scope is None else queryset.none()
        return queryset.filter(phone__in=learners_in(scope).values("user__phone"))

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


class SmsTroublePanel(Component):
    """The admin home page's warning about text messages: a provider that refuses to send
    anything (open alerts), and messages that failed for good (last 7 days, in the
    organiser's scope), linking to the message log filtered to them."""

    name = "sms_trouble"
    template_name = "learning/admin/sms_trouble_panel.html"
    order = 80

    def __init__(self, scope):
        self.failures = recent_failures(scope)
        self.alerts = list(open_alerts()[:5])

    def get_context_data(self, parent_context):
        return {
            **super().get_context_data(parent_context),
            "failures": self.failures,
            "alerts": self.alerts,
        }

    def render_html(self, parent_context=None):
        if not (self.failures["count"] or self.alerts):
            return ""
        return super().render_html(parent_context)
