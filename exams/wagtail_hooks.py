from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from exams.admin_views import (
    QuestionBankViewSet,
    QuestionViewSet,
    question_export_view,
    question_import_view,
    question_preview_view,
    question_template_view,
)
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
