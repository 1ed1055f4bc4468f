"""Practice (练习): answers, the wrong-answer book (错题本), favourites (收藏), daily sets (每日一练)
and practice sessions (一组练习)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .questions import Question, QuestionVersion


class PracticeAnswer(models.Model):
    """One answer a learner gave outside a graded attempt, or a graded attempt's answer reported
    to the book. Accuracy, questions done and streaks are all derived from these rows."""

    class Mode(models.TextChoices):
        CHAPTER = "chapter", _("章节练习")
        DAILY = "daily", _("每日一练")
        WRONG_BOOK = "wrong_book", _("错题重练")
        FAVOURITE = "favourite", _("收藏练习")
        EXAM = "exam", _("模拟考试")
        LESSON = "lesson", _("课程随堂练习")

    # Every answer writes an entry in each index: learner and question are indexed only by
    # the indexes below, which start with them.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_answers",
        db_index=False,
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("方式"), max_length=12, choices=Mode.choices)
    answer = models.JSONField(_("作答"))
    correct = models.BooleanField(_("正确"))
    local_date = models.DateField(_("日期"))
    answered_at = models.DateTimeField(_("作答时间"), default=timezone.now)
    #: The practice session (一组练习) the answer was given in, if any: its summary is read
    #: from these rows. Not indexed: a session's answers are read through the
    #: (learner, question) index, which every such read names.
    session = models.ForeignKey(
        "PracticeSession",
        verbose_name=_("练习组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        db_index=False,
    )

    class Meta:
        verbose_name = _("练习记录")
        verbose_name_plural = _("练习记录")
        indexes = [
            models.Index(fields=["learner", "local_date"]),
            models.Index(fields=["learner", "question"]),
            # The organisers' reports (courses.reports.activity): accuracy per question and
            # answers per week are read from these indexes alone, never from the rows.
            models.Index(fields=["question", "mode", "correct"], name="practice_question_right"),
            models.Index(fields=["local_date", "mode"], name="practice_date_mode"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.question_id} {'✓' if self.correct else '✗'}"


class WrongAnswer(models.Model):
    """An entry of a learner's wrong-answer book (错题本).

    Every wrong answer lands here; answering right twice in a row on different local days
    (``right_streak`` counts days, ``last_right_date`` stops the same day counting twice)
    marks it mastered, which takes it out of the book until it is answered wrongly again.
    """

    # Indexed by the unique constraint, which starts with it.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wrong_answers",
        db_index=False,
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    wrong_count = models.PositiveIntegerField(_("错误次数"), default=0)
    last_wrong_at = models.DateTimeField(_("最近答错"))
    right_streak = models.PositiveSmallIntegerField(_("连续答对天数"), default=0)
    last_right_date = models.DateField(_("最近答对日期"), null=True, blank=True)
    mastered_at = models.DateTimeField(_("掌握时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("错题")
        verbose_name_plural = _("错题本")
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="unique_wrong_answer")
        ]
        indexes = [models.Index(fields=["learner", "mastered_at", "last_wrong_at"])]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.question_id} ×{self.wrong_count}"


class Favourite(models.Model):
    """A question a learner saved to come back to (收藏)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_questions"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="unique_favourite")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} ♥ {self.question_id}"


class DailySet(models.Model):
    """A learner's 10 questions for one local day (每日一练): chosen once, the same all day."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_sets"
    )
    date = models.DateField(_("日期"))
    questions = models.ManyToManyField(Question, through="DailySetItem", related_name="+")
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("每日一练")
        verbose_name_plural = _("每日一练")
        constraints = [models.UniqueConstraint(fields=["learner", "date"], name="unique_daily_set")]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.date}"


class DailySetItem(models.Model):
    daily_set = models.ForeignKey(DailySet, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["daily_set", "question"], name="unique_daily_set_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.daily_set_id} #{self.position}"


class PracticeSession(models.Model):
    """One run through a fixed list of questions, one per screen, ending in a summary.

    The list is frozen when the session starts (``question_ids``), so a reload shows the same
    questions in the same order; the answers given in it point back to it
    (``PracticeAnswer.session``) and everything the summary says is derived from them.
    """

    class Kind(models.TextChoices):
        DAILY = "daily", _("每日一练")
        CHAPTER = "chapter", _("章节练习")
        WRONG_BOOK = "wrong_book", _("错题重做")
        RETRY = "retry", _("重做错题")
        FAVOURITE = "favourite", _("收藏练习")
        SMART = "smart", _("智能练习")
        DUE = "due", _("今日待复习")
        EXTRA = "extra", _("加练一组")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    #: The mode its answers are recorded in (``PracticeAnswer.Mode``): it decides points and
    #: whether they count towards the day's 每日一练.
    mode = models.CharField(_("方式"), max_length=12, choices=PracticeAnswer.Mode.choices)
    #: The scope it was drawn from; blank where the kind has none.
    subject = models.CharField(_("科目"), max_length=16, blank=True)
    level = models.CharField(_("级别"), max_length=16, blank=True)
    chapter = models.CharField(_("章节"), max_length=100, blank=True)
    knowledge_point = models.CharField(_("知识点"), max_length=100, blank=True)
    question_ids = models.JSONField(_("题目"))
    local_date = models.DateField(_("日期"))
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)

    class Meta:
        verbose_name = _("练习组")
        verbose_name_plural = _("练习组")
        indexes = [models.Index(fields=["learner", "local_date", "kind"])]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.kind} {self.local_date}"
