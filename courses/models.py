"""Courses (课程) as Wagtail pages, and learners' enrolment and progress.

``CourseIndexPage`` is the catalogue at ``/courses/``; each ``CoursePage`` holds its lessons
(``LessonPage``, 课时) as ordered children. ``Enrolment`` is a learner's place in a course and
remembers where they left off; ``LessonCompletion`` records a finished lesson and
``CheckResult`` whether a knowledge-check question (随堂测验) has been answered right.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock, knowledge_check_question_ids
from courses.search.segmentation import segmented
from learning.platform.page_cache import PublicPageCacheMixin


class Category(models.TextChoices):
    """The catalogue's subjects: Party and governance training and the certification subjects."""

    POLITICAL_THEORY = "political_theory", _("政治理论")
    PARTY_AFFAIRS = "party_affairs", _("基础党务")
    GOVERNANCE = "governance", _("治理服务")
    COMPREHENSIVE = "comprehensive", _("社会工作综合能力")
    PRACTICE = "practice", _("社会工作实务")
    REGULATIONS = "regulations", _("社会工作法规与政策")


class CourseLevel(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    GENERAL = "general", _("通用")


#: Rendition specs of course covers: catalogue card and course page header.
COVER_CARD = "fill-480x270"
COVER_HEADER = "fill-960x400"


class CourseIndexPage(PublicPageCacheMixin, Page):
    """The course catalogue (课程中心), filterable by category, level and lecturer."""

    cache_query_params = frozenset({"category", "level", "lecturer", "page"})

    intro = models.TextField(_("导语"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["learning.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    #: Courses per catalogue page.
    per_page = 12

    class Meta:
        verbose_name = _("课程中心")
        verbose_name_plural = _("课程中心")

    def get_context(self, request, *args, **kwargs):
        from courses.study import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.catalogue_context(index=self, request=request))
        return context


class CoursePage(PublicPageCacheMixin, Page):
    """One course: what it teaches, to whom, by whom, and its lessons as child pages."""

    category = models.CharField(_("类别"), max_length=32, choices=Category.choices, db_index=True)
    level = models.CharField(
        _("级别"), max_length=16, choices=CourseLevel.choices, default=CourseLevel.GENERAL
    )
    subject = models.CharField(
        _("主题"), max_length=100, blank=True, help_text=_("例如：社区矛盾调解、党组织换届")
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("封面"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("课程简介"), blank=True)
    objectives = models.TextField(
        _("学习目标"), blank=True, help_text=_("每行一条，例如：掌握邻里纠纷调解的基本步骤")
    )
    estimated_hours = models.DecimalField(
        _("预计学时"), max_digits=4, decimal_places=1, default=1, validators=[MinValueValidator(0)]
    )
    completion_points = models.PositiveIntegerField(
        _("完成积分"),
        null=True,
        blank=True,
        help_text=_("学完本课程获得的积分；留空则按积分规则“完成课程”的分值。"),
    )
    requires_passing_checks = models.BooleanField(
        _("须通过随堂测验"),
        default=False,
        help_text=_("勾选后，学员须答对本课程全部随堂测验题才算完成课程。"),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("level"),
                FieldPanel("subject"),
                FieldPanel("cover"),
            ],
            heading=_("分类"),
        ),
        FieldPanel("summary"),
        FieldPanel("objectives"),
        InlinePanel("course_lecturers", label=_("讲师"), heading=_("授课讲师")),
        MultiFieldPanel(
            [
                FieldPanel("estimated_hours"),
                FieldPanel("completion_points"),
                FieldPanel("requires_passing_checks"),
            ],
            heading=_("学习要求"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.FilterField("category"),
        index.FilterField("level"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def search_text(self) -> str:
        """Title, subject, summary and objectives cut into words (see ``courses.search.segmentation``)."""
        return segmented(self.title, self.subject, self.summary, self.objectives)

    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def lecturer_pages(self) -> list:
        """Lecturers in their set order; uses ``course_lecturers__lecturer`` when prefetched."""
        return [link.lecturer for link in self.course_lecturers.all() if link.lecturer_id]

    def get_context(self, request, *args, **kwargs):
        from courses.study import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            getattr(request, "course_context", None)
            or selectors.course_context(course=self, user=request.user, request=request),
            # Lazy: evaluated only when the cached "about" fragment is rendered again. Here,
            # not in the course context, which a learner's every view builds for their copy.
            course_lecturers=self.course_lecturers.select_related("lecturer").order_by(
                "sort_order"
            ),
        )
        return context

    def learner_page_signature(self, request):
        """The learner's completed lessons and enrolment: all the page shows of them."""
        from courses.study import selectors

        context = selectors.course_context(course=self, user=request.user, request=request)
        request.course_context = context
        enrolment = context["enrolment"]
        return (
            tuple(lesson.pk for lesson in context["lessons"] if lesson.completed),
            enrolment and (enrolment.pk, enrolment.last_lesson_id, enrolment.completed_at),
        )


class CourseLecturer(Orderable):
    """A lecturer teaching a course, in the order the course lists them."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="course_lecturers")
    lecturer = models.ForeignKey(
        "lecturers.LecturerPage",
        verbose_name=_("讲师"),
        on_delete=models.CASCADE,
        related_name="course_links",
    )

    panels = [FieldPanel("lecturer")]

    class Meta(Orderable.Meta):
        verbose_name = _("授课讲师")
        verbose_name_plural = _("授课讲师")
        constraints = [
            models.UniqueConstraint(fields=["page", "lecturer"], name="unique_course_lecturer")
        ]


class LessonPage(PublicPageCacheMixin, Page):
    """A lesson (课时) of a course; lessons are ordered as the course's child pages."""

    summary = models.CharField(_("摘要"), max_length=255, blank=True)
    duration_minutes = models.PositiveIntegerField(_("时长（分钟）"), default=20)
    body = StreamField(LessonBodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("duration_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("search_text")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")

    def search_text(self) -> str:
        """Title, summary and every text of the body cut into words."""
        body_text = " ".join(
            str(text)
            for child in self.body
            for text in child.block.get_searchable_content(child.value)
        )
        return segmented(self.title, self.summary, body_text)

    def check_question_ids(self) -> list[int]:
        return knowledge_check_question_ids(self.body)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(getattr(request, "lesson_context", None) or self._lesson_context(request))
        return context

    def has_activities(self) -> bool:
        """Whether the body has a knowledge check or a drill (read without a query)."""
        return any(c["type"] in ("knowledge_check", "drill") for c in self.body.raw_data)

    def _lesson_context(self, request) -> dict:
        from courses.study import selectors
        from courses.study.activities import outstanding_activities
        from courses.study.drills import drill_states

        context = selectors.lesson_context(
            lesson=self,
            user=request.user,
            course=getattr(request, "lesson_course", None),
            request=request,
            progress=getattr(request, "lesson_progress", None),
        )
        context["drills"], context["outstanding"] = {}, []
        if self.has_activities():
            context["drills"] = drill_states(learner=request.user, lesson=self)
            if request.user.is_authenticated and not context["completed"]:
                context["outstanding"] = outstanding_activities(
                    learner=request.user, lesson=self, course=context["course"]
                )
        return context

    def learner_page_signature(self, request):
        """Whether the learner completed the lesson, which knowledge checks they passed, what
        is still to do and the drill steps they chose."""
        context = request.lesson_context = self._lesson_context(request)
        return (
            context["completed"],
            tuple(sorted(context["passed_question_ids"])),
            tuple(item.label for item in context["outstanding"]),
            tuple(
                (block_id, tuple(step.chosen for step in state.steps))
                for block_id, state in sorted(context["drills"].items())
            ),
        )

    def serve(self, request, *args, **kwargs):
        from courses.study import selectors, services

        if not getattr(request, "is_preview", False):
            course = selectors.live_course_of(self, request=request)
            if course is None:
                raise Http404
            request.lesson_course = course
            if request.user.is_authenticated:
                # One read for the visit and for what the page shows of the learner.
                progress = selectors.learner_progress(request.user, course=course, lesson=self)
                request.lesson_progress = progress
                services.record_visit(
                    learner=request.user, lesson=self, course=course, progress=progress
                )
        return super().serve(request, *args, **kwargs)


class Enrolment(models.Model):
    """A learner's enrolment (选课) in a course, with where they left off and when they finished."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        on_delete=models.CASCADE,
        related_name="course_enrolments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(_("选课时间"), auto_now_add=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("组织者统一安排时记录安排人；学员自己选课时为空。"),
    )
    last_lesson = models.ForeignKey(
        LessonPage,
        verbose_name=_("上次学到"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_visited_at = models.DateTimeField(_("最近学习"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("选课")
        verbose_name_plural = _("选课")
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="one_enrolment_per_course")
        ]
        indexes = [models.Index(fields=["learner", "last_visited_at"])]
        permissions = [("enrol_organisation", _("可为整个机构的学员统一选课"))]

    def __str__(self) -> str:
        return f"{self.learner} → {self.course}"


class LessonCompletion(models.Model):
    """A lesson a learner has finished (marked complete or read to the end)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("完成时间"))

    class Meta:
        verbose_name = _("课时完成记录")
        verbose_name_plural = _("课时完成记录")
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="one_completion_per_lesson")
        ]
        indexes = [
            models.Index(fields=["learner", "course"]),
            # Lessons completed per week across an organisation (courses.reports.activity).
            models.Index(fields=["completed_at"], name="lessoncompletion_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} ✓ {self.lesson_id}"


class CheckResult(models.Model):
    """Whether a learner has answered a knowledge-check question of a lesson right.

    The answers themselves are practice records of the question bank; this keeps only what
    course completion needs: ``passed`` turns true on the first right answer and stays so.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_check_results"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey("exams.Question", on_delete=models.CASCADE, related_name="+")
    passed = models.BooleanField(_("已答对"), default=False)
    attempts = models.PositiveIntegerField(_("作答次数"), default=0)
    updated_at = models.DateTimeField(_("最近作答"), auto_now=True)

    class Meta:
        verbose_name = _("随堂测验结果")
        verbose_name_plural = _("随堂测验结果")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson", "question"], name="one_check_result_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.question_id} {'✓' if self.passed else '✗'}"


class DrillChoice(models.Model):
    """The choice a learner made at one step of a lesson's drill (模拟演练).

    The first choice at a step is the one scored, as in a real situation: the feedback and the
    recommended course of action are shown only once it is made, and a second try at the same
    step changes nothing (the unique constraint also keeps double taps to one row).
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drill_choices"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    #: The drill block's id in the lesson's body (a StreamField block id).
    block_id = models.CharField(max_length=64)
    step = models.PositiveSmallIntegerField(_("步骤"))
    choice = models.PositiveSmallIntegerField(_("所选做法"))
    recommended = models.BooleanField(_("是推荐做法"))
    chosen_at = models.DateTimeField(_("选择时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演练选择")
        verbose_name_plural = _("演练选择")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "lesson", "block_id", "step"], name="one_choice_per_drill_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.block_id}:{self.step}→{self.choice}"


#: Exam levels a training track may target, with "none" for workers not sitting the exam.
NOT_SITTING = "none"


class TrainingTrack(ClusterableModel):
    """A training track (培训方案) of the programme's 分级分层: the courses meant for workers of
    some post types (正职/副职/一般工作人员, 岗位类别), a band of the 18-grade pay scale (等级)
    and some exam levels (报考级别), as the roster records them.

    A criterion left empty matches everyone; a learner's track is the most specific one that
    matches them (``courses.tracks.selectors``), so a general track can sit beside narrower ones.
    """

    name = models.CharField(_("方案名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    post_types = models.JSONField(_("岗位类别"), default=list, blank=True)
    grade_min = models.PositiveSmallIntegerField(
        _("最低等级"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    grade_max = models.PositiveSmallIntegerField(
        _("最高等级"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    exam_levels = models.JSONField(_("报考级别"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("同样具体的方案中，数字小的优先。")
    )

    class Meta:
        verbose_name = _("培训方案")
        verbose_name_plural = _("培训方案")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.grade_min and self.grade_max and self.grade_min > self.grade_max:
            raise ValidationError({"grade_max": _("最高等级不能低于最低等级。")})


class TrackCourse(Orderable):
    """A course of a training track, in the order the track takes them."""

    track = ParentalKey(TrainingTrack, on_delete=models.CASCADE, related_name="track_courses")
    course = models.ForeignKey(
        CoursePage, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        verbose_name = _("方案课程")
        verbose_name_plural = _("方案课程")


class DashboardSnapshot(models.Model):
    """The organiser dashboard's figures for one scope, kept in the database (issue 21.3).

    A prefecture-wide dashboard scans every learner's study rows; the figures are therefore
    computed by a task (after the events that change them, debounced, and on a schedule:
    ``courses.reports.snapshot``) and the page only reads this row and says when it was
    computed (数据更新于 HH:MM). ``key`` names the scope and the training rule it was computed
    for (``snapshot._key``); ``data`` is the figures, pickled as the cache would keep them.
    """

    key = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(
        "learning.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.BinaryField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")

    def __str__(self) -> str:
        return self.key
