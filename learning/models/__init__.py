"""Models of the learner core, one module per topic, re-exported here."""

from .organisations import Organisation
from .pages import HomePage
from .profiles import LearnerProfile, Organiser
from .tokens import ApiToken
from .users import User

__all__ = [
    "ApiToken",
    "HomePage",
    "LearnerProfile",
    "Organisation",
    "Organiser",
    "User",
]
