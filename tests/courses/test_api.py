import json

import pytest

from courses.models import CourseLecturer, LessonPage
from exams.models import PracticeAnswer


def lessons_of(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


@pytest.fixture
def auth(learner, token_for):
    return token_for(learner)


def test_course_list_items_have_the_contract_fields(client, auth, make_course, make_lecturer):
    course = make_course("社区矛盾调解实务", lessons=2, level="junior")
    lecturer = make_lecturer(name="周明")
    CourseLecturer.objects.create(page=course, lecturer=lecturer)
    body = client.get("/api/v1/courses", **auth).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert {"id", "title", "category", "level", "lecturers", "lesson_count", "progress"} <= set(
        item
    )
    assert item["lecturers"] == [{"id": lecturer.pk, "name": "周明"}]
    assert (item["lesson_count"], item["progress"], item["level"]) == (2, 0, "junior")


def test_course_list_filters_by_category_level_and_query(client, auth, make_course):
    make_course("社区矛盾调解实务", category="practice", level="junior")
    make_course("党支部工作规范", category="party_affairs", level="general")

    def titles(**query):
        return [i["title"] for i in client.get("/api/v1/courses", query, **auth).json()["items"]]

    assert titles(category="party_affairs") == ["党支部工作规范"]
    assert titles(level="junior") == ["社区矛盾调解实务"]
    assert titles(q="调解") == ["社区矛盾调解实务"]


def test_course_detail_lists_lessons_with_completion(client, auth, learner, make_course):
    from courses.study.services import complete_lesson

    course = make_course(lessons=3)
    first = lessons_of(course)[0]
    complete_lesson(learner=learner, lesson=first)
    body = client.get(f"/api/v1/courses/{course.pk}", **auth).json()
    assert [lesson["completed"] for lesson in body["lessons"]] == [True, False, False]
    assert set(body["lessons"][0]) >= {"id", "title", "completed"}
    assert body["progress"] == 33


def test_enrol_is_idempotent(client, auth, make_course):
    course = make_course()
    for _ in range(2):
        response = client.post(f"/api/v1/courses/{course.pk}/enrol", **auth)
        assert (response.status_code, response.json()) == (200, {"enrolled": True})


def test_lesson_detail_returns_blocks_as_type_and_value(client, auth, make_course):
    lesson = lessons_of(make_course(lesson_text="入户走访要先预约。"))[0]
    body = client.get(f"/api/v1/lessons/{lesson.pk}", **auth).json()
    assert {"id", "title", "course_id", "body", "completed"} <= set(body)
    assert body["body"][0]["type"] == "rich_text"
    assert body["body"][0]["value"] == "<p>入户走访要先预约。</p>"
    assert body["course_id"] == lesson.get_parent().pk


def test_complete_awards_points_then_zero(client, auth, make_course):
    lesson = lessons_of(make_course(lessons=2))[0]
    first = client.post(f"/api/v1/lessons/{lesson.pk}/complete", **auth).json()
    again = client.post(f"/api/v1/lessons/{lesson.pk}/complete", **auth).json()
    assert (first["completed"], first["points_awarded"]) == (True, 2)
    assert (again["completed"], again["points_awarded"]) == (True, 0)


def test_draft_course_and_lesson_are_not_found(client, auth, make_course):
    course = make_course()
    lesson = lessons_of(course)[0]
    lesson.unpublish()
    assert client.get(f"/api/v1/lessons/{lesson.pk}", **auth).status_code == 404
    assert client.post(f"/api/v1/lessons/{lesson.pk}/complete", **auth).status_code == 404
    course.unpublish()
    assert client.get(f"/api/v1/courses/{course.pk}", **auth).status_code == 404
    assert client.get("/api/v1/courses", **auth).json()["count"] == 0


def test_lesson_of_an_unpublished_course_is_not_found(client, auth, make_course):
    course = make_course()
    lesson = lessons_of(course)[0]
    type(course).objects.filter(pk=course.pk).update(live=False)
    assert client.get(f"/api/v1/lessons/{lesson.pk}", **auth).status_code == 404


def test_api_needs_a_log_in(client, make_course):
    assert client.get("/api/v1/courses").status_code == 401


def test_knowledge_check_in_lesson_json_has_no_answer_key(client, auth, make_checked_lesson):
    lesson = make_checked_lesson()
    body = client.get(f"/api/v1/lessons/{lesson.pk}", **auth).json()
    check = body["body"][-1]
    assert check["type"] == "knowledge_check"
    question = check["value"]["questions"][0]
    assert [o["key"] for o in question["options"]] == ["A", "B", "C", "D"]
    text = json.dumps(check, ensure_ascii=False)
    assert "is_correct" not in text and "explanation" not in text and "解析" not in text


def test_answering_a_check_gives_feedback_and_counts_as_lesson_practice(
    client, auth, learner, make_checked_lesson
):
    lesson = make_checked_lesson()
    question_id = lesson.check_question_ids()[0]
    response = client.post(
        f"/api/v1/lessons/{lesson.pk}/check",
        {"question_id": question_id, "answer": ["B"]},
        content_type="application/json",
        **auth,
    )
    body = response.json()
    assert (body["correct"], body["correct_answer"]) == (False, ["A"])
    assert body["explanation"] == "<p>解析</p>"
    practice = PracticeAnswer.objects.get(learner=learner)
    assert (practice.mode, practice.correct) == ("lesson", False)


def test_answering_a_question_not_in_the_lesson_is_refused(
    client, auth, make_checked_lesson, make_question
):
    lesson = make_checked_lesson()
    other = make_question("single")
    response = client.post(
        f"/api/v1/lessons/{lesson.pk}/check",
        {"question_id": other.pk, "answer": "A"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert "随堂测验" in response.json()["detail"]


def test_an_impossible_answer_is_refused(client, auth, make_checked_lesson):
    lesson = make_checked_lesson()
    response = client.post(
        f"/api/v1/lessons/{lesson.pk}/check",
        {"question_id": lesson.check_question_ids()[0], "answer": "Z"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422


def test_course_list_gives_a_cover_url(client, auth, make_course, make_image):
    make_course(cover=make_image("封面"))
    item = client.get("/api/v1/courses", **auth).json()["items"][0]
    assert item["cover_url"].endswith(".png")


def test_course_list_shows_my_progress_enrolment_and_completion(client, auth, learner, make_course):
    from courses.study.services import complete_lesson, enrol

    started, finished, other = (make_course(f"课程{n}", lessons=4) for n in range(3))
    enrol(learner=learner, course=started)
    for lesson in lessons_of(started)[:2]:
        complete_lesson(learner=learner, lesson=lesson)
    lessons_of(started)[1].unpublish()  # done, but no longer counted: 1 of 3
    for lesson in lessons_of(finished):
        complete_lesson(learner=learner, lesson=lesson)
    items = {i["id"]: i for i in client.get("/api/v1/courses", **auth).json()["items"]}
    mine = {pk: (i["progress"], i["enrolled"], i["completed"]) for pk, i in items.items()}
    assert mine == {
        started.pk: (33, True, False),
        finished.pk: (100, True, True),
        other.pk: (0, False, False),
    }


def test_course_list_pages_like_every_api_list(client, auth, make_course):
    for n in range(5):
        make_course(f"课程{n}")

    def page(**query):
        response = client.get("/api/v1/courses", query, **auth)
        return response.status_code, response.json()

    status, body = page(page=2, page_size=2)
    assert (status, body["count"]) == (200, 5)
    assert [i["title"] for i in body["items"]] == ["课程2", "课程3"]
    assert [i["title"] for i in page(page=3, page_size=2)[1]["items"]] == ["课程4"]
    assert page(page=4, page_size=2)[1] == {"items": [], "count": 5}
    assert len(page(page_size=500)[1]["items"]) == 5  # capped at 100, as ninja's pagination
    assert page(page=0)[0] == 422
    assert page(page_size=0)[0] == 422


def test_course_list_bytes_are_the_schema_validated_answer(
    client, auth, learner, make_course, make_lecturer, make_image
):
    """The list is written as ready JSON (learning.platform.ready_json): its bytes must be what ninja
    writes for the same data validated through the declared schema."""
    from courses.study.api import PagedCourseOut
    from courses.study.services import complete_lesson
    from learning.api import api

    course = make_course('社区"矛盾"调解\\实务', lessons=3, cover=make_image("封面"))
    CourseLecturer.objects.create(page=course, lecturer=make_lecturer(name="周明"))
    make_course("党支部工作规范", category="party_affairs", level="general", summary="")
    complete_lesson(learner=learner, lesson=lessons_of(course)[0])
    for query in ({}, {"page_size": 1, "page": 2}, {"q": "调解"}):
        response = client.get("/api/v1/courses", query, **auth)
        assert response["Content-Type"] == api.get_content_type()
        validated = PagedCourseOut.model_validate(response.json()).model_dump()
        assert (
            response.content == api.renderer.render(None, validated, response_status=200).encode()
        )
    assert response.json()["items"][0]["progress"] == 33


def test_course_list_follows_changes_to_the_courses(client, auth, make_course):
    course = make_course("社区工作方法", lessons=3)
    assert client.get("/api/v1/courses", **auth).json()["items"][0]["lesson_count"] == 3
    lessons_of(course)[0].unpublish()
    course.title = "社区工作方法（修订）"
    course.save_revision().publish()
    item = client.get("/api/v1/courses", **auth).json()["items"][0]
    assert (item["title"], item["lesson_count"]) == ("社区工作方法（修订）", 2)
