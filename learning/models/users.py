from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from learning.accounts.phone import mask_phone, normalise_phone, validate_phone


class PhoneUserManager(UserManager):
    """Users are found and created by their normalised mobile number."""

    use_in_migrations = True

    def get_by_natural_key(self, username):
        """The user of any spelling of the number; no such user for what is no number at
        all (so a log-in with it is a wrong password, not an error)."""
        try:
            phone = normalise_phone(username)
        except ValidationError:
            raise self.model.DoesNotExist from None
        return self.get(phone=phone)

    def _create_user(self, phone, email, password, **extra_fields):
        user = self.model(phone=normalise_phone(phone), email=email or "", **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, email, password, **extra_fields)

    def create_superuser(self, phone, email=None, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(phone, email, password, **extra_fields)


class User(AbstractUser):
    """Everyone who logs in: learners, lecturers, organisers and administrators.

    The log-in name is the mobile phone number (手机号), stored as 11 digits; Chinese names are
    one field (姓名), so ``name`` replaces the first/last split that stays only for Wagtail.
    """

    username = None
    phone = models.CharField(_("手机号"), max_length=11, unique=True, validators=[validate_phone])
    name = models.CharField(_("姓名"), max_length=50)

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    objects = PhoneUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_phone}）" if self.name else self.masked_phone

    def clean(self):
        super().clean()
        if self.phone:
            self.phone = normalise_phone(self.phone)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
