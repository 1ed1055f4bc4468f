"""Bad input is refused or normalised at the edge, never a 500 (issue 16, item 4).

Run on SQLite and on PostgreSQL: PostgreSQL refuses NUL in text, SQLite refuses integers
beyond 64 bits, so each engine found defects the other did not.
"""

import json

import pytest

from learning.platform.ids import MAX_ID
from tests.conftest import PASSWORD

HUGE = "9223372036854775807"
HUGER = "99999999999999999999999"

FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")


def post_json(client, path, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", **extra)


def token_login(client, phone, password=PASSWORD):
    return post_json(client, "/api/v1/auth/token", {"phone": phone, "password": password})


def assert_refused(response, status=400):
    assert response.status_code == status, response.content[:300]
    assert isinstance(response.json()["detail"], str) and response.json()["detail"]


# --- phone numbers as Chinese input methods and chat apps deliver them ---------------------


@pytest.mark.parametrize(
    "spell",
    [
        lambda p: p.translate(FULL_WIDTH),
        lambda p: f"+86 {p[:3]} {p[3:7]} {p[7:]}".translate(FULL_WIDTH),
        lambda p: f"{p[:3]}－{p[3:7]}－{p[7:]}",
        lambda p: f"\u200f{p}",
        lambda p: f"\u202a{p}\u202c",
        lambda p: f"{p[:3]}\u200b{p[3:]}",
        lambda p: f"\ufeff{p}",
    ],
    ids=["full-width", "full-width +86", "full-width dashes", "rlm", "embedding", "zwsp", "bom"],
)
def test_token_log_in_takes_any_spelling_of_the_number(client, learner, spell):
    response = token_login(client, spell(learner.phone))
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"token", "expires_at"}


def test_token_log_in_with_a_number_that_is_none_is_401(client, learner):
    assert_refused(token_login(client, "abc"), 401)
    assert_refused(token_login(client, "١٣٨٠٠٠٠٠٠٠١"), 401)


def test_site_log_in_takes_full_width_digits(client, learner):
    client.post(
        "/accounts/login/",
        {"username": learner.phone.translate(FULL_WIDTH), "password": PASSWORD},
    )
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_admin_log_in_takes_a_number_with_a_direction_mark(client, learner):
    learner.is_staff = True
    learner.save()
    client.post("/admin/login/", {"username": f"\u200f{learner.phone}", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(learner.pk)


# --- control characters -------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["1380000\x000001", "13800000001\x00", "\x0013800000001"])
def test_nul_in_the_phone_of_a_token_log_in_is_400(client, learner, phone):
    assert_refused(token_login(client, phone))


def test_nul_in_the_password_is_400(client, learner):
    assert_refused(token_login(client, learner.phone, "x\x00y"))


def test_nul_in_the_lecturers_search_is_400(client, learner, token_for, make_lecturer):
    make_lecturer(name="周明")
    assert_refused(client.get("/api/v1/lecturers", {"q": "周\x00"}, **token_for(learner)))
    assert client.get("/api/v1/lecturers", {"q": "周"}, **token_for(learner)).status_code == 200


def test_nul_in_the_lecturers_page_search_is_400(client, make_lecturer):
    make_lecturer(name="周明")
    assert_refused(client.get("/lecturers/", {"q": "\x00"}))


def test_nul_in_the_chapter_of_chapter_practice_is_400(learner_client):
    assert_refused(learner_client.get("/practice/chapter/", {"chapter": "第一章\x00"}))


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_any_query_parameter_are_400(client, db, character):
    assert_refused(client.get("/api/v1/lecturers", {"type": f"a{character}b"}))
    assert_refused(client.get("/courses/", {f"x{character}": "1"}))


def test_nul_in_the_path_is_400(client, db):
    assert_refused(client.get("/lecturers/%00/"))


def test_nul_in_a_form_field_is_400(client, learner):
    response = client.post("/accounts/login/", {"username": learner.phone, "password": "\x00"})
    assert_refused(response)
    assert "_auth_user_id" not in client.session


def test_a_browser_is_shown_a_page_not_json(client, db):
    response = client.get("/courses/", {"q": "\x00"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "控制字符" in response.content.decode()


def test_tabs_and_line_breaks_in_form_text_are_ordinary_text(client, learner):
    response = client.post(
        "/accounts/login/", {"username": learner.phone, "password": f"{PASSWORD}\r\n\t"}
    )
    assert response.status_code == 200  # the form, saying the password is wrong


@pytest.mark.parametrize(
    "body",
    [
        {"question_id": 1, "answer": "A\u0000"},
        {"question_id": 1, "answer": ["A", "B\u0001"]},
        {"question_id": 1, "answer": {"\u0000": ["A"]}},
        {"question_id": 1, "answer": "\ud800"},
    ],
    ids=["nul", "nested", "key", "lone surrogate"],
)
def test_control_characters_anywhere_in_a_json_body_are_400(client, learner, token_for, body):
    assert_refused(post_json(client, "/api/v1/practice/answer", body, **token_for(learner)))


def test_a_body_that_is_not_json_is_400_with_a_translated_detail(client, learner, token_for):
    response = post_json(client, "/api/v1/practice/answer", "{", **token_for(learner))
    assert_refused(response)
    assert response.json()["detail"] == "请求内容不是有效的 JSON。"
    invalid_utf8 = post_json(client, "/api/v1/practice/answer", b"\xff\xfe", **token_for(learner))
    assert_refused(invalid_utf8)


def test_nul_in_an_autosaved_answer_is_400(client, learner, token_for):
    body = {"answers": {"1": "案例分析\u0000"}}
    response = client.put(
        "/api/v1/attempts/1/answers",
        data=json.dumps(body),
        content_type="application/json",
        **token_for(learner),
    )
    assert_refused(response)


# --- numbers out of range -----------------------------------------------------------------


@pytest.mark.parametrize("page", [HUGE, HUGER])
def test_a_page_far_past_the_end_of_points_history_is_empty(client, learner, token_for, page):
    from learning.points.ledger import award

    award(learner=learner, action="course_completed", key="c1")
    headers = token_for(learner)  # awards today's log-in points: two entries
    response = client.get("/api/v1/points/history", {"page": page}, **headers)
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 2}


@pytest.mark.parametrize("page", [HUGE, HUGER])
def test_a_page_far_past_the_end_of_a_leaderboard_is_empty(client, learner, token_for, page):
    from learning.points.ledger import award

    award(learner=learner, action="course_completed", key="c1")
    for period in ("week", "month", "all"):
        response = client.get(
            "/api/v1/leaderboards", {"page": page, "period": period}, **token_for(learner)
        )
        assert response.status_code == 200
        body = response.json()
        assert body["items"] == [] and body["count"] == 1
        assert body["me"]["rank"] == 1


def test_points_history_serves_at_most_100_a_page(client, learner, token_for):
    from learning.points.ledger import award

    for index in range(105):
        award(learner=learner, action="course_completed", key=f"c{index}")
    body = client.get(
        "/api/v1/points/history", {"page_size": 100000000}, **token_for(learner)
    ).json()
    assert body["count"] == 106 and len(body["items"]) == 100  # with today's log-in


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/lecturers/{}",
        "/api/v1/courses/{}",
        "/api/v1/lessons/{}",
        "/api/v1/attempts/{}",
    ],
)
@pytest.mark.parametrize("number", [HUGER, str(MAX_ID + 1), "0", "-1"])
def test_ids_that_cannot_exist_are_refused_in_api_paths(client, learner, token_for, path, number):
    response = client.get(path.format(number), **token_for(learner))
    assert response.status_code in (404, 422), response.content[:200]
    assert "detail" in response.json()


def test_the_largest_possible_id_is_simply_not_found(client, learner, token_for):
    response = client.get(f"/api/v1/courses/{MAX_ID}", **token_for(learner))
    assert_refused(response, 404)


@pytest.mark.parametrize(
    "method, path",
    [
        ("delete", "/api/v1/wrong-answers/{}"),
        ("put", "/api/v1/practice/favourites/{}"),
        ("post", "/api/v1/attempts/{}/submit"),
        ("post", "/api/v1/courses/{}/enrol"),
        ("post", "/api/v1/lessons/{}/complete"),
        ("post", "/api/v1/trainings/{}/enrol"),
    ],
)
def test_ids_too_large_for_the_database_are_422_in_writes(client, learner, token_for, method, path):
    response = getattr(client, method)(path.format(HUGER), **token_for(learner))
    assert_refused(response, 422)


def test_a_question_id_too_large_in_a_body_is_422(client, learner, token_for):
    body = {"question_id": int(HUGER), "answer": "A"}
    assert_refused(post_json(client, "/api/v1/practice/answer", body, **token_for(learner)), 422)


def test_an_answer_key_that_is_no_question_id_is_422(client, learner, token_for):
    from exams.models import Attempt  # noqa: F401  (the attempt is looked up first)

    body = {"answers": {HUGER: ["A"], "１２": ["A"]}}
    response = client.put(
        "/api/v1/attempts/1/answers",
        data=json.dumps(body),
        content_type="application/json",
        **token_for(learner),
    )
    assert response.status_code in (404, 422)


@pytest.mark.parametrize(
    "path",
    [
        "/practice/q/{}/",
        "/practice/wrong/{}/remove/",
        "/exams/attempts/{}/",
        "/exams/papers/{}/start/",
        "/learn/courses/{}/enrol/",
        "/learn/lessons/{}/complete/",
        "/learn/lessons/{}/check/",
        "/trainings/{}/enrol/",
    ],
)
def test_ids_too_large_for_the_database_are_404_in_site_urls(learner_client, path):
    assert learner_client.get(path.format(HUGER)).status_code == 404
    assert learner_client.post(path.format(HUGER)).status_code == 404


def test_a_catalogue_filter_by_an_impossible_lecturer_id_shows_everything(
    client, make_course, home_page
):
    make_course("社区工作方法")
    response = client.get("/courses/", {"lecturer": HUGER})
    assert response.status_code == 200
    assert "社区工作方法" in response.content.decode()


def test_a_knowledge_check_with_an_impossible_question_id_is_refused(
    learner_client, make_checked_lesson
):
    lesson = make_checked_lesson()
    response = learner_client.post(
        f"/learn/lessons/{lesson.pk}/check/",
        {"question_id": HUGER, "answer": "A"},
        HTTP_ACCEPT="application/json",
    )
    assert_refused(response, 422)


def test_completing_a_lesson_never_redirects_to_another_site(learner_client, make_course):
    lesson = make_course(lessons=1).get_children().first()
    response = learner_client.post(
        f"/learn/lessons/{lesson.pk}/complete/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == lesson.url


def test_any_search_text_makes_a_safe_cache_key(client, learner, token_for, recwarn, settings):
    from django.core.cache.backends.base import CacheKeyWarning

    response = client.get("/api/v1/courses", {"q": "Õa þ 社区" * 40}, **token_for(learner))
    assert response.status_code == 200
    assert not [w for w in recwarn if issubclass(w.category, CacheKeyWarning)]


def _patterns(resolver, prefix=""):
    from django.urls import URLResolver

    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def test_every_id_in_the_projects_urls_is_bounded(db):
    """Our own views take ``<id:...>`` (learning.platform.ids), never Django's unbounded ``<int:...>``."""
    from django.urls import get_resolver
    from django.urls.converters import IntConverter

    ours = ("learning.", "exams.", "courses.", "lecturers.")
    unbounded = [
        route
        for route, pattern in _patterns(get_resolver())
        if getattr(pattern.callback, "__module__", "").startswith(ours)
        and any(type(c) is IntConverter for c in pattern.pattern.converters.values())
    ]
    checked = [route for route, pattern in _patterns(get_resolver()) if "<id:" in route]
    assert len(checked) >= 10
    assert unbounded == []


@pytest.mark.parametrize("path", ["/admin/learners/edit/{}/", "/admin/point_rules/edit/{}/"])
def test_ids_too_large_for_the_database_are_404_in_admin_urls(client, db, path):
    from learning.models import User

    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    assert client.get(path.format(HUGER)).status_code == 404
