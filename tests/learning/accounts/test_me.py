def test_me_returns_the_contract_shape_with_the_full_phone(client, learner, token_for):
    body = client.get("/api/v1/me", **token_for(learner)).json()
    assert set(body) >= {"id", "name", "phone", "organisation", "exam_level", "exam_date", "points"}
    assert body["phone"] == learner.phone
    assert body["organisation"]["name"] == "幸福里社区"
    assert body["organisation"]["path"] == "清河县 / 城关镇 / 幸福里社区"
    assert body["exam_level"] == "junior"
    assert set(body["points"]) == {"total", "week", "month"}


def test_me_for_a_staff_account_without_profile(client, db, token_for):
    from learning.models import User

    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="x")
    body = client.get("/api/v1/me", **token_for(admin)).json()
    assert body["organisation"] is None and body["exam_level"] == ""


def test_openapi_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"] and "/api/v1/me" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_me_points_come_from_the_ledger(client, learner, token_for):
    from datetime import timedelta

    from django.utils import timezone

    from learning.models import PointRule
    from learning.points.ledger import award

    # The token request itself would add the day's log-in point.
    PointRule.objects.filter(action="daily_login").update(active=False)
    award(learner=learner, action="course_completed", key="c1")
    award(
        learner=learner,
        action="course_completed",
        key="c2",
        now=timezone.now() - timedelta(days=70),
    )
    points = client.get("/api/v1/me", **token_for(learner)).json()["points"]
    assert points == {"total": 20, "week": 10, "month": 10}
