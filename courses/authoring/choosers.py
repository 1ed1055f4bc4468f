"""The admin chooser over the question bank, for knowledge checks (随堂测验) in lessons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from exams.models import Question
from exams.models.questions import CHOICE_TYPES


class _QuestionListMixin:
    """Top-level choice questions only: a lesson checks answers instantly, so no essays."""

    def get_object_list(self):
        return Question.objects.filter(
            parent__isnull=True, is_outdated=False, type__in=CHOICE_TYPES
        ).order_by("-updated_at")

    @property
    def columns(self):
        return [
            self.title_column,
            Column("type", label=_("题型"), accessor="get_type_display"),
            Column("chapter", label=_("章节")),
        ]


class QuestionChooseView(_QuestionListMixin, ChooseView):
    pass


class QuestionChooseResultsView(_QuestionListMixin, ChooseResultsView):
    pass


class QuestionChooserViewSet(ChooserViewSet):
    model = Question
    icon = "help"
    choose_one_text = _("选择题目")
    choose_another_text = _("换一道题")
    # Wagtail's default is translated once, at import, so it stayed Chinese in English.
    edit_item_text = _("编辑")
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    per_page = 30


question_chooser_viewset = QuestionChooserViewSet("question_chooser")
