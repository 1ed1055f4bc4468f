"""Page tree rules and rendering (WagtailPageTestCase-style assertions under pytest)."""

import pytest
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, LessonCompletion, LessonPage
from learning.models import HomePage
from lecturers.models import LecturerIndexPage


def assert_can_create_at(parent_model, child_model):
    assert child_model in parent_model.allowed_subpage_models()
    assert parent_model in child_model.allowed_parent_page_models()


def assert_cannot_create_at(parent_model, child_model):
    assert not (
        child_model in parent_model.allowed_subpage_models()
        and parent_model in child_model.allowed_parent_page_models()
    )


def test_course_index_lives_under_the_home_page():
    assert_can_create_at(HomePage, CourseIndexPage)
    assert_cannot_create_at(Page, CourseIndexPage)


def test_courses_live_only_in_the_course_index():
    assert_can_create_at(CourseIndexPage, CoursePage)
    assert_cannot_create_at(HomePage, CoursePage)
    assert_cannot_create_at(LecturerIndexPage, CoursePage)


def test_lessons_live_only_under_courses():
    assert_can_create_at(CoursePage, LessonPage)
    for parent in (HomePage, CourseIndexPage, LessonPage, LecturerIndexPage):
        assert_cannot_create_at(parent, LessonPage)
    assert LessonPage.allowed_subpage_models() == []


def test_only_one_course_index(course_index):
    assert not CourseIndexPage.can_create_at(course_index.get_parent())


def test_catalogue_course_and_lesson_pages_render(client, make_course):
    course = make_course("社区矛盾调解实务", lessons=2)
    lesson = LessonPage.objects.child_of(course).first()
    for url in (course.get_parent().url, course.url, lesson.url):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "社区矛盾调解实务" in client.get(course.get_parent().url).text


@pytest.mark.parametrize("param", ["category=party_affairs", "level=junior"])
def test_catalogue_filters(client, make_course, param):
    make_course("党支部工作规范", category="party_affairs", level="junior")
    make_course("民法典与社区工作", category="regulations", level="intermediate")
    response = client.get(f"/courses/?{param}")
    assert [course.title for course in response.context["courses"]] == ["党支部工作规范"]


def test_catalogue_filters_by_lecturer(client, make_course, make_lecturer):
    from courses.models import CourseLecturer

    taught = make_course("党支部工作规范")
    make_course("民法典与社区工作")
    lecturer = make_lecturer(name="周明")
    CourseLecturer.objects.create(page=taught, lecturer=lecturer)
    response = client.get(f"/courses/?lecturer={lecturer.pk}")
    assert [course.title for course in response.context["courses"]] == ["党支部工作规范"]


def test_catalogue_ignores_bad_filter_values(client, make_course):
    make_course()
    response = client.get("/courses/?category=nope&level=x&lecturer=abc&page=99")
    assert response.status_code == 200
    assert len(response.context["courses"]) == 1


def test_lecturer_page_lists_the_courses_they_teach(client, make_course, make_lecturer):
    from courses.models import CourseLecturer

    course = make_course("社区矛盾调解实务")
    lecturer = make_lecturer(name="周明")
    CourseLecturer.objects.create(page=course, lecturer=lecturer)
    response = client.get(lecturer.url)
    assert "社区矛盾调解实务" in response.text
    assert response.context["courses"] == [
        {"id": course.pk, "title": "社区矛盾调解实务", "url": course.url}
    ]


def test_marking_a_lesson_complete_on_the_site(client, learner, make_course):
    course = make_course(lessons=2)
    lesson = LessonPage.objects.child_of(course).first()
    client.force_login(learner)
    response = client.post(f"/learn/lessons/{lesson.pk}/complete/")
    assert response.status_code == 302
    assert "已完成" in client.get(lesson.url).text


def test_completion_by_script_answers_json(client, learner, make_course):
    lesson = LessonPage.objects.child_of(make_course(lessons=2)).first()
    client.force_login(learner)
    response = client.post(f"/learn/lessons/{lesson.pk}/complete/", HTTP_ACCEPT="application/json")
    assert response.json() == {
        "completed": True,
        "points_awarded": 2,
        "course_completed": False,
        "message": "本课时已完成，获得 2 积分。",
    }


def test_reading_a_lesson_completes_nothing_until_the_learner_says_so(client, learner, make_course):
    lesson = LessonPage.objects.child_of(make_course(lessons=1)).first()
    client.force_login(learner)
    html = client.get(lesson.url).text
    assert not LessonCompletion.objects.filter(learner=learner).exists()
    form = f'<form method="post" action="/learn/lessons/{lesson.pk}/complete/"'
    assert form in html and "完成本课时</button>" in html


def test_enrolling_on_the_site(client, learner, make_course):
    course = make_course()
    client.force_login(learner)
    assert client.post(f"/learn/courses/{course.pk}/enrol/").status_code == 302
    assert "继续学习" in client.get(course.url).text


def test_actions_need_a_log_in(client, make_course):
    lesson = LessonPage.objects.child_of(make_course()).first()
    response = client.post(f"/learn/lessons/{lesson.pk}/complete/")
    assert response.status_code == 302 and "login" in response.url


def test_lessons_of_an_unpublished_course_are_not_served(client, make_course):
    course = make_course()
    lesson = LessonPage.objects.child_of(course).first()
    url = lesson.url
    course.unpublish()
    assert client.get(url).status_code == 404


def test_cached_course_summary_follows_the_published_revision(client, make_course):
    course = make_course(summary="第一版简介")
    assert "第一版简介" in client.get(course.url).text
    course.summary = "第二版简介"
    course.save_revision().publish()
    assert "第二版简介" in client.get(course.url).text
