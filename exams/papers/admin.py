"""Wagtail admin of mock exams: papers (with questions and blueprint rules inline), the
statistics page with its xlsx export, and the lecturers' marking queue (阅卷) for case essays.
Wired up in ``exams/wagtail_hooks.py``.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.auth import permission_required
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from exams.attempts.services import MarkingError, mark_item
from exams.contests import services as contests
from exams.models import AttemptQuestion, Paper
from exams.papers.services import apply_real_exam_preset, blueprint_shortfalls
from exams.papers.statistics import paper_statistics, statistics_workbook
from learning.accounts import selectors
from learning.accounts.scope import (
    ScopedViewSetMixin,
    all_targets_within,
    any_target_within,
    organisations_for,
)
from learning.models.profiles import ExamLevel


class PaperForm(WagtailAdminModelForm):
    """Paper form: target levels as checkboxes, and the real exam's preset as one tick."""

    target_levels = forms.MultipleChoiceField(
        label=gettext_lazy("面向报考级别"),
        choices=ExamLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选表示不限报考级别。"),
    )
    use_real_exam_preset = forms.BooleanField(
        label=gettext_lazy("套用真题结构"),
        required=False,
        help_text=gettext_lazy(
            "按所选级别和科目生成真题规则：单选 60 题×1 分、多选 20 题×2 分，120 分钟，60 分及格；"
            "中级实务为 5 道案例题（人工阅卷），150 分钟。会替换下面的抽题规则。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "target_organisations" in self.fields:
            # An organiser may aim a paper only at their own subtree.
            field = self.fields["target_organisations"]
            field.queryset = organisations_for(getattr(self, "for_user", None))
            field.label_from_instance = lambda org: org.indented_name

    def save(self, commit=True):
        paper = super().save(commit=commit)
        if commit and self.cleaned_data.get("use_real_exam_preset"):
            apply_real_exam_preset(paper)
        return paper


class WarnShortfallMixin:
    """After saving, warn when the bank cannot fill the paper (learners would get a 409)."""

    def save_instance(self):
        paper = super().save_instance()
        for problem in blueprint_shortfalls(paper):
            messages.warning(self.request, problem)
        return paper


class PaperCreateView(WarnShortfallMixin, generic.CreateView):
    pass


class PaperEditView(WarnShortfallMixin, generic.EditView):
    pass


class PaperViewSet(ScopedViewSetMixin, ModelViewSet):
    @staticmethod
    def scope_queryset(queryset, scope, action, request):
        """Authors without an organiser scope (lecturers) keep what their permissions give;
        organisers see papers for the prefecture or their subtree, change those aimed within it."""
        if scope is False:
            return queryset
        if action == "change":
            return all_targets_within(queryset, "target_organisations", scope)
        return any_target_within(queryset, "target_organisations", scope)

    model = Paper
    icon = "doc-full"
    menu_label = gettext_lazy("模拟试卷")
    menu_order = 335
    add_to_admin_menu = True
    add_view_class = PaperCreateView
    edit_view_class = PaperEditView
    search_fields = ["title"]
    search_backend_name = None
    list_filter = ["level", "subject", "kind", "is_published", "is_contest"]
    list_display = [
        TitleColumn("title", label=gettext_lazy("试卷名称"), url_name="papers:edit"),
        Column("level", label=gettext_lazy("级别"), accessor="get_level_display"),
        Column("subject", label=gettext_lazy("科目"), accessor="get_subject_display"),
        Column("kind", label=gettext_lazy("组卷方式"), accessor="get_kind_display"),
        "opens_at",
        "closes_at",
        "is_published",
        TitleColumn(
            "statistics",
            label=gettext_lazy("统计"),
            accessor=lambda paper: _("查看统计"),
            url_name="paper_statistics",
        ),
        TitleColumn(
            "contest_ranking",
            label=gettext_lazy("模考大赛"),
            accessor=lambda paper: _("排名与报名") if paper.is_contest else "",
            get_url=lambda paper: (
                reverse("contest_ranking", args=[paper.pk]) if paper.is_contest else None
            ),
        ),
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("description"),
                    FieldRowPanel([FieldPanel("level"), FieldPanel("subject")]),
                    FieldPanel("is_published"),
                ],
                heading=gettext_lazy("基本信息"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldRowPanel([FieldPanel("is_contest"), FieldPanel("registration_closes_at")]),
                    FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_score")]),
                    FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("grading_method")]),
                    FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                    FieldPanel("multiple_choice_rule"),
                    FieldRowPanel([FieldPanel("review_content"), FieldPanel("review_timing")]),
                ],
                heading=gettext_lazy("考试规则"),
            ),
            MultiFieldPanel(
                [FieldPanel("target_organisations"), FieldPanel("target_levels")],
                heading=gettext_lazy("面向对象"),
            ),
            MultiFieldPanel(
                [FieldPanel("kind"), FieldPanel("use_real_exam_preset")],
                heading=gettext_lazy("组卷"),
            ),
            InlinePanel(
                "paper_questions", heading=gettext_lazy("固定试题"), label=gettext_lazy("题目")
            ),
            InlinePanel("rules", heading=gettext_lazy("抽题规则"), label=gettext_lazy("规则")),
        ],
        base_form_class=PaperForm,
    )


def _scope_or_403(request):
    try:
        return selectors.organiser_scope(request.user)
    except PermissionError as exc:
        raise PermissionDenied from exc


@permission_required("exams.view_paper_statistics")
def paper_statistics_view(request, pk: int):
    """Statistics of one paper over the organiser's own subtree; ``?format=xlsx`` exports."""
    paper = get_object_or_404(Paper, pk=pk)
    stats = paper_statistics(paper, scope=_scope_or_403(request))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="paper-{paper.pk}-statistics.xlsx"'
        statistics_workbook(stats).save(response)
        return response
    peak = max((count for _band, count in stats.distribution), default=0) or 1
    bars = [(band, count, round(count * 100 / peak)) for band, count in stats.distribution]
    return render(
        request,
        "exams/admin/paper_statistics.html",
        {"paper": paper, "stats": stats, "bars": bars, "problems": blueprint_shortfalls(paper)},
    )


@permission_required("exams.view_paper_statistics")
def contest_ranking_view(request, pk: int):
    """A contest's ranking for its organisers: participants in their subtree, with the ranks
    they hold in the whole audience and in their county (exams.contests.services.contest_ranking)."""
    paper = get_object_or_404(Paper, pk=pk, is_contest=True)
    scope = _scope_or_403(request)
    now = timezone.now()
    return render(
        request,
        "exams/admin/contest_ranking.html",
        {
            "paper": paper,
            "published": contests.ranking_published(paper, now),
            "registered": contests.registrations_in(paper, scope=scope).count(),
            "rows": contests.contest_ranking(paper, scope=scope),
        },
    )


def marking_queue_items():
    return (
        AttemptQuestion.objects.filter(needs_marking=True, attempt__state="marking")
        .select_related("attempt__paper", "attempt__learner", "question")
        .order_by("attempt__submitted_at", "position")
    )


@permission_required("exams.mark_attempt")
def marking_queue_view(request):
    return render(request, "exams/admin/marking_queue.html", {"items": marking_queue_items()[:200]})


class MarkingForm(forms.Form):
    """One score per marking point (答题要点) plus a comment for the learner."""

    comment = forms.CharField(label=gettext_lazy("评语"), widget=forms.Textarea, required=False)

    def __init__(self, *args, points: list[str], maximum: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        labels = points or [_("得分")]
        for index, label in enumerate(labels):
            self.fields[f"point_{index}"] = forms.DecimalField(
                label=label, min_value=0, max_value=maximum, decimal_places=1, initial=0
            )
        self.order_fields([f"point_{i}" for i in range(len(labels))] + ["comment"])
        self.point_count = len(labels)

    def points(self) -> list[Decimal]:
        return [self.cleaned_data[f"point_{i}"] for i in range(self.point_count)]


@permission_required("exams.mark_attempt")
def mark_view(request, pk: int):
    item = get_object_or_404(
        AttemptQuestion.objects.select_related("attempt__paper", "version"), pk=pk
    )
    snapshot = item.version.snapshot
    form = MarkingForm(
        request.POST or None, points=snapshot.get("marking_points", []), maximum=item.score
    )
    if request.method == "POST" and form.is_valid():
        try:
            mark_item(
                item=item,
                points=form.points(),
                comment=form.cleaned_data["comment"],
                by=request.user,
                now=timezone.now(),
            )
        except MarkingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已评分。"))
            return redirect("marking_queue")
    return render(
        request,
        "exams/admin/mark_item.html",
        {"item": item, "snapshot": snapshot, "form": form},
    )
