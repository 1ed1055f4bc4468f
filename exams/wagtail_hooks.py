from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from exams.bank.admin import (
    QuestionBankViewSet,
    QuestionViewSet,
    question_export_view,
    question_import_view,
    question_preview_view,
    question_template_view,
)
from exams.models import ExamYear
from exams.practice import selectors
from learning.accounts.scope import (
    PrefectureWidePolicy,
    ScopedViewSetMixin,
    prefecture_wide_changes,
)
from learning.site.home_panels import HOOK as HOME_PANELS
from learning.site.home_panels import HomePanel, learner_profile
from learning.wagtail_hooks import PermissionMenuItem

register_permission_policy(ExamYear, PrefectureWidePolicy(ExamYear))


class ExamYearViewSet(ScopedViewSetMixin, SnippetViewSet):
    """考试安排: organisers correct a year's dates when the plan or their province's notice is
    out; the calendar holds for the whole prefecture, so only prefecture-wide ones change it."""

    scope_queryset = staticmethod(prefecture_wide_changes)

    model = ExamYear
    icon = "date"
    menu_label = _("考试安排")
    menu_order = 345
    add_to_admin_menu = True
    list_display = ["year", "confirmed", "registration_opens", "registration_closes"]


register_snippet(ExamYearViewSet)


@hooks.register("register_admin_viewset")
def register_bank_viewsets():
    return [QuestionBankViewSet("question_banks"), QuestionViewSet("questions")]


@hooks.register("register_admin_urls")
def register_bank_urls():
    return [
        path("questions/import/", question_import_view, name="question_import"),
        path("questions/import/template.xlsx", question_template_view, name="question_template"),
        path("questions/<id:pk>/preview/", question_preview_view, name="question_preview"),
        path("questions/export/", question_export_view, name="question_export"),
    ]


@hooks.register("register_admin_menu_item")
def register_question_import_menu_item():
    return PermissionMenuItem(
        _("导入题目"),
        reverse("question_import"),
        icon_name="upload",
        order=320,
        permission="exams.add_question",
    )


@hooks.register("register_admin_menu_item")
def register_question_export_menu_item():
    return PermissionMenuItem(
        _("导出题目"),
        reverse("question_export"),
        icon_name="download",
        order=330,
        permission="exams.view_question",
    )


# Mock exams (模拟测试): papers, statistics and the marking queue (exams/papers/admin.py).


@hooks.register("register_admin_viewset")
def register_paper_viewset():
    from exams.papers.admin import PaperViewSet

    return PaperViewSet("papers")


@hooks.register("register_admin_urls")
def register_mock_exam_urls():
    from exams.papers import admin as admin_papers

    return [
        path(
            "papers/<id:pk>/statistics/",
            admin_papers.paper_statistics_view,
            name="paper_statistics",
        ),
        path(
            "papers/<id:pk>/contest-ranking/",
            admin_papers.contest_ranking_view,
            name="contest_ranking",
        ),
        path("marking/", admin_papers.marking_queue_view, name="marking_queue"),
        path("marking/<id:pk>/", admin_papers.mark_view, name="mark_item"),
    ]


@hooks.register("register_admin_menu_item")
def register_marking_menu_item():
    return PermissionMenuItem(
        _("阅卷"),
        reverse("marking_queue"),
        icon_name="edit",
        order=340,
        permission="exams.mark_attempt",
    )


@hooks.register(HOME_PANELS)
def daily_practice_home_panel(request):
    return HomePanel(
        order=20,
        template="exams/panels/daily_practice.html",
        context={"daily": selectors.home_daily_status(learner=request.user)},
    )


@hooks.register(HOME_PANELS)
def readiness_home_panel(request):
    """The learner's stored pass probabilities (one query; refreshed when they open the page)."""
    from exams.readiness.service import MIN_ANSWERS, stored_estimates

    return HomePanel(
        order=25,
        template="exams/panels/readiness.html",
        context={"rows": stored_estimates(request.user), "min_answers": MIN_ANSWERS},
    )


@hooks.register(HOME_PANELS)
def upcoming_exams_home_panel(request):
    papers = selectors.upcoming_papers(learner=request.user)
    if not papers:
        return None
    return HomePanel(
        order=30, template="exams/panels/upcoming_exams.html", context={"papers": papers}
    )


@hooks.register(HOME_PANELS)
def exam_countdown_home_panel(request):
    """Days to the learner's exam from the exam calendar organisers keep (one query)."""
    from django.utils import timezone

    from exams.calendar.exam_days import countdown_for

    countdown = countdown_for(learner_profile(request), today=timezone.localdate())
    if countdown is None:
        return None
    return HomePanel(
        order=5, template="exams/panels/exam_countdown.html", context={"countdown": countdown}
    )
