"""The question bank (题库): banks, questions, their options and frozen versions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from treebeard.mp_tree import MP_Node
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from learning.platform.html_safety import clean_rich_text


class QuestionType(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")
    #: A case text with several choice sub-questions, graded automatically (案例分析).
    CASE_ANALYSIS = "case_analysis", _("案例分析（选择）")
    #: Free text marked by a lecturer against the model answer and marking points (案例问答).
    CASE_ESSAY = "case_essay", _("案例问答（主观）")


#: Types whose answer is a set of option keys.
CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE}


class Subject(models.TextChoices):
    """The exam subjects (科目) of the certification."""

    COMPREHENSIVE = "comprehensive", _("社会工作综合能力")
    PRACTICE = "practice", _("社会工作实务")
    REGULATIONS = "regulations", _("社会工作法规与政策")


class Level(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")


OPTION_KEYS = "ABCDE"


class QuestionBank(MP_Node):
    """A bank or category of questions (题库/分类); banks nest, like Moodle's categories."""

    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("题库")
        verbose_name_plural = _("题库")

    def __str__(self) -> str:
        return self.name

    @property
    def indented_name(self) -> str:
        return "\u3000" * (self.depth - 1) + self.name

    def subtree(self):
        return QuestionBank.objects.filter(path__startswith=self.path)

    def category_path(self) -> str:
        """Names from the root bank down to this one, joined with ``/`` like Moodle's."""
        return "/".join([n.name for n in self.get_ancestors()] + [self.name])


class QuestionKnowledgePoint(TaggedItemBase):
    """A knowledge point (知识点) attached to a question."""

    content_object = ParentalKey(
        "exams.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(index.Indexed, ClusterableModel):
    """One question as authors edit it now; learners are graded against :class:`QuestionVersion`.

    A case analysis (案例分析) owns its choice sub-questions through ``parent``; they are
    questions themselves (single or multiple), never listed or practised on their own.
    """

    bank = models.ForeignKey(
        QuestionBank, verbose_name=_("题库"), on_delete=models.PROTECT, related_name="questions"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属案例"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sub_questions",
        help_text=_("案例分析的小题填所属案例；普通题目留空。"),
    )
    position = models.PositiveSmallIntegerField(_("小题序号"), default=0)
    type = models.CharField(_("题型"), max_length=16, choices=QuestionType.choices)
    name = models.CharField(
        _("标题"), max_length=200, blank=True, help_text=_("便于查找的简短名称，可不填。")
    )
    stem = RichTextField(_("题干"), help_text=_("可以插入图片；案例题在此填写案例材料。"))
    explanation = RichTextField(_("解析"), blank=True)
    model_answer = RichTextField(_("参考答案"), blank=True, help_text=_("案例问答题使用。"))
    marking_points = models.TextField(
        _("答题要点"), blank=True, help_text=_("案例问答题的评分要点，每行一条。")
    )
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    subject = models.CharField(_("科目"), max_length=16, choices=Subject.choices, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=Level.choices, blank=True)
    chapter = models.CharField(_("章节"), max_length=100, blank=True, db_index=True)
    knowledge_points = ClusterTaggableManager(
        verbose_name=_("知识点"), through=QuestionKnowledgePoint, blank=True
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    valid_as_of = models.DateField(
        _("依据截至"),
        null=True,
        blank=True,
        help_text=_("法规政策题所依据的法规版本日期；法规修订后请核对并标记过时。"),
    )
    is_outdated = models.BooleanField(
        _("已过时"), default=False, help_text=_("所依据的法规政策已修订，暂停用于练习和组卷。")
    )
    exam_only = models.BooleanField(
        _("仅用于组卷"),
        default=False,
        help_text=_("只用于模拟考试组卷：不进入练习，也不在练习或课程中显示答案。"),
    )
    score = models.DecimalField(_("默认分值"), max_digits=5, decimal_places=1, default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    search_fields = [
        index.SearchField("stem"),
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("type"),
        index.FilterField("subject"),
        index.FilterField("level"),
        index.FilterField("chapter"),
        index.FilterField("difficulty"),
        index.FilterField("is_outdated"),
        index.FilterField("parent_id"),
    ]

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["bank", "chapter", "pk"]
        indexes = [models.Index(fields=["subject", "level", "chapter"])]

    def __str__(self) -> str:
        from django.utils.html import strip_tags
        from django.utils.text import Truncator

        return self.name or Truncator(strip_tags(self.stem)).chars(40)

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    def save(self, *args, **kwargs):
        self.sanitise()
        super().save(*args, **kwargs)

    def sanitise(self) -> None:
        """Scripts and event handlers out of the rich text (learning.platform.html_safety); importers
        that ``bulk_create`` call it themselves."""
        for name in ("stem", "explanation", "model_answer"):
            setattr(self, name, clean_rich_text(getattr(self, name)))

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            raise ValidationError({"type": _("案例分析的小题只能是单选题或多选题。")})
        if self.pk is None:
            return  # options are checked by whoever creates them (service, admin form)
        errors = option_errors(self.type, [(o.key, o.is_correct) for o in self.options.all()])
        if errors:
            raise ValidationError(errors)


def option_errors(question_type: str, options: list[tuple[str, bool]]) -> list[str]:
    """Why these (key, is_correct) options do not fit the type; empty when they do.

    The real exam: single choice has exactly one right option; multiple choice at least two
    right and at least one wrong; true/false exactly the two options 正确/错误.
    """
    errors: list[str] = []
    keys = [key for key, _right in options]
    right = sum(1 for _key, is_right in options if is_right)
    if question_type not in CHOICE_TYPES:
        if options:
            errors.append(_("该题型没有选项。"))
        return errors
    if len(set(keys)) != len(keys):
        errors.append(_("选项字母不能重复。"))
    if any(key not in OPTION_KEYS for key in keys):
        errors.append(_("选项字母只能是 A 到 E。"))
    if question_type == QuestionType.SINGLE:
        if len(options) < 2:
            errors.append(_("单选题至少要有两个选项。"))
        if right != 1:
            errors.append(_("单选题必须有且只有一个正确选项。"))
    elif question_type == QuestionType.MULTIPLE:
        if right < 2:
            errors.append(_("多选题至少要有两个正确选项。"))
        if len(options) - right < 1:
            errors.append(_("多选题至少要有一个错误选项。"))
    elif question_type == QuestionType.TRUE_FALSE:
        if len(options) != 2 or right != 1:
            errors.append(_("判断题必须恰好有“正确”“错误”两个选项，其中一个为正确答案。"))
    return errors


class Option(Orderable):
    """A choice of a question. ``fraction`` keeps GIFT/Moodle weights (percent) for round trips."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("字母"), max_length=1)
    text = models.TextField(_("选项内容"))
    is_correct = models.BooleanField(_("正确"), default=False)
    fraction = models.DecimalField(
        _("权重（%）"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text=_("导入自 GIFT/Moodle 的得分百分比；留空时正确选项按 100% 计。"),
    )
    feedback = models.TextField(_("选项反馈"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("选项")
        verbose_name_plural = _("选项")

    def __str__(self) -> str:
        return f"{self.key}. {self.text}"

    @property
    def weight(self) -> Decimal:
        if self.fraction is not None:
            return self.fraction
        return Decimal(100) if self.is_correct else Decimal(0)


class QuestionVersion(models.Model):
    """An immutable snapshot of a question as a learner saw it (stem, options, answer, 解析).

    Answers and attempts point here, never at the live :class:`Question`, so an author's later
    edit never regrades the past. ``exams.bank.versions.current_version`` creates one lazily when
    the live question differs from its newest snapshot.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    fingerprint = models.CharField(max_length=64)
    snapshot = models.JSONField(_("快照"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("题目版本")
        verbose_name_plural = _("题目版本")
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="unique_question_version")
        ]
        ordering = ["question", "-number"]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("题目版本不可修改。"))
        super().save(*args, **kwargs)
