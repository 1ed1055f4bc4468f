from django.urls import path

from lecturers import views

app_name = "lecturers"

urlpatterns = [
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/<id:session_id>/enrol/", views.enrol, name="training_enrol"),
    path("trainings/<id:session_id>/cancel/", views.cancel, name="training_cancel"),
    path("trainings/<id:session_id>/check-in/", views.check_in, name="training_check_in"),
]
