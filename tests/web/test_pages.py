"""Learner pages not covered elsewhere, each with its query budget; navigation and language."""

import pytest

from courses.models import LessonPage
from courses.study.services import enrol
from exams.models import Attempt
from tests.exams.mock_helpers import choice_question, fixed_paper


def test_lesson_page_queries(client, learner, make_course, django_assert_max_num_queries):
    course = make_course(lessons=5)
    enrol(learner=learner, course=course)
    lesson = LessonPage.objects.child_of(course).first()
    client.force_login(learner)
    client.get(lesson.url)
    with django_assert_max_num_queries(18):  # Wagtail's route walks the tree: 4 of them
        response = client.get(lesson.url)
    assert response.status_code == 200


def test_result_and_review_page_queries(learner_client, django_assert_max_num_queries):
    paper = fixed_paper([choice_question(stem=f"第{i}题") for i in range(20)])
    started = learner_client.post(f"/exams/papers/{paper.pk}/start/")["Location"]
    learner_client.post(started, {"submit": "1"})
    assert Attempt.objects.get().state == "finished"
    with django_assert_max_num_queries(10):
        html = learner_client.get(started).content.decode()
    assert "得分" in html and "第19题" in html


def test_my_learning_links_every_personal_page(learner_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        html = learner_client.get("/me/").content.decode()
    for href in ("/me/points/", "/me/reminders/", "/practice/wrong/", "/practice/favourites/"):
        assert f'href="{href}"' in html
    assert 'href="/exams/"' in html and 'href="/trainings/"' in html
    assert "137****" in html and "退出登录" in html


def test_my_learning_needs_log_in(client, db):
    assert client.get("/me/")["Location"].startswith("/accounts/login/")


def test_search_page_queries(client, learner, make_course, django_assert_max_num_queries):
    for number in range(5):
        make_course(f"矛盾纠纷调解{number}")
    client.force_login(learner)
    with django_assert_max_num_queries(12):
        response = client.get("/search/?q=纠纷调解")
    assert response.status_code == 200 and "矛盾纠纷调解4" in response.content.decode()


def test_login_page_queries(client, home_page, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/accounts/login/")
    assert 'for="id_username"' in response.content.decode()


def test_navigation_marks_the_current_section(learner_client, home_page):
    html = learner_client.get("/me/").content.decode()
    assert '<a href="/me/" aria-current="page">' in html
    assert '<a href="/practice/">' in html


@pytest.mark.parametrize(
    ("language", "texts"), [("zh-hans", ["课程", "练习", "我的"]), ("en", ["Courses", "Practice"])]
)
def test_navigation_in_each_language(client, home_page, language, texts):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/").content.decode()
    assert f'<html lang="{language}">' in html
    for text in texts:
        assert f">{text}</a>" in html


def test_language_switch_sets_english(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert ">Log in</a>" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_committed_catalogue_matches_its_po_file(tmp_path, language):
    """The .mo is committed so a bare checkout serves English (and our Chinese for Wagtail's
    missing admin texts); it must not drift from the .po."""
    import gettext
    import shutil
    import subprocess
    from pathlib import Path

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("no msgfmt: apt-get install gettext")
    folder = Path(__file__).resolve().parents[2] / f"learning/locale/{language}/LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(fresh), str(folder / "django.po")], check=True)  # noqa: S603
    with open(fresh, "rb") as new, open(folder / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(new)._catalog == gettext.GNUTranslations(committed)._catalog


def test_lesson_blocks_are_cached_until_the_next_publish(client, make_course):
    from courses.models import LessonPage

    lesson = LessonPage.objects.child_of(make_course(lessons=1, lesson_text="第一版")).get()
    assert "第一版" in client.get(lesson.url).content.decode()
    blocks = [dict(block) for block in lesson.body.raw_data]
    blocks[0]["value"] = "<p>第二版</p>"
    lesson.body = blocks  # the same block (same id) with new text
    lesson.save()  # not published: the cached blocks stay
    assert "第一版" in client.get(lesson.url).content.decode()
    lesson.save_revision().publish()
    assert "第二版" in client.get(lesson.url).content.decode()


def test_previews_never_fill_the_public_cache(client, make_course, django_user_model):
    from courses.models import LessonPage
    from tests.courses.test_authoring import lesson_data

    lesson = LessonPage.objects.child_of(make_course(lessons=1, lesson_text="已发布")).get()
    editor = django_user_model.objects.create_superuser(
        phone="13800000009", name="编辑", password="x"
    )
    client.force_login(editor)
    preview_url = f"/admin/pages/{lesson.pk}/edit/preview/"
    client.post(preview_url, lesson_data(lesson, "未审核的草稿"))
    assert "未审核的草稿" in client.get(preview_url).content.decode()
    client.logout()
    html = client.get(lesson.url).content.decode()
    assert "已发布" in html and "未审核的草稿" not in html
