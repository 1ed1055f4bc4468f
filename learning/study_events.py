"""Events of the learner core that the apps above it react to, without the core importing them.

DESIGN.md's direction runs courses -> exams -> learning: a roster import (learning) or a
finished attempt (exams) must not reach into ``courses`` to say the organisers' dashboard is
stale. They send ``figures_changed``; ``courses`` connects its snapshot refresh to it.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Something the organisers' figures count changed: learners, enrolments, completions,
#: finished attempts. Receivers must be cheap (the snapshot refresh queues a debounced task).
figures_changed = Signal()


def announce_figures_changed(sender: object) -> None:
    figures_changed.send(sender=sender)
