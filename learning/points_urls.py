from django.urls import path

from learning import points_views

app_name = "points"

urlpatterns = [
    path("rankings/", points_views.rankings, name="rankings"),
    path("me/points/", points_views.my_points, name="my_points"),
]
