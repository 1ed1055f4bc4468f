"""Mock exam pages (模拟考试) under ``/exams/``, namespaced ``exams:`` by ``exams.urls``."""

from django.urls import path

from exams.attempts import views

urlpatterns = [
    path("", views.paper_list, name="paper_list"),
    path("papers/<id:paper_id>/start/", views.start, name="paper_start"),
    path("attempts/<id:attempt_id>/", views.attempt_page, name="attempt"),
    path("contests/<id:paper_id>/register/", views.contest_register, name="contest_register"),
]
