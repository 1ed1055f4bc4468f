from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from exams import selectors
from exams.admin_views import (
    QuestionBankViewSet,
    QuestionViewSet,
    question_export_view,
    question_import_view,
    question_preview_view,
    question_template_view,
)
from learning.home_panels import HOOK as HOME_PANELS
from learning.home_panels import HomePanel
from learning.wagtail_hooks import PermissionMenuItem


@hooks.register("register_admin_viewset")
def register_bank_viewsets():
    return [QuestionBankViewSet("question_banks"), QuestionViewSet("questions")]


@hooks.register("register_admin_urls")
def register_bank_urls():
    return [
        path("questions/import/", question_import_view, name="question_import"),
        path("questions/import/template.xlsx", question_template_view, name="question_template"),
        path("questions/<int:pk>/preview/", question_preview_view, name="question_preview"),
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


# Mock exams (模拟测试): papers, statistics and the marking queue (exams/admin_papers.py).


@hooks.register("register_admin_viewset")
def register_paper_viewset():
    from exams.admin_papers import PaperViewSet

    return PaperViewSet("papers")


@hooks.register("register_admin_urls")
def register_mock_exam_urls():
    from exams import admin_papers

    return [
        path(
            "papers/<int:pk>/statistics/",
            admin_papers.paper_statistics_view,
            name="paper_statistics",
        ),
        path("marking/", admin_papers.marking_queue_view, name="marking_queue"),
        path("marking/<int:pk>/", admin_papers.mark_view, name="mark_item"),
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
def upcoming_exams_home_panel(request):
    papers = selectors.upcoming_papers(learner=request.user)
    if not papers:
        return None
    return HomePanel(
        order=30, template="exams/panels/upcoming_exams.html", context={"papers": papers}
    )
