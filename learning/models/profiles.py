from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation


class ExamLevel(models.TextChoices):
    """Levels of the national social worker certification (社会工作者职业水平考试)."""

    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")


class PostType(models.TextChoices):
    """Community worker post categories (岗位类别)."""

    HEAD = "head", _("正职")
    DEPUTY = "deputy", _("副职")
    STAFF = "staff", _("一般工作人员")


class LearnerProfile(models.Model):
    """A community worker (社区工作者) taking part in the programme.

    Grade (等级) is the 18-step community worker pay scale; the exam level and date drive
    reminders and the organisers' coverage reports.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所在社区"),
        on_delete=models.PROTECT,
        related_name="learners",
    )
    post_type = models.CharField(
        _("岗位类别"), max_length=10, choices=PostType.choices, default=PostType.STAFF
    )
    grade = models.PositiveSmallIntegerField(
        _("等级"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
    )
    exam_level = models.CharField(
        _("报考级别"), max_length=12, choices=ExamLevel.choices, blank=True
    )
    exam_date = models.DateField(_("考试日期"), null=True, blank=True)
    certificate_level = models.CharField(
        _("持证级别"), max_length=12, choices=ExamLevel.choices, blank=True
    )
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    certificate_date = models.DateField(_("取证日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("学员档案")
        verbose_name_plural = _("学员档案")
        permissions = [("export_phone_numbers", _("可在导出中查看完整手机号"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__gte=1, grade__lte=18),
                name="learnerprofile_grade_1_to_18",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class OrganiserQuerySet(models.QuerySet):
    """Bulk writes of organisers invalidate the kept scopes as saves do
    (``learning.accounts.access``), in the same transaction: a scope changed by ``update``
    applies at the next request."""

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            return _scopes_changed(super().update(**kwargs))

    def bulk_update(self, objs, fields, batch_size=None):
        with transaction.atomic(using=self.db):
            return _scopes_changed(super().bulk_update(objs, fields, batch_size=batch_size))

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            return _scopes_changed(super().bulk_create(objs, *args, **kwargs))


def _scopes_changed(result):
    from learning.accounts import access

    access.changed()
    return result


class Organiser(models.Model):
    """An organiser's scope: the subtree of organisations whose learners they manage.

    No organisation means the whole prefecture (组织部); a street office (街镇) organiser
    sees only that street's communities.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organiser"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("管理范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("留空表示全市范围。"),
    )

    objects = OrganiserQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织者")
        verbose_name_plural = _("组织者")

    def __str__(self) -> str:
        return str(self.user)
