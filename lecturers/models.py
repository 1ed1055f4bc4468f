"""The lecturer pool (讲师团) as Wagtail pages, and offline training sessions (线下培训).

``LecturerIndexPage`` is the public directory at ``/lecturers/``; each ``LecturerPage`` is one
lecturer. ``TrainingSession`` is an offline event (线下集训, 书记论坛, 智囊团社区行 ...) that
learners enrol in and check in to with a short code; ``Enrolment`` is one learner's seat.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from learning.models import Organisation
from learning.platform.page_cache import PublicPageCacheMixin

#: Rendition specs of lecturer photos: directory card, detail page, API thumbnail.
PHOTO_CARD = "fill-240x240"
PHOTO_DETAIL = "fill-480x480"
PHOTO_THUMB = "fill-96x96"
PHOTO_SPECS = (PHOTO_THUMB, PHOTO_CARD, PHOTO_DETAIL)

#: Learners may check in from this long before a session starts until it ends.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)

#: Check-in codes avoid letters and digits that are easily confused when read aloud (0/O, 1/I).
CHECK_IN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CHECK_IN_CODE_LENGTH = 6


class LecturerType(models.TextChoices):
    """Where a lecturer of the prefecture's pool comes from."""

    PARTY_SCHOOL = "party_school", _("党校讲师")
    DEPARTMENT_HEAD = "department_head", _("业务科室负责人")
    COMMUNITY_SECRETARY = "community_secretary", _("优秀社区书记")
    PROFESSOR = "professor", _("高校教授")
    SENIOR_SOCIAL_WORKER = "senior_social_worker", _("高级社会工作者")
    INDUSTRY_EXPERT = "industry_expert", _("行业专家")


class LecturerExpertise(TaggedItemBase):
    """An expertise tag (擅长领域) on a lecturer page."""

    content_object = ParentalKey(
        "lecturers.LecturerPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class LecturerIndexPage(PublicPageCacheMixin, Page):
    """The lecturer directory (讲师团): filterable by type and expertise, searchable by name."""

    cache_query_params = frozenset({"type", "expertise", "page"})

    intro = models.TextField(_("导语"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["learning.HomePage"]
    subpage_types = ["lecturers.LecturerPage"]
    max_count = 1

    #: Lecturers per directory page; the whole pool of a prefecture fits on one or two.
    per_page = 60

    class Meta:
        verbose_name = _("讲师团")
        verbose_name_plural = _("讲师团")

    def get_context(self, request, *args, **kwargs):
        from lecturers import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.directory_context(index=self, params=request.GET))
        return context


class LecturerPage(PublicPageCacheMixin, Page):
    """One lecturer of the pool: the page title is the lecturer's name."""

    lecturer_type = models.CharField(
        _("讲师类别"), max_length=32, choices=LecturerType.choices, db_index=True
    )
    position = models.CharField(_("职务/职称"), max_length=100, blank=True)
    organisation = models.CharField(
        _("工作单位"), max_length=100, blank=True, help_text=_("讲师所在的单位，自由填写。")
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = models.CharField(_("一句话简介"), max_length=200, blank=True)
    bio = RichTextField(_("个人简介"), blank=True)
    expertise = ClusterTaggableManager(
        verbose_name=_("擅长领域"), through=LecturerExpertise, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("讲师账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lecturer_page",
        help_text=_("关联后，该账号可以在后台编辑本页（发布须经组织者审核）。"),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("lecturer_type"),
                FieldPanel("position"),
                FieldPanel("organisation"),
                FieldPanel("photo"),
            ],
            heading=_("基本信息"),
        ),
        FieldPanel("intro"),
        FieldPanel("bio"),
        FieldPanel("expertise"),
        # Only organisers link accounts: a lecturer must not hand their page to someone else.
        FieldPanel("user", permission="lecturers.link_lecturer_account"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("organisation"),
        index.SearchField("intro"),
        index.FilterField("lecturer_type"),
    ]
    parent_page_types = ["lecturers.LecturerIndexPage"]
    subpage_types: list[str] = []
    #: An account belongs to one lecturer page: a copy starts unlinked.
    exclude_fields_in_copy = ["user"]

    class Meta:
        verbose_name = _("讲师")
        verbose_name_plural = _("讲师")
        permissions = [("link_lecturer_account", _("可为讲师页关联登录账号"))]

    @property
    def name(self) -> str:
        return self.title

    def expertise_names(self) -> list[str]:
        """Expertise tag names; uses ``tagged_items__tag`` when prefetched (no query)."""
        return [item.tag.name for item in self.tagged_items.all()]

    def get_context(self, request, *args, **kwargs):
        from lecturers import selectors

        context = super().get_context(request, *args, **kwargs)
        context["upcoming_sessions"] = selectors.upcoming_sessions_of(self)
        context["courses"] = selectors.courses_taught(self)
        return context


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


class TrainingSessionQuerySet(models.QuerySet):
    def with_enrolled_count(self):
        return self.annotate(enrolled_count=Count("enrolments", distinct=True))

    def with_lecturers(self):
        return self.prefetch_related(
            Prefetch(
                "lecturers", queryset=LecturerPage.objects.order_by("path").only("title", "path")
            )
        )

    def eligible_for(self, organisation: Organisation | None):
        """Sessions open to everyone, or targeting an organisation at or above ``organisation``."""
        targets = TrainingSession.target_organisations.through.objects.filter(
            trainingsession_id=OuterRef("pk")
        )
        open_to_all = ~Exists(targets)
        if organisation is None:
            return self.filter(open_to_all)
        # A target covers the learner when the learner's community path starts with its path.
        step = Organisation.steplen
        ancestors = [
            organisation.path[:end] for end in range(step, len(organisation.path) + 1, step)
        ]
        return self.filter(open_to_all | Exists(targets.filter(organisation__path__in=ancestors)))


class TrainingSession(models.Model):
    """An offline session: 线下集训 (intensive training), 书记论坛 (secretaries' forum) and so on.

    Enrolment is limited to ``capacity`` seats; learners check in on the day with
    ``check_in_code``, which the organiser reads out or shows on a slide.
    """

    class Kind(models.TextChoices):
        INTENSIVE = "intensive", _("线下集训")
        FORUM = "forum", _("书记论坛")
        THINK_TANK = "think_tank", _("智囊团社区行")
        INTERVIEW = "interview", _("现场访谈")
        DRILL = "drill", _("模拟演练")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    lecturers = models.ManyToManyField(
        LecturerPage, verbose_name=_("讲师"), blank=True, related_name="training_sessions"
    )
    venue = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    target_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("面向机构"),
        blank=True,
        related_name="+",
        help_text=_("留空表示面向全体学员；选择县市或街镇即包含其下所有社区。"),
    )
    description = models.TextField(_("内容介绍"), blank=True)
    check_in_code = models.CharField(
        _("签到码"), max_length=12, default=new_check_in_code, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("线下培训")
        verbose_name_plural = _("线下培训")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="trainingsession_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="trainingsession_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def check_in_opens_at(self):
        return self.starts_at - CHECK_IN_OPENS_BEFORE

    def check_in_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.check_in_opens_at <= now <= self.ends_at

    def lecturer_names(self) -> str:
        return "、".join(lecturer.title for lecturer in self.lecturers.all())


class Enrolment(models.Model):
    """A learner's seat in a session; ``attended_at`` is set by their check-in."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="enrolments"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="training_enrolments",
    )
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="one_enrolment_per_learner")
        ]

    def __str__(self) -> str:
        return f"{self.learner} → {self.session}"
