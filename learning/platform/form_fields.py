"""Form fields the admin screens of every app share.

Why: rules, papers, reminder rules, training tracks and sessions are aimed at part of the
learners by criteria (exam levels, post types, organisations, lecturers) that an editor ticks
as checkboxes, and ticking none means "no limit". Declaring that field in one place keeps the
screens alike: optional, checkboxes, the same widget everywhere.

Use: an admin form's optional multiple choice (``choices``) or multiple model choice
(``queryset``); no domain here, the labels and help texts come from the caller.
"""

from __future__ import annotations

from django import forms


def optional_checkboxes(label, *, choices=None, queryset=None, help_text="") -> forms.Field:
    """An optional multiple choice shown as checkboxes: ``choices`` for values, ``queryset``
    for model objects."""
    if queryset is not None:
        field_class, options = forms.ModelMultipleChoiceField, {"queryset": queryset}
    else:
        field_class, options = forms.MultipleChoiceField, {"choices": choices}
    return field_class(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        **options,
    )
