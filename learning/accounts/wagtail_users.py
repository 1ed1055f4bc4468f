"""Wagtail's user admin adapted to phone-number log-in and one-field Chinese names.

Lists show masked numbers; the full number appears only in the edit form, where an
administrator needs it to correct a typo.
"""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from learning.accounts.phone import normalise_phone
from learning.models import User

_FIELDS = ["phone", "name", "email", "is_superuser", "groups"]


class PhoneUserFormMixin(forms.ModelForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("电子邮箱"))
    # Wider than the stored 11 digits so that "+86 139 0000 7777" can be typed and normalised.
    phone = forms.CharField(label=_("手机号"), max_length=20)

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class PhoneUserCreationForm(PhoneUserFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = _FIELDS


class PhoneUserEditForm(PhoneUserFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = [*_FIELDS, "is_active"]


class PhoneUserIndexView(wagtail_users.IndexView):
    search_fields = ["phone", "name"]

    @cached_property
    def columns(self):
        columns = super().columns
        masked = Column(
            "phone",
            accessor="masked_phone",
            label=_("手机号"),
            sort_key="phone",
            classname="username",
            width="20%",
        )
        columns[1].sort_key = "name"
        return [masked if column.name == "phone" else column for column in columns]


class PhoneUserViewSet(wagtail_users.UserViewSet):
    index_view_class = PhoneUserIndexView

    def get_form_class(self, for_update=False):
        return PhoneUserEditForm if for_update else PhoneUserCreationForm
