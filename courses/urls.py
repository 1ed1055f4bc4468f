from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("learn/courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("learn/lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete"),
    path("learn/lessons/<int:lesson_id>/check/", views.answer_check, name="check"),
]
