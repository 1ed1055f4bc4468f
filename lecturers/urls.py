app_name = "lecturers"

urlpatterns: list = []
