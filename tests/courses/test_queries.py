"""Catalogue and course pages run a constant number of queries."""

from courses.models import CourseLecturer, LessonPage


def _courses(make_course, make_lecturer, make_image, count):
    lecturer = make_lecturer(name="周明")
    for number in range(count):
        course = make_course(f"课程{number}", lessons=2, cover=make_image(f"封面{number}"))
        CourseLecturer.objects.create(page=course, lecturer=lecturer)


def _catalogue_queries(client, django_assert_max_num_queries, limit):
    client.get("/courses/")  # warm the site root cache and cover renditions
    with django_assert_max_num_queries(limit):
        response = client.get("/courses/")
    assert response.status_code == 200
    return response


def test_catalogue_queries_do_not_grow_with_courses(
    client, learner, make_course, make_lecturer, make_image, django_assert_max_num_queries
):
    client.force_login(learner)
    _courses(make_course, make_lecturer, make_image, 2)
    _catalogue_queries(client, django_assert_max_num_queries, 16)
    _courses(make_course, make_lecturer, make_image, 10)
    response = _catalogue_queries(client, django_assert_max_num_queries, 16)
    assert len(response.context["courses"]) == 12


def test_course_page_with_30_lessons_runs_constant_queries(
    client, learner, make_course, django_assert_max_num_queries, settings
):
    from courses.study.services import complete_lesson, enrol

    settings.PAGE_CACHE_SECONDS = 0  # the render itself (tests/web/test_page_cache.py: copies)

    course = make_course(lessons=30)
    enrol(learner=learner, course=course)
    for lesson in LessonPage.objects.child_of(course)[:10]:
        complete_lesson(learner=learner, lesson=lesson)
    client.force_login(learner)
    client.get(course.url)
    with django_assert_max_num_queries(15):
        response = client.get(course.url)
    assert response.text.count('class="is-done"') == 10
    assert len(response.context["lessons"]) == 30


def test_catalogue_api_queries_do_not_grow_with_courses(
    client,
    learner,
    token_for,
    make_course,
    make_lecturer,
    make_image,
    django_assert_max_num_queries,
):
    _courses(make_course, make_lecturer, make_image, 12)
    auth = token_for(learner)
    client.get("/api/v1/courses", **auth)  # the first request makes the cover renditions
    with django_assert_max_num_queries(15):
        body = client.get("/api/v1/courses", **auth).json()
    assert body["count"] == 12


def test_catalogue_api_reads_only_my_progress_once_the_cards_are_kept(
    client, learner, token_for, make_course, django_assert_max_num_queries
):
    for n in range(5):
        make_course(f"课程{n}")
    auth = token_for(learner)
    client.get("/api/v1/courses", **auth)
    with django_assert_max_num_queries(3):  # token, content version, my progress
        assert client.get("/api/v1/courses", **auth).json()["count"] == 5
