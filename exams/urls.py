from django.urls import path

from exams import views

app_name = "exams"

urlpatterns = [
    path("practice/", views.hub, name="practice"),
    path("practice/chapter/", views.chapter, name="chapter"),
    path("practice/daily/", views.daily, name="daily"),
    path("practice/wrong/", views.wrong_book, name="wrong_book"),
    path("practice/wrong/<int:question_id>/remove/", views.wrong_remove, name="wrong_remove"),
    path("practice/favourites/", views.favourites, name="favourites"),
    path("practice/q/<int:question_id>/", views.question_page, name="question"),
    path(
        "practice/q/<int:question_id>/favourite/", views.favourite_toggle, name="favourite_toggle"
    ),
]
