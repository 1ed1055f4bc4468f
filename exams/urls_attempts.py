"""Mock exam pages (模拟考试) under ``/exams/``, namespaced ``exams:`` by ``exams.urls``."""

from django.urls import path

from exams import views_attempts as views

urlpatterns = [
    path("", views.paper_list, name="paper_list"),
    path("papers/<int:paper_id>/start/", views.start, name="paper_start"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
]
