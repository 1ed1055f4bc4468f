"""The anonymous page cache (learning.platform.page_cache): fast, and never stale or personal."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from learning.platform.page_cache import STATUS_HEADER

pytestmark = pytest.mark.django_db


def _get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, url
    return response


def test_second_anonymous_visit_is_served_from_the_cache_with_one_query(
    client, make_course, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_course("邻里纠纷调解实务")
    with CaptureQueriesContext(connection) as miss:
        first = _get(client, "/courses/")
    assert first[STATUS_HEADER] == "miss"
    # The version is read once per request, however many caches it keys.
    assert sum("learning_contentversion" in q["sql"] for q in miss.captured_queries) == 1
    client.cookies.clear()
    with django_assert_max_num_queries(1):
        second = _get(client, "/courses/")
    assert second[STATUS_HEADER] == "hit"
    assert "邻里纠纷调解实务" in second.content.decode()


def test_a_published_course_appears_at_once(client, make_course):
    make_course("邻里纠纷调解实务")
    _get(client, "/courses/")
    make_course("志愿者队伍建设")
    client.cookies.clear()
    response = _get(client, "/courses/")
    assert response[STATUS_HEADER] == "miss"
    assert "志愿者队伍建设" in response.content.decode()


def test_an_unpublished_course_is_gone_at_once(client, make_course):
    course = make_course("邻里纠纷调解实务")
    _get(client, course.url)
    course.unpublish()
    client.cookies.clear()
    assert client.get(course.url).status_code == 404
    assert "邻里纠纷调解实务" not in _get(client, "/courses/").content.decode()


def test_a_changed_title_shows_at_once(client, make_course):
    course = make_course("邻里纠纷调解实务")
    _get(client, course.url)
    course.title = "邻里纠纷调解实务（第二版）"
    course.save_revision().publish()
    client.cookies.clear()
    assert "（第二版）" in _get(client, course.url).content.decode()


def test_logged_in_learners_never_get_the_shared_copy(client, make_course, learner):
    course = make_course("邻里纠纷调解实务")
    _get(client, course.url)
    client.force_login(learner)
    response = _get(client, course.url)
    assert response[STATUS_HEADER] == "miss"  # their own copy, not the anonymous one
    assert learner.name in response.content.decode()


def test_each_visitor_gets_a_working_csrf_token(make_course):
    make_course("邻里纠纷调解实务")
    Client().get("/courses/")  # stores the copy
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/courses/")
    assert page[STATUS_HEADER] == "hit"
    html = page.content.decode()
    assert "__page_cache_csrf_token__" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = visitor.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/courses/", "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    assert visitor.cookies["django_language"].value == "en"


def test_languages_are_cached_apart(client, make_course):
    make_course("邻里纠纷调解实务")
    chinese = _get(client, "/courses/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    english = _get(client, "/courses/", HTTP_ACCEPT_LANGUAGE="en")
    assert english[STATUS_HEADER] == "miss"
    assert english.content != chinese


def test_only_declared_query_parameters_are_stored(client, make_course):
    make_course("邻里纠纷调解实务")
    _get(client, "/courses/?q=调解")
    assert STATUS_HEADER not in _get(client, "/courses/?q=调解")
    _get(client, "/courses/?category=practice")
    assert _get(client, "/courses/?category=practice")[STATUS_HEADER] == "hit"


def test_a_restricted_page_is_never_served_from_the_cache(client, make_course):
    course = make_course("邻里纠纷调解实务")
    _get(client, course.url)
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="only-us"
    )
    client.cookies.clear()
    response = client.get(course.url)
    assert STATUS_HEADER not in response
    assert "本课时讲解社区走访" not in response.content.decode()
    client.cookies.clear()
    assert STATUS_HEADER not in client.get(course.url)


def test_a_new_training_session_shows_on_the_lecturer_page(client, make_lecturer, make_session):
    lecturer = make_lecturer(name="周明")
    _get(client, lecturer.url)
    session = make_session(title="社区议事协商专题")
    session.lecturers.add(lecturer)
    client.cookies.clear()
    assert "社区议事协商专题" in _get(client, lecturer.url).content.decode()


def test_the_cache_can_be_turned_off(client, make_course, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_course("邻里纠纷调解实务")
    _get(client, "/courses/")
    assert STATUS_HEADER not in _get(client, "/courses/")


def test_a_renamed_course_moves_for_learners_at_once(client, make_course, learner):
    course = make_course("邻里纠纷调解实务")
    old_url = course.url
    client.force_login(learner)
    _get(client, old_url)  # caches the route
    course.slug = "tiaojie"
    course.save_revision().publish()
    assert client.get(old_url).status_code == 404
    assert "邻里纠纷调解实务" in _get(client, "/courses/tiaojie/").content.decode()


def test_a_new_lesson_shows_on_the_course_page_at_once(client, make_course, learner):
    from courses.models import LessonPage

    course = make_course("邻里纠纷调解实务", lessons=2)
    client.force_login(learner)
    _get(client, course.url)  # caches the outline
    course.add_child(instance=LessonPage(title="调解协议的签订", slug="xieyi"))
    html = _get(client, course.url).content.decode()
    assert "调解协议的签订" in html


def test_a_restriction_added_later_applies_to_a_cached_route(client, make_course, learner):
    course = make_course("邻里纠纷调解实务")
    client.force_login(learner)
    _get(client, course.url)  # caches the route as unrestricted
    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="only-us"
    )
    html = client.get(course.url).content.decode()
    assert "邻里纠纷调解实务（1）" not in html
    assert 'name="password"' in html


def test_a_learners_course_page_is_served_with_few_queries(
    client, make_course, learner, django_assert_max_num_queries
):
    course = make_course("邻里纠纷调解实务", lessons=30)
    client.force_login(learner)
    _get(client, course.url)
    # content version, session, user, the learner's progress (enrolment and completions)
    with django_assert_max_num_queries(4):
        html = _get(client, course.url).content.decode()
    assert html.count('class="lesson-list"') == 1 and "（30）" in html


def test_a_learners_lesson_page_is_served_with_few_queries(
    client, make_course, learner, django_assert_max_num_queries
):
    from courses.models import LessonPage

    lesson = LessonPage.objects.child_of(make_course("邻里纠纷调解实务", lessons=3)).last()
    client.force_login(learner)
    _get(client, lesson.url)
    # content version, session, user, the learner's progress (enrolment, completion, checks);
    # the course's live check is cached under the content version
    with django_assert_max_num_queries(4):
        response = _get(client, lesson.url)
    assert response[STATUS_HEADER] == "hit"


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_lesson_goes_with_its_course_once_unpublished_and_back_when_republished(
    client, make_course, learner, logged_in
):
    from courses.models import LessonPage

    course = make_course("邻里纠纷调解实务")
    lesson = LessonPage.objects.child_of(course).first()
    if logged_in:
        client.force_login(learner)
    _get(client, lesson.url)  # caches the route and the course's live check
    course.unpublish()
    assert client.get(lesson.url).status_code == 404
    course.save_revision().publish()
    assert "邻里纠纷调解实务" in _get(client, lesson.url).content.decode()


# --- a logged-in learner's own copy of a course or lesson page --------------------------------


def test_a_learners_copy_follows_their_progress_at_once(client, make_course, learner):
    from courses.models import LessonPage
    from courses.study.services import complete_lesson, enrol

    course = make_course("邻里纠纷调解实务", lessons=2)
    first = LessonPage.objects.child_of(course).order_by("path").first()
    enrol(learner=learner, course=course)
    client.force_login(learner)
    assert _get(client, course.url)[STATUS_HEADER] == "miss"
    again = _get(client, course.url)
    assert again[STATUS_HEADER] == "hit" and "已完成 0 / 2 课时" in again.content.decode()
    complete_lesson(learner=learner, lesson=first)
    html = _get(client, course.url).content.decode()
    assert "已完成 1 / 2 课时" in html and 'class="is-done"' in html
    lesson = _get(client, first.url)
    assert _get(client, first.url)[STATUS_HEADER] == "hit"
    assert "本课时已完成" in lesson.content.decode()


def test_a_learners_copy_is_theirs_alone(client, make_course, learner, make_learner):
    course = make_course("邻里纠纷调解实务")
    client.force_login(learner)
    _get(client, course.url)
    other = make_learner(name="王芳")
    client.force_login(other)
    response = _get(client, course.url)
    assert response[STATUS_HEADER] == "miss"
    html = response.content.decode()
    assert "王芳" in html and learner.name not in html


def test_a_flash_message_is_shown_not_served_from_a_copy(client, make_course, learner):
    course = make_course("邻里纠纷调解实务")
    client.force_login(learner)
    _get(client, course.url)
    enrolled = client.post(f"/learn/courses/{course.pk}/enrol/", follow=True)
    assert enrolled.status_code == 200
    assert STATUS_HEADER not in enrolled
    assert "已加入学习计划。" in enrolled.content.decode()
    # The message shown once, the page comes from the learner's copy again.
    assert "已加入学习计划。" not in _get(client, course.url).content.decode()


def test_an_edited_knowledge_check_question_shows_at_once(
    client, make_course, learner, make_question
):
    from courses.models import LessonPage

    question = make_question("single", stem="<p>社区工作的基本价值是什么？</p>")
    course = make_course("邻里纠纷调解实务", lessons=1)
    lesson = LessonPage.objects.child_of(course).first()
    lesson.body = [("knowledge_check", {"title": "随堂测验", "questions": [question]})]
    lesson.save_revision().publish()
    client.force_login(learner)
    _get(client, lesson.url)
    assert _get(client, lesson.url)[STATUS_HEADER] == "hit"
    question.stem = "<p>社会工作的核心价值是什么？</p>"
    question.save()
    html = _get(client, lesson.url).content.decode()
    assert "社会工作的核心价值" in html


def test_each_learner_copy_carries_a_working_csrf_token(make_course, learner):
    course = make_course("邻里纠纷调解实务")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    browser.get(course.url)
    page = browser.get(course.url)
    assert page[STATUS_HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    enrolled = browser.post(f"/learn/courses/{course.pk}/enrol/", {"csrfmiddlewaretoken": token})
    assert enrolled.status_code == 302


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_page_that_sets_a_cookie_is_not_kept_and_its_forms_still_work(
    make_course, learner, logged_in
):
    from wagtail import hooks

    def remember_visit(serve):
        def inner(page, request, args, kwargs):
            response = serve(page, request, args, kwargs)
            response.set_cookie("seen_course", str(page.pk))
            return response

        return inner

    course = make_course("邻里纠纷调解实务")
    browser = Client(enforce_csrf_checks=True)
    if logged_in:
        browser.force_login(learner)
    with hooks.register_temporarily("on_serve_page", remember_visit):
        browser.get(course.url)
        page = browser.get(course.url)
    assert page.status_code == 200
    html = page.content.decode()
    if not logged_in:  # a learner's copy is kept: the hook sets its cookie outside the page
        assert STATUS_HEADER not in page
    assert page.cookies["seen_course"].value == str(course.pk)
    assert "__page_cache_csrf_token__" not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    switched = browser.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_changes_each_move_the_content_version():
    """Twenty editors saving at once: no bump is lost, so no change can leave a stale copy."""
    import threading

    from django.db import close_old_connections

    from learning.models import ContentVersion
    from learning.platform.page_cache import bump_content_version, content_version

    ContentVersion.objects.all().delete()  # the very first changes race to make the row
    start = content_version()
    barrier = threading.Barrier(20)

    def worker():
        barrier.wait()
        try:
            bump_content_version()
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert content_version() == start + 20
