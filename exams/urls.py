from django.urls import include, path

from exams.practice import session_views as views_sessions
from exams.practice import views
from exams.readiness import views as views_readiness

app_name = "exams"

urlpatterns = [
    path("practice/", views.hub, name="practice"),
    path("practice/readiness/", views_readiness.readiness, name="readiness"),
    path("practice/smart/", views_readiness.smart_practice, name="smart"),
    path("practice/chapter/", views.chapter, name="chapter"),
    path("practice/daily/", views.daily, name="daily"),
    path("practice/wrong/", views.wrong_book, name="wrong_book"),
    path("practice/wrong/<id:question_id>/remove/", views.wrong_remove, name="wrong_remove"),
    path("practice/favourites/", views.favourites, name="favourites"),
    path("practice/q/<id:question_id>/", views.question_page, name="question"),
    path("practice/q/<id:question_id>/favourite/", views.favourite_toggle, name="favourite_toggle"),
    path("practice/start/<str:kind>/", views_sessions.start, name="start"),
    path("practice/s/<id:pk>/", views_sessions.resume, name="session"),
    path("practice/s/<id:pk>/<id:position>/", views_sessions.question, name="session_question"),
    path("practice/s/<id:pk>/summary/", views_sessions.summary, name="session_summary"),
    path("practice/s/<id:pk>/again/", views_sessions.again, name="session_again"),
    path("practice/s/<id:pk>/retry/", views_sessions.retry, name="session_retry"),
    path("exams/", include("exams.attempts.urls")),
]
