from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from learning.reminders import preferences
from learning.reminders.forms import ReminderPreferenceForm


@login_required
def reminder_preferences(request):
    """``/me/reminders/``: which reminders the learner gets, and when not to disturb."""
    current = preferences.as_dict(preferences.for_user(request.user))
    form = ReminderPreferenceForm(
        request.POST or None, initial=ReminderPreferenceForm.initial_from(current)
    )
    if request.method == "POST" and form.is_valid():
        preferences.update(
            user=request.user,
            enabled=form.cleaned_data["enabled"],
            quiet_start=form.cleaned_data["quiet_start"],
            quiet_end=form.cleaned_data["quiet_end"],
            kinds=form.kinds(),
        )
        messages.success(request, _("提醒设置已保存。"))
        return redirect("learning_reminders:preferences")
    return render(
        request,
        "learning/reminder_preferences.html",
        {"form": form, "opted_out": current["opted_out"]},
    )
