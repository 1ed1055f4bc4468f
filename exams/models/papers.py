"""Mock exam papers (模拟测试试卷): fixed lists of questions or blueprints drawn per attempt."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .questions import Level, Question, QuestionBank, QuestionType, Subject


class Paper(ClusterableModel):
    """An exam paper organisers assemble and learners sit against the clock.

    A *fixed* paper lists its questions in order (:class:`PaperQuestion`); a *blueprint*
    paper (组卷规则) draws them per attempt from :class:`BlueprintRule` rows, so two learners
    may get different but equivalent papers. Either way an attempt freezes what it drew.
    """

    class Kind(models.TextChoices):
        FIXED = "fixed", _("固定试题")
        BLUEPRINT = "blueprint", _("按规则抽题")

    class GradingMethod(models.TextChoices):
        """Which attempt counts when a learner sits the paper several times."""

        HIGHEST = "highest", _("最高分")
        LAST = "last", _("最后一次")
        FIRST = "first", _("第一次")
        AVERAGE = "average", _("平均分")

    class ReviewContent(models.TextChoices):
        SCORE = "score", _("只显示成绩")
        FULL = "full", _("显示答案与解析")

    class ReviewTiming(models.TextChoices):
        IMMEDIATELY = "immediately", _("交卷后立即")
        AFTER_CLOSE = "after_close", _("考试关闭后")

    title = models.CharField(_("试卷名称"), max_length=200)
    description = models.TextField(_("考试说明"), blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, blank=True)
    subject = models.CharField(_("科目"), max_length=16, choices=Subject.choices, blank=True)
    kind = models.CharField(_("组卷方式"), max_length=12, choices=Kind.choices, default=Kind.FIXED)
    time_limit_minutes = models.PositiveIntegerField(
        _("考试时长（分钟）"), default=120, validators=[MinValueValidator(1)]
    )
    pass_score = models.DecimalField(_("及格分"), max_digits=6, decimal_places=1, default=60)
    opens_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("允许次数"), default=0, help_text=_("0 表示不限次数。")
    )
    grading_method = models.CharField(
        _("多次作答计分"),
        max_length=10,
        choices=GradingMethod.choices,
        default=GradingMethod.HIGHEST,
    )
    shuffle_questions = models.BooleanField(_("题目乱序"), default=False)
    shuffle_options = models.BooleanField(_("选项乱序"), default=False)
    multiple_choice_rule = models.CharField(
        _("多选题计分"),
        max_length=16,
        choices=[
            ("partial", _("错选不得分，少选每个正确选项得四分之一")),
            ("all_or_nothing", _("全对才得分")),
        ],
        default="partial",
    )
    review_content = models.CharField(
        _("交卷后可查看"), max_length=8, choices=ReviewContent.choices, default=ReviewContent.FULL
    )
    review_timing = models.CharField(
        _("查看时间"),
        max_length=12,
        choices=ReviewTiming.choices,
        default=ReviewTiming.IMMEDIATELY,
    )
    target_organisations = ParentalManyToManyField(
        "learning.Organisation",
        verbose_name=_("面向机构"),
        blank=True,
        related_name="+",
        help_text=_("包含其下级机构；不选表示面向全部学员。"),
    )
    target_levels = models.JSONField(
        _("面向报考级别"), default=list, blank=True, help_text=_("不选表示不限报考级别。")
    )
    is_published = models.BooleanField(_("已发布"), default=False)
    #: 模考大赛: opens for its whole audience at ``opens_at`` (one announced minute), for
    #: registered learners only, and ranks everyone at ``closes_at`` (see exams.contests.services).
    is_contest = models.BooleanField(
        _("模考大赛"),
        default=False,
        help_text=_("在统一的开考时间向面向对象开放，需先报名；考试关闭后公布排名。"),
    )
    registration_closes_at = models.DateTimeField(
        _("报名截止时间"), null=True, blank=True, help_text=_("留空表示开考时截止报名。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("模拟试卷")
        verbose_name_plural = _("模拟试卷")
        ordering = ["-opens_at", "-pk"]
        permissions = [("view_paper_statistics", _("可查看试卷统计"))]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("关闭时间必须晚于开放时间。")})
        if self.is_contest:
            if not self.opens_at:
                raise ValidationError({"opens_at": _("模考大赛必须设定开考时间。")})
            if not self.closes_at:
                # One sitting for everyone: the contest closes when the opening minute's
                # candidates run out of time.
                self.closes_at = self.opens_at + timedelta(minutes=self.time_limit_minutes)
            if self.registration_closes_at and self.registration_closes_at > self.closes_at:
                raise ValidationError(
                    {"registration_closes_at": _("报名截止时间不能晚于考试关闭时间。")}
                )

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_published
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )

    def layout(self) -> list[tuple[int, Decimal]]:
        """(question count, max score) of what an attempt holds; uses prefetched inlines."""
        if self.kind == self.Kind.FIXED:
            items = list(self.paper_questions.all())
            return [(len(items), sum((i.effective_score for i in items), start=Decimal(0)))]
        return [(rule.count, rule.score * rule.count) for rule in self.rules.all()]

    @property
    def question_count(self) -> int:
        return sum(count for count, _score in self.layout())

    @property
    def max_score(self) -> Decimal:
        return sum((score for _count, score in self.layout()), start=Decimal(0))


class PaperQuestion(Orderable):
    """A question of a fixed paper, in order, with the points it is worth on this paper."""

    paper = ParentalKey(Paper, on_delete=models.CASCADE, related_name="paper_questions")
    question = models.ForeignKey(
        Question,
        verbose_name=_("题目"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
    )
    score = models.DecimalField(
        _("分值"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("留空则用题目的默认分值。"),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("试卷题目")
        verbose_name_plural = _("试卷题目")

    def __str__(self) -> str:
        return f"{self.paper_id} #{self.sort_order} {self.question_id}"

    @property
    def effective_score(self) -> Decimal:
        if self.score is not None:
            return self.score
        return self.question.score if self.question_id else Decimal(0)


class BlueprintRule(Orderable):
    """One line of a blueprint: "draw ``count`` questions of ``type`` from this pool".

    ``chapters`` lists one chapter per line, optionally with a weight (``第三章 社会工作价值观=2``);
    the count is spread over the chapters in proportion to their weights (largest remainder),
    and a chapter short of questions hands its share to the others.
    """

    paper = ParentalKey(Paper, on_delete=models.CASCADE, related_name="rules")
    question_type = models.CharField(_("题型"), max_length=16, choices=QuestionType.choices)
    count = models.PositiveSmallIntegerField(_("题数"), validators=[MinValueValidator(1)])
    score = models.DecimalField(_("每题分值"), max_digits=5, decimal_places=1, default=1)
    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("题库"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("包含下级分类；留空表示全部题库。"),
    )
    subject = models.CharField(_("科目"), max_length=16, choices=Subject.choices, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, blank=True)
    chapters = models.TextField(
        _("章节及权重"),
        blank=True,
        help_text=_("每行一个章节，可写“章节名=权重”；留空表示不限章节。"),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")

    def __str__(self) -> str:
        return f"{self.get_question_type_display()} ×{self.count}"

    def chapter_weights(self) -> dict[str, Decimal]:
        weights: dict[str, Decimal] = {}
        for line in self.chapters.splitlines():
            name, _sep, weight = line.strip().partition("=")
            if not name.strip():
                continue
            try:
                value = Decimal(weight.strip()) if weight.strip() else Decimal(1)
            except ArithmeticError:
                value = Decimal(-1)
            weights[name.strip()] = value
        return weights

    def clean(self) -> None:
        super().clean()
        if any(weight <= 0 for weight in self.chapter_weights().values()):
            raise ValidationError({"chapters": _("章节权重必须是正数，例如“第一章=2”。")})


class PaperVariant(models.Model):
    """A drawing of the paper made ahead of the exam (issue 21: fast start).

    Drawing 80 questions from a bank per start reads the whole pool and every question's
    content; at a province's opening minute that is the bottleneck. A few variants are drawn
    when the paper is published or its rules change (``exams.papers.variants``) and a start copies
    one: ``items`` lists ``[question id, version id, score, skeleton]`` in paper order (the
    skeleton is the option keys, all a start needs to shuffle them, and the version's
    fingerprint, which names the questions' JSON kept by the workers, exams.attempts.shown_json). ``rules_key`` is the hash
    of what the drawing depends on, so variants of changed rules are never used.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="variants")
    rules_key = models.CharField(max_length=64)
    number = models.PositiveSmallIntegerField()
    items = models.JSONField(default=list)
    max_score = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    prepared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "rules_key", "number"], name="unique_paper_variant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} variant {self.number}"
