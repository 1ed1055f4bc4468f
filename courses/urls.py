from django.urls import path

from courses.study import views

app_name = "courses"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("learn/courses/<id:course_id>/enrol/", views.enrol, name="enrol"),
    path("learn/lessons/<id:lesson_id>/complete/", views.complete_lesson, name="complete"),
    path("learn/lessons/<id:lesson_id>/check/", views.answer_check, name="check"),
    path("learn/lessons/<id:lesson_id>/drill/", views.drill_choice, name="drill"),
]
