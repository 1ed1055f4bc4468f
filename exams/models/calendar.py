"""The exam calendar organisers keep (考试安排): each year's registration and timetable.

Seeded from ``exams.calendar.seeds`` (where the sources are cited) and edited in the admin
when a year's plan is published or a province's registration dates differ. The learner's
exam-day countdown and the countdown text messages read it (``exams.calendar.exam_days``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from learning.models.profiles import ExamLevel

from .questions import Subject


class ExamYear(ClusterableModel):
    """One exam year (考试年度) of the certification."""

    year = models.PositiveSmallIntegerField(_("考试年度"), unique=True)
    confirmed = models.BooleanField(
        _("已公布"),
        default=False,
        help_text=_("人社部已公布本年度考试工作计划时勾选；未勾选时日期按“预计”显示。"),
    )
    registration_opens = models.DateField(_("报名开始"), null=True, blank=True)
    registration_closes = models.DateField(_("报名截止"), null=True, blank=True)
    source = models.TextField(_("依据"), blank=True, help_text=_("日期出自哪份通知。"))

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("confirmed")]),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("registration_opens"), FieldPanel("registration_closes")])],
            heading=_("报名时间（以本省人事考试机构通知为准）"),
        ),
        InlinePanel("slots", label=_("考试科目"), heading=_("考试时间")),
        FieldPanel("source"),
    ]

    class Meta:
        verbose_name = _("考试安排")
        verbose_name_plural = _("考试安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return _("%(year)s 年度社会工作者职业资格考试") % {"year": self.year}

    def clean(self) -> None:
        super().clean()
        opens, closes = self.registration_opens, self.registration_closes
        if opens and closes and closes < opens:
            raise ValidationError({"registration_closes": _("报名截止不能早于报名开始。")})


class ExamSlot(Orderable):
    """When one subject of one level is sat (a line of the timetable)."""

    exam_year = ParentalKey(ExamYear, on_delete=models.CASCADE, related_name="slots")
    level = models.CharField(_("级别"), max_length=12, choices=ExamLevel.choices)
    subject = models.CharField(_("科目"), max_length=16, choices=Subject.choices)
    day = models.DateField(_("考试日期"))
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))

    panels = [
        FieldRowPanel([FieldPanel("level"), FieldPanel("subject")]),
        FieldRowPanel([FieldPanel("day"), FieldPanel("starts"), FieldPanel("ends")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("考试科目")
        verbose_name_plural = _("考试科目")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_subject_display()} {self.day}"

    def clean(self) -> None:
        super().clean()
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("结束时间必须晚于开始时间。")})
