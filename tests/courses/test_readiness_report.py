"""Organisers' pass prediction (通过预测): bands per organisation, chart and export."""

from __future__ import annotations

from django.utils import timezone

from exams.models import LearnerReadiness
from learning.models import LearnerProfile
from tests.courses.test_reports import REPORTS, organiser_of, sheet_rows, world  # noqa: F401


def _predict(probabilities: dict[str, list[float | None]]):
    """Store per-subject probabilities for each candidate, by community name, in order."""
    now = timezone.now()
    for community, values in probabilities.items():
        profiles = (
            LearnerProfile.objects.filter(organisation__name=community)
            .exclude(exam_level="")
            .order_by("pk")
        )
        for profile, p in zip(profiles, values, strict=False):
            for subject, shift in (("comprehensive", 0.0), ("practice", 0.1)):
                LearnerReadiness.objects.create(
                    learner=profile.user,
                    subject=subject,
                    level="junior",
                    ability=0,
                    ability_se=0.3,
                    answers_used=50,
                    pass_probability=None if p is None else min(1.0, p + shift),
                    updated_at=now,
                )


def test_candidates_are_banded_by_their_weakest_subject(client, world):  # noqa: F811
    _predict({"幸福里社区": [0.8, 0.35], "和平社区": [0.5]})
    client.force_login(organiser_of(None))
    response = client.get(REPORTS, {"org": world.chengguan.pk})
    rows = {row.name: row.bands for row in response.context["readiness_rows"]}
    assert (rows["幸福里社区"].likely, rows["幸福里社区"].at_risk) == (1, 1)
    assert rows["和平社区"].borderline == 1
    total = response.context["readiness_total"].bands
    assert total.expected_passes == 1.6
    assert total.low <= 1.6 <= total.high
    assert "通过预测" in response.content.decode()


def test_candidates_without_an_estimate_are_counted_apart(client, world):  # noqa: F811
    _predict({"幸福里社区": [None]})
    client.force_login(organiser_of(world.chengguan))
    response = client.get(REPORTS)
    total = response.context["readiness_total"].bands
    assert total.unknown == 3 and total.expected_passes == 0


def test_export_has_a_pass_prediction_sheet(client, world):  # noqa: F811
    _predict({"幸福里社区": [0.8, 0.35], "和平社区": [0.5]})
    client.force_login(organiser_of(None))
    response = client.get(f"{REPORTS}export/", {"org": world.chengguan.pk})
    rows = sheet_rows(response, "通过预测")
    assert rows[0][:6] == ("机构", "有望通过", "临界", "有风险", "数据不足", "预计通过人数")
    assert rows[-1][:6] == ("合计", 1, 1, 1, 0, 1.6)
