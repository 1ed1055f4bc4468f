from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from learning.models import ReminderKind


class ReminderPreferenceForm(forms.Form):
    """A learner's own reminder settings on ``/me/reminders/``: one switch per kind."""

    enabled = forms.BooleanField(label=_("接收短信提醒"), required=False)
    quiet_start = forms.TimeField(
        label=_("免打扰开始"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=_("免打扰结束"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("免打扰时段内的提醒会推迟到结束时发送；可以跨过午夜，例如 21:30 到 08:00。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in ReminderKind:
            self.fields[f"kind_{kind.value}"] = forms.BooleanField(label=kind.label, required=False)

    @classmethod
    def initial_from(cls, settings_dict: dict) -> dict:
        initial = {key: settings_dict[key] for key in ("enabled", "quiet_start", "quiet_end")}
        initial.update({f"kind_{kind}": on for kind, on in settings_dict["kinds"].items()})
        return initial

    def kind_fields(self):
        return [self[f"kind_{kind.value}"] for kind in ReminderKind]

    def kinds(self) -> dict[str, bool]:
        return {kind.value: self.cleaned_data[f"kind_{kind.value}"] for kind in ReminderKind}
