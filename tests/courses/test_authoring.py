"""Lecturers author courses under moderation; organisers approve; live pages keep serving."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import CoursePage, LessonPage
from learning.accounts import roles
from learning.models import Organiser, User
from tests.conftest import PASSWORD

COMMENTS = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0"}


@pytest.fixture
def lecturer(db):
    user = User.objects.create_user(phone="13800000003", name="陈静", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.LECTURERS))
    return user


@pytest.fixture
def organiser(db):
    user = User.objects.create_user(phone="13800000002", name="王建国", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=user)  # prefecture-wide
    return user


def course_data(**changes):
    data = {
        "title": "邻里纠纷调解实务",
        "slug": "linli-tiaojie",
        "category": "practice",
        "level": "junior",
        "subject": "矛盾调解",
        "summary": "通过真实案例学习调解的步骤。",
        "objectives": "掌握调解的四个步骤",
        "estimated_hours": "2",
        "completion_points": "",
        "course_lecturers": inline_formset([]),
        "comments": COMMENTS,
    }
    data.update(changes)
    return nested_form_data(data)


def lesson_data(lesson, text, **changes):
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": "",
        "duration_minutes": "20",
        "body": streamfield([("rich_text", rich_text(f"<p>{text}</p>"))]),
        "comments": COMMENTS,
    }
    data.update(changes)
    return nested_form_data(data)


def _submit_new_course(client, lecturer, course_index):
    client.force_login(lecturer)
    response = client.post(
        f"/admin/pages/add/courses/coursepage/{course_index.pk}/",
        course_data(**{"action-submit": "1"}),
    )
    assert response.status_code == 302, response.content[:500]
    return CoursePage.objects.get(slug="linli-tiaojie")


def test_lecturer_creates_a_course_and_submits_it_for_moderation(client, lecturer, course_index):
    course = _submit_new_course(client, lecturer, course_index)
    assert not course.live
    state = WorkflowState.objects.get(object_id=str(course.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert course.owner == lecturer


def test_lecturer_publish_only_saves_a_draft(client, lecturer, course_index):
    client.force_login(lecturer)
    client.post(
        f"/admin/pages/add/courses/coursepage/{course_index.pk}/",
        course_data(**{"action-publish": "1"}),
    )
    assert not CoursePage.objects.get(slug="linli-tiaojie").live


def test_organiser_approval_publishes_the_course(client, lecturer, organiser, course_index):
    course = _submit_new_course(client, lecturer, course_index)
    state = WorkflowState.objects.get(object_id=str(course.pk))
    client.force_login(organiser)
    response = client.post(
        f"/admin/pages/workflow/action/{course.pk}/approve/{state.current_task_state.pk}/",
        {"comment": "同意发布。"},
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.live


def test_lecturer_cannot_add_courses_elsewhere(client, lecturer, home_page, course_index):
    client.force_login(lecturer)
    response = client.get(f"/admin/pages/add/courses/coursepage/{home_page.pk}/")
    assert response.status_code in (302, 403)


def test_lecturer_cannot_edit_another_lecturers_course(client, lecturer, make_course):
    course = make_course()  # owned by nobody in particular
    client.force_login(lecturer)
    response = client.post(f"/admin/pages/{course.pk}/edit/", course_data(title="篡改"))
    assert response.status_code == 302 and response.url == "/admin/"
    assert not CoursePage.objects.get(pk=course.pk).has_unpublished_changes


def test_editing_a_published_lesson_keeps_serving_the_live_version(client, organiser, make_course):
    course = make_course(lessons=1, lesson_text="第一版正文")
    lesson = LessonPage.objects.child_of(course).get()
    client.force_login(organiser)
    response = client.post(f"/admin/pages/{lesson.pk}/edit/", lesson_data(lesson, "第二版草稿"))
    assert response.status_code == 302
    client.logout()
    html = client.get(lesson.url).text
    assert "第一版正文" in html and "第二版草稿" not in html
    lesson.refresh_from_db()
    assert lesson.has_unpublished_changes


def test_preview_shows_the_draft(client, organiser, make_course):
    course = make_course(lessons=1, lesson_text="第一版正文")
    lesson = LessonPage.objects.child_of(course).get()
    client.force_login(organiser)
    preview_url = f"/admin/pages/{lesson.pk}/edit/preview/"
    assert client.post(preview_url, lesson_data(lesson, "预览中的草稿")).json()["is_valid"]
    assert "预览中的草稿" in client.get(preview_url).text


def test_revisions_are_kept(client, organiser, make_course):
    course = make_course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    client.force_login(organiser)
    for text in ("修改一", "修改二"):
        client.post(f"/admin/pages/{lesson.pk}/edit/", lesson_data(lesson, text))
    assert lesson.revisions.count() == 2
    assert client.get(f"/admin/pages/{lesson.pk}/history/").status_code == 200


def test_organiser_enrols_an_organisation_from_the_admin(
    client, organiser, make_course, make_learner, community
):
    from courses.models import Enrolment

    course = make_course()
    make_learner(organisation=community)
    client.force_login(organiser)
    response = client.post(
        "/admin/courses/enrol-organisation/",
        {"course": course.pk, "organisation": community.get_root().pk},
        follow=True,
    )
    assert "新增 1 名学员" in response.text
    assert Enrolment.objects.filter(course=course).count() == 1


def test_lecturers_cannot_enrol_organisations(client, lecturer):
    client.force_login(lecturer)
    response = client.get("/admin/courses/enrol-organisation/")
    assert response.status_code == 302 and response.url == "/admin/"


def test_organisers_list_enrolments_with_masked_phones(client, organiser, make_course, learner):
    from courses.study.services import enrol

    enrol(learner=learner, course=make_course("社区矛盾调解实务"))
    client.force_login(organiser)
    response = client.get("/admin/course_enrolments/")
    assert response.status_code == 200
    assert "李晓梅" in response.text and "社区矛盾调解实务" in response.text
    assert learner.phone not in response.text
    assert f"{learner.phone[:3]}****{learner.phone[-4:]}" in response.text


def test_street_organisers_see_and_enrol_only_their_subtree(
    client, make_course, make_learner, community
):
    from courses.models import Enrolment
    from courses.study.services import enrol
    from learning.accounts.organisations import get_or_create_path

    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    course = make_course()
    enrol(learner=make_learner(name="本街道学员", organisation=community), course=course)
    enrol(learner=make_learner(name="外区学员", organisation=elsewhere), course=course)
    street_organiser = User.objects.create_user(phone="13800000012", name="街道组织者")
    street_organiser.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=street_organiser, organisation=community.get_parent())
    client.force_login(street_organiser)
    listing = client.get("/admin/course_enrolments/").text
    assert "本街道学员" in listing and "外区学员" not in listing
    client.post(
        "/admin/courses/enrol-organisation/",
        {"course": course.pk, "organisation": elsewhere.get_root().pk},
    )
    assert Enrolment.objects.filter(course=course).count() == 2


def test_lecturers_choose_bank_questions_for_knowledge_checks(client, lecturer, make_question):
    make_question("single", stem="<p>社区调解的首要原则是</p>", name="调解原则")
    make_question("case_essay", stem="<p>请分析案例</p>", name="案例问答", options=[])
    client.force_login(lecturer)
    response = client.get("/admin/question_chooser/results/")
    assert response.status_code == 200
    assert "调解原则" in response.text and "案例问答" not in response.text
