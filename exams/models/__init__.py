"""Models of the question bank and practice, one module per topic, re-exported here."""

from .practice import DailySet, DailySetItem, Favourite, PracticeAnswer, WrongAnswer
from .questions import (
    Level,
    Option,
    Question,
    QuestionBank,
    QuestionKnowledgePoint,
    QuestionType,
    QuestionVersion,
    Subject,
)

__all__ = [
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
]
