"""Learner pages for points: ``/rankings/`` and ``/me/points/`` (namespace ``points``)."""

from django.urls import path

from learning.points import views as points_views

app_name = "points"

urlpatterns = [
    path("rankings/", points_views.rankings, name="rankings"),
    path("me/points/", points_views.my_points, name="my_points"),
]
