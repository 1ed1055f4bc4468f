"""Pass prediction per organisation (通过预测): registered candidates by predicted band.

Each candidate's probability is the lowest over their subjects from the nightly calibration
(``exams.readiness``): a candidate passes the certification only by passing every subject.
One query reads every candidate of the subtree with that probability; the bands and the
expected number of passes (with a 90 % interval) are counted per child organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Min, OuterRef, Subquery

from courses.reports.coverage import candidate_q, children_of, scoped_profiles
from exams.models import LearnerReadiness
from exams.readiness.service import Bands, bands
from learning.models import Organisation


@dataclass(frozen=True)
class ReadinessRow:
    organisation: Organisation | None
    bands: Bands

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation else ""


def candidate_probabilities(organisation: Organisation | None) -> list[tuple[str, float | None]]:
    """(organisation path, lowest pass probability or None) of every candidate in the subtree."""
    lowest = (
        LearnerReadiness.objects.filter(learner=OuterRef("user_id"))
        .values("learner")
        .annotate(p=Min("pass_probability"))
        .values("p")
    )
    return list(
        scoped_profiles(organisation)
        .filter(candidate_q())
        .annotate(p=Subquery(lowest))
        .values_list("organisation__path", "p")
    )


def readiness(organisation: Organisation | None) -> tuple[list[ReadinessRow], ReadinessRow]:
    """One row per child organisation and the total line (2 queries)."""
    found = candidate_probabilities(organisation)
    rows = []
    for child in children_of(organisation):
        rows.append(
            ReadinessRow(child, bands([p for path, p in found if path.startswith(child.path)]))
        )
    return rows, ReadinessRow(None, bands([p for _path, p in found]))
