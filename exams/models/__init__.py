"""Models of the question bank and practice, one module per topic, re-exported here."""

from .practice import DailySet, DailySetItem, Favourite, PracticeAnswer, WrongAnswer
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

__all__ = [
    "CHOICE_TYPES",
    "OPTION_KEYS",
    "DailySet",
    "DailySetItem",
    "Favourite",
    "Level",
    "Option",
    "PracticeAnswer",
    "Question",
    "QuestionBank",
    "QuestionKnowledgePoint",
    "QuestionType",
    "QuestionVersion",
    "Subject",
    "WrongAnswer",
    "option_errors",
]
