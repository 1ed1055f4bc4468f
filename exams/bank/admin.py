"""Wagtail admin screens of the bank: questions, banks, preview, import and the Excel template."""

from __future__ import annotations

import django_filters
from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import permission_required
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from exams.bank.formats import FormatError, xlsx
from exams.bank.grading import correct_answer
from exams.bank.importing import (
    DEFAULT_BANK,
    SUFFIXES,
    export_questions,
    format_for,
    import_questions,
    read_file,
)
from exams.bank.versions import snapshot_of
from exams.models import Question, QuestionBank, QuestionType, option_errors
from exams.practice.selectors import for_display


class QuestionForm(WagtailAdminModelForm):
    """Checks the options against the type (the real exam's rules) before anything is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            cases = Question.objects.filter(type=QuestionType.CASE_ANALYSIS)
            self.fields["parent"].queryset = cases.exclude(pk=self.instance.pk)

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        options = [
            (form.cleaned_data.get("key", ""), form.cleaned_data.get("is_correct", False))
            for form in self.formsets["options"].forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = option_errors(self.cleaned_data["type"], options)
        for error in errors:
            self.add_error(None, error)
        return not errors


class QuestionFilterSet(WagtailFilterSet):
    chapter = django_filters.ChoiceFilter(label=_("章节"), choices=[])
    outdated = django_filters.BooleanFilter(label=_("已过时"), field_name="is_outdated")
    valid_before = django_filters.DateFilter(
        label=_("依据截至早于"), field_name="valid_as_of", lookup_expr="lt"
    )
    top_level = django_filters.BooleanFilter(
        label=_("只看大题"), field_name="parent", lookup_expr="isnull"
    )

    class Meta:
        model = Question
        fields = ["bank", "subject", "level", "type", "difficulty"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chapters = Question.objects.exclude(chapter="").values_list("chapter", flat=True)
        self.filters["chapter"].extra["choices"] = [
            (c, c) for c in sorted(set(chapters.distinct()))
        ]


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("题目")
    menu_order = 310
    add_to_admin_menu = True
    form_fields = None
    filterset_class = QuestionFilterSet
    search_fields = ["stem", "name", "chapter"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-pk"]
    list_display = [
        Column("title", label=_("题目"), accessor="__str__"),
        Column("type", label=_("题型"), accessor="get_type_display"),
        Column("subject", label=_("科目"), accessor="get_subject_display"),
        Column("level", label=_("级别"), accessor="get_level_display"),
        "chapter",
        "difficulty",
        "is_outdated",
        TitleColumn(
            "preview", label=_("预览"), accessor=lambda q: _("预览"), url_name="question_preview"
        ),
    ]
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("bank"), FieldPanel("type")]),
                FieldRowPanel([FieldPanel("parent"), FieldPanel("position")]),
                FieldPanel("name"),
            ],
            heading=_("分类与题型"),
        ),
        FieldPanel("stem"),
        InlinePanel("options", heading=_("选项"), label=_("选项"), max_num=5),
        FieldPanel("explanation"),
        MultiFieldPanel(
            [FieldPanel("model_answer"), FieldPanel("marking_points")],
            heading=_("案例问答"),
            classname="collapsed",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("subject"), FieldPanel("level")]),
                FieldRowPanel([FieldPanel("chapter"), FieldPanel("difficulty")]),
                FieldPanel("knowledge_points"),
                FieldRowPanel([FieldPanel("score"), FieldPanel("source")]),
                FieldRowPanel([FieldPanel("valid_as_of"), FieldPanel("is_outdated")]),
                FieldPanel("exam_only"),
            ],
            heading=_("属性"),
        ),
    ]

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        handler.base_form_class = QuestionForm
        return handler

    def get_queryset(self, request):
        return Question.objects.select_related("bank")


class QuestionBankForm(WagtailAdminModelForm):
    """New banks are placed under a parent bank (or at the top); the place is fixed after."""

    parent = forms.ModelChoiceField(
        label=_("上级题库"), queryset=QuestionBank.objects.order_by("path"), required=False
    )

    class Meta:
        model = QuestionBank
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]

    def save(self, commit=True):
        bank = super().save(commit=False)
        if bank.pk:
            bank.save()
            return bank
        parent = self.cleaned_data.get("parent")
        if parent is None:
            return QuestionBank.add_root(instance=bank)
        return QuestionBank.objects.get(pk=parent.pk).add_child(instance=bank)


class QuestionBankViewSet(ModelViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("题库")
    menu_order = 300
    add_to_admin_menu = True
    search_fields = ["name"]
    search_backend_name = None
    copy_view_enabled = False
    ordering = ["path"]
    list_display = [Column("name", label=_("名称"), accessor="indented_name"), "description"]

    def get_form_class(self, for_update=False):
        return QuestionBankForm


@permission_required("exams.view_question")
def question_preview_view(request, pk: int):
    """How a learner sees the question, then the key and 解析 as shown after answering."""
    question = get_object_or_404(for_display(Question.objects.all()), pk=pk)
    return render(
        request,
        "exams/admin/question_preview.html",
        {"question": question, "correct_answer": correct_answer(snapshot_of(question))},
    )


class QuestionUploadForm(forms.Form):
    file = forms.FileField(label=_("题目文件（.gift/.txt、.xml 或 .xlsx）"))
    bank = forms.CharField(label=_("导入到题库"), initial=DEFAULT_BANK, max_length=100)
    format = forms.ChoiceField(
        label=_("格式"),
        required=False,
        choices=[
            ("", _("按扩展名判断")),
            ("gift", "GIFT"),
            ("xml", "Moodle XML"),
            ("xlsx", "Excel"),
        ],
    )
    dry_run = forms.BooleanField(label=_("只检查，不导入"), required=False, initial=True)


@permission_required("exams.add_question")
def question_import_view(request):
    """Upload a question file; the report (errors with line numbers, or counts) shows here."""
    report, file_error = None, None
    form = QuestionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            fmt = format_for(upload.name, form.cleaned_data["format"] or None)
            parsed = read_file(upload.read(), fmt)
        except FormatError as exc:
            file_error = str(exc)
        else:
            report = import_questions(
                parsed=parsed,
                bank_name=form.cleaned_data["bank"],
                dry_run=form.cleaned_data["dry_run"],
                by=request.user,
            )
    return render(
        request,
        "exams/admin/question_import.html",
        {"form": form, "report": report, "file_error": file_error},
    )


class QuestionExportForm(forms.Form):
    bank = forms.ModelChoiceField(label=_("题库"), queryset=QuestionBank.objects.order_by("path"))
    format = forms.ChoiceField(
        label=_("格式"), choices=[("gift", "GIFT"), ("xml", "Moodle XML"), ("xlsx", "Excel")]
    )


@permission_required("exams.view_question")
def question_export_view(request):
    """Download a bank (with its sub-banks); types the format cannot hold are listed, not lost."""
    form = QuestionExportForm(request.GET or None)
    if form.is_valid():
        fmt = form.cleaned_data["format"]
        data, skipped = export_questions(bank=form.cleaned_data["bank"], fmt=fmt)
        if not skipped or request.GET.get("confirm"):
            response = HttpResponse(data, content_type="application/octet-stream")
            name = f"question-bank-{form.cleaned_data['bank'].pk}{SUFFIXES[fmt]}"
            response["Content-Disposition"] = f"attachment; filename={name}"
            return response
        return render(
            request, "exams/admin/question_export.html", {"form": form, "skipped": skipped}
        )
    return render(request, "exams/admin/question_export.html", {"form": form})


@permission_required("exams.add_question")
def question_template_view(request):
    response = HttpResponse(
        xlsx.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''question-template.xlsx"
    return response
