import pytest

from learning.models import PointRule
from learning.points.ledger import award


@pytest.fixture(autouse=True)
def _no_login_points(db):
    """Log-in points are tested on their own; here they would shift the expected numbers."""
    PointRule.objects.filter(action="daily_login").update(active=False)


def test_history_lists_my_entries_newest_first(client, learner, make_learner, token_for):
    other = make_learner(name="别人")
    award(learner=learner, action="lesson_completed", key="l1", note="第一课")
    award(learner=learner, action="course_completed", key="c1")
    award(learner=other, action="course_completed", key="c1")
    body = client.get("/api/v1/points/history", **token_for(learner)).json()
    assert body["count"] == 2
    first = body["items"][0]
    assert set(first) >= {"action", "points", "created_at", "note"}
    assert (first["action"], first["points"]) == ("course_completed", 10)
    assert body["items"][1]["note"] == "第一课"
    assert "+08:00" in first["created_at"]


def test_history_is_paginated(client, learner, token_for):
    for index in range(5):
        award(learner=learner, action="course_completed", key=f"c{index}")
    body = client.get("/api/v1/points/history?page=2&page_size=2", **token_for(learner)).json()
    assert body["count"] == 5 and len(body["items"]) == 2


def test_leaderboard_has_the_contract_shape(client, learner, make_learner, token_for):
    other = make_learner(name="王芳")
    award(learner=other, action="course_completed", key="c1")
    award(learner=learner, action="lesson_completed", key="l1")
    body = client.get(
        "/api/v1/leaderboards?period=week&scope=community", **token_for(learner)
    ).json()
    assert set(body) >= {"items", "count", "me", "near_me"}
    assert body["count"] == 2
    top = body["items"][0]
    assert top["rank"] == 1 and top["points"] == 10
    assert top["learner"] == {
        "id": other.pk,
        "name": "王芳",
        "organisation": "幸福里社区",
        "organisation_id": other.profile.organisation_id,
    }
    assert body["me"] == {"rank": 2, "points": 2, "listed": True}
    assert [item["learner"]["id"] for item in body["near_me"]] == [other.pk, learner.pk]


@pytest.mark.parametrize(
    "query, fragment",
    [("period=year", "period"), ("scope=planet", "scope"), ("page_size=0", "page_size")],
)
def test_bad_leaderboard_parameters_are_422_with_a_clear_detail(
    client, learner, token_for, query, fragment
):
    response = client.get(f"/api/v1/leaderboards?{query}", **token_for(learner))
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_unknown_organisation_is_404(client, learner, token_for):
    response = client.get("/api/v1/leaderboards?organisation=999999", **token_for(learner))
    assert response.status_code == 404


def test_staff_without_a_community_must_name_an_organisation(client, db, community, token_for):
    from learning.models import User

    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="x")
    response = client.get("/api/v1/leaderboards?scope=street", **token_for(admin))
    assert response.status_code == 422 and "organisation" in response.json()["detail"]
    body = client.get(
        f"/api/v1/leaderboards?organisation={community.pk}", **token_for(admin)
    ).json()
    assert body["scope"] == "community"
    assert body["me"] == {"rank": None, "points": 0, "listed": False}


def test_a_learner_without_points_sees_they_are_not_listed_yet(
    client, learner, make_learner, token_for
):
    from learning.models import PointRule

    PointRule.objects.filter(action="daily_login").update(active=False)
    award(learner=make_learner(name="王芳"), action="course_completed", key="c1")
    headers = token_for(learner)
    me = client.get("/api/v1/leaderboards?period=week&scope=community", **headers).json()["me"]
    assert me == {"rank": 2, "points": 0, "listed": False}


def test_leaderboards_need_a_log_in(client, db):
    assert client.get("/api/v1/leaderboards").status_code == 401
    assert client.get("/api/v1/points/history").status_code == 401


def test_organisation_leaderboard_has_the_contract_shape(client, learner, token_for):
    award(learner=learner, action="course_completed", key="c1")
    body = client.get(
        "/api/v1/leaderboards/organisations?period=month&level=street", **token_for(learner)
    ).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert set(item) >= {"rank", "organisation", "members", "average_points"}
    assert item["organisation"]["name"] == "城关镇"
    assert (item["rank"], item["members"], item["average_points"]) == (1, 1, 10.0)
    assert body["me"]["organisation"]["name"] == "城关镇"


def test_bad_level_is_422(client, learner, token_for):
    response = client.get("/api/v1/leaderboards/organisations?level=planet", **token_for(learner))
    assert response.status_code == 422 and "level" in response.json()["detail"]


def test_leaderboard_request_is_a_handful_of_queries(
    client, learner, make_learner, token_for, django_assert_max_num_queries
):
    for index in range(60):
        award(learner=make_learner(name=f"学员{index}"), action="lesson_completed", key=str(index))
    headers = token_for(learner)
    client.get("/api/v1/leaderboards", **headers)  # the day's log-in check happens once
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/leaderboards?scope=street", **headers).json()
    assert len(body["items"]) == 50 and body["me"]["rank"] == 61


def test_points_routes_are_in_the_openapi_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/points/history",
        "/api/v1/leaderboards",
        "/api/v1/leaderboards/organisations",
    } <= set(paths)


def test_history_is_a_fixed_number_of_queries(
    client, learner, token_for, django_assert_max_num_queries
):
    for index in range(30):
        award(learner=learner, action="course_completed", key=f"c{index}")
    headers = token_for(learner)
    client.get("/api/v1/points/history", **headers)
    with django_assert_max_num_queries(3):  # token, count, page
        body = client.get("/api/v1/points/history", **headers).json()
    assert body["count"] == 30 and len(body["items"]) == 20


def test_a_cached_leaderboard_request_is_four_queries(
    client, learner, make_learner, token_for, django_assert_num_queries
):
    for index in range(60):
        award(learner=make_learner(name=f"学员{index}"), action="lesson_completed", key=str(index))
    headers = token_for(learner)
    client.get("/api/v1/leaderboards?period=week", **headers)  # the top 50 is kept
    # token, my community and points, the learners near me, the ranks
    with django_assert_num_queries(4):
        body = client.get("/api/v1/leaderboards?period=week", **headers).json()
    assert len(body["items"]) == 50 and body["me"]["rank"] == 61


def test_my_standing_on_a_kept_leaderboard_is_live(client, learner, make_learner, token_for):
    others = [make_learner(name=f"学员{index}") for index in range(3)]
    for index, other in enumerate(others):
        award(learner=other, action="manual_adjustment", key=str(index), points=10 * (index + 1))
    headers = token_for(learner)
    before = client.get("/api/v1/leaderboards?period=week", **headers).json()
    assert before["me"] == {"rank": 4, "points": 0, "listed": False}
    award(learner=learner, action="manual_adjustment", key="me", points=25)
    after = client.get("/api/v1/leaderboards?period=week", **headers).json()
    assert after["me"] == {"rank": 2, "points": 25, "listed": True}
    assert [(i["learner"]["id"], i["rank"], i["is_me"]) for i in after["items"]] == [
        (others[2].pk, 1, False),
        (learner.pk, 2, True),
        (others[1].pk, 3, False),
        (others[0].pk, 4, False),
    ]


@pytest.mark.parametrize(
    "query", ["period=week", "period=all&scope=community", "period=week&page=2&page_size=2"]
)
def test_leaderboard_bytes_are_the_schema_validated_answer(
    client, learner, make_learner, token_for, query
):
    """The leaderboard is written as ready JSON (learning.platform.ready_json): its bytes must be what
    ninja writes for the same data validated through LeaderboardOut."""
    from learning.api import api
    from learning.points.api import LeaderboardOut

    names = ['王"芳"', "李\\明", "张伟", "赵敏", "陈静"]
    for index, name in enumerate(names):
        award(learner=make_learner(name=name), action="manual_adjustment", key=name, points=index)
    award(learner=learner, action="manual_adjustment", key="me", points=2)
    response = client.get(f"/api/v1/leaderboards?{query}", **token_for(learner))
    assert response["Content-Type"] == api.get_content_type()
    body = response.json()
    assert body["items"] and body["near_me"] and body["me"]["listed"]
    validated = LeaderboardOut.model_validate(body).model_dump()
    assert response.content == api.renderer.render(None, validated, response_status=200).encode()
