from django.urls import path

from learning.reminders.views import reminder_preferences

app_name = "learning_reminders"

urlpatterns = [
    path("me/reminders/", reminder_preferences, name="preferences"),
]
