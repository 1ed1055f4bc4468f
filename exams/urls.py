from django.urls import include, path

app_name = "exams"

urlpatterns: list = [
    path("exams/", include("exams.urls_attempts")),
]
