"""Models of the question bank and practice, one module per topic, re-exported here."""

from .attempts import Attempt, AttemptQuestion
from .calendar import ExamSlot, ExamYear
from .contests import ContestRegistration
from .papers import BlueprintRule, Paper, PaperQuestion, PaperVariant
from .practice import (
    DailySet,
    DailySetItem,
    Favourite,
    PracticeAnswer,
    PracticeSession,
    WrongAnswer,
)
from .questions import (
    CHOICE_TYPES,
    OPTION_KEYS,
    Level,
    Option,
    Question,
    QuestionBank,
    QuestionKnowledgePoint,
    QuestionType,
    QuestionVersion,
    Subject,
    option_errors,
)
from .readiness import ItemCalibration, LearnerReadiness

__all__ = [
    "CHOICE_TYPES",
    "OPTION_KEYS",
    "Attempt",
    "AttemptQuestion",
    "BlueprintRule",
    "ContestRegistration",
    "Paper",
    "PaperQuestion",
    "PaperVariant",
    "DailySet",
    "ExamSlot",
    "ExamYear",
    "DailySetItem",
    "Favourite",
    "ItemCalibration",
    "LearnerReadiness",
    "Level",
    "Option",
    "PracticeAnswer",
    "PracticeSession",
    "Question",
    "QuestionBank",
    "QuestionKnowledgePoint",
    "QuestionType",
    "QuestionVersion",
    "Subject",
    "WrongAnswer",
    "option_errors",
]
