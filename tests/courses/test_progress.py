import threading

import pytest
from django.db import close_old_connections

from courses.models import Enrolment, LessonCompletion, LessonPage
from courses.study import selectors, services
from learning.models import LedgerEntry, PointAction, User


def lessons_of(course):
    return list(LessonPage.objects.child_of(course).order_by("path"))


def test_enrolling_twice_keeps_one_enrolment(learner, make_course):
    course = make_course()
    first = services.enrol(learner=learner, course=course)
    second = services.enrol(learner=learner, course=course)
    assert first.pk == second.pk
    assert Enrolment.objects.filter(learner=learner, course=course).count() == 1


def test_completing_a_lesson_awards_its_points_once(learner, make_course):
    lesson = lessons_of(make_course(lessons=2))[0]
    assert services.complete_lesson(learner=learner, lesson=lesson).points_awarded == 2
    repeat = services.complete_lesson(learner=learner, lesson=lesson)
    assert (repeat.points_awarded, repeat.lesson_newly_completed) == (0, False)
    assert LedgerEntry.objects.filter(learner=learner).count() == 1


def test_completing_a_lesson_enrols_the_learner(learner, make_course):
    course = make_course()
    services.complete_lesson(learner=learner, lesson=lessons_of(course)[0])
    assert Enrolment.objects.filter(learner=learner, course=course).exists()


def test_last_lesson_completes_the_course_and_awards_course_points_once(learner, make_course):
    course = make_course(lessons=3, completion_points=15)
    results = [services.complete_lesson(learner=learner, lesson=les) for les in lessons_of(course)]
    assert [r.course_completed for r in results] == [False, False, True]
    assert results[-1].points_awarded == 2 + 15
    services.complete_lesson(learner=learner, lesson=lessons_of(course)[-1])
    course_entries = LedgerEntry.objects.filter(action=PointAction.COURSE_COMPLETED)
    assert [e.points for e in course_entries] == [15]
    assert Enrolment.objects.get(learner=learner).completed_at is not None


def test_course_points_default_to_the_rule(learner, make_course):
    course = make_course(lessons=1)
    result = services.complete_lesson(learner=learner, lesson=lessons_of(course)[0])
    assert result.points_awarded == 2 + 10


def test_unpublished_lessons_do_not_count_towards_completion(learner, make_course):
    course = make_course(lessons=2)
    first, second = lessons_of(course)
    second.unpublish()
    assert services.complete_lesson(learner=learner, lesson=first).course_completed


def test_progress_counts_completed_lessons(learner, make_course):
    course = make_course(lessons=4)
    for lesson in lessons_of(course)[:3]:
        services.complete_lesson(learner=learner, lesson=lesson)
    progress = selectors.progress_for(learner, [course.pk], {course.pk: 4})[course.pk]
    assert (progress.completed, progress.total, progress.percent) == (3, 4, 75)


def test_continue_where_i_left_off_is_the_last_lesson_visited(client, learner, make_course):
    course = make_course(lessons=3)
    lessons = lessons_of(course)
    services.enrol(learner=learner, course=course)
    client.force_login(learner)
    client.get(lessons[1].url)
    context = selectors.course_context(course=course, user=learner)
    assert context["resume_lesson"].pk == lessons[1].pk
    assert selectors.continue_learning(learner)[0].last_lesson_id == lessons[1].pk


def test_a_revisit_within_minutes_writes_nothing_but_a_later_or_other_one_does(
    learner, make_course
):
    from datetime import timedelta

    from django.utils import timezone

    course = make_course(lessons=2)
    first, second = lessons_of(course)
    services.enrol(learner=learner, course=course)
    now = timezone.now()
    assert services.record_visit(learner=learner, lesson=first, now=now)
    soon = now + services.VISIT_REFRESH - timedelta(seconds=1)
    assert not services.record_visit(learner=learner, lesson=first, course=course, now=soon)
    assert services.record_visit(learner=learner, lesson=second, course=course, now=soon)
    later = soon + services.VISIT_REFRESH + timedelta(seconds=1)
    assert services.record_visit(learner=learner, lesson=second, now=later)
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert (enrolment.last_lesson_id, enrolment.last_visited_at) == (second.pk, later)


def test_visiting_a_lesson_does_not_enrol(client, learner, make_course):
    course = make_course()
    client.force_login(learner)
    client.get(lessons_of(course)[0].url)
    assert not Enrolment.objects.exists()


def test_organiser_enrols_a_whole_street(make_learner, make_course, community):
    from learning.accounts.organisations import get_or_create_path

    neighbour, _ = get_or_create_path("清河县", "城关镇", "文昌社区")
    elsewhere, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    inside = [make_learner(organisation=community), make_learner(organisation=neighbour)]
    outside = make_learner(organisation=elsewhere)
    course = make_course()
    services.enrol(learner=inside[0], course=course)
    organiser = User.objects.create_user(phone="13900000099", name="王建国")
    street = community.get_parent()
    assert services.enrol_organisation(organisation=street, course=course, by=organiser) == 1
    enrolled = set(Enrolment.objects.filter(course=course).values_list("learner_id", flat=True))
    assert enrolled == {inside[0].pk, inside[1].pk}
    assert outside.pk not in enrolled


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_last_lesson_requests_complete_the_course_once(learner, make_course):
    course = make_course(lessons=2)
    first, last = lessons_of(course)
    services.complete_lesson(learner=learner, lesson=first)
    barrier, results = threading.Barrier(2), []

    def worker():
        barrier.wait()
        try:
            results.append(services.complete_lesson(learner=learner, lesson=last))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.points_awarded for r in results) == [0, 2 + 10]
    assert sum(r.course_completed for r in results) == 1
    assert LedgerEntry.objects.filter(action=PointAction.COURSE_COMPLETED).count() == 1
    assert LessonCompletion.objects.filter(learner=learner).count() == 2


def test_course_requiring_checks_waits_for_them_to_be_passed(learner, make_checked_lesson):
    from courses.study.checks import answer_check

    lesson = make_checked_lesson(requires_passing_checks=True, completion_points=8)
    question_id = lesson.check_question_ids()[0]
    with pytest.raises(services.LessonIncomplete, match="未答对"):
        services.complete_lesson(learner=learner, lesson=lesson)
    wrong = answer_check(learner=learner, lesson=lesson, question_id=question_id, answer="B")
    assert not wrong.course_completed
    with pytest.raises(services.LessonIncomplete):
        services.complete_lesson(learner=learner, lesson=lesson)
    answer_check(learner=learner, lesson=lesson, question_id=question_id, answer="A")
    result = services.complete_lesson(learner=learner, lesson=lesson)
    assert result.course_completed and result.points_awarded == 2 + 8
    assert LedgerEntry.objects.filter(action=PointAction.COURSE_COMPLETED).count() == 1


def test_a_check_must_be_answered_even_where_passing_is_not_required(learner, make_checked_lesson):
    from courses.study.checks import answer_check

    lesson = make_checked_lesson()
    with pytest.raises(services.LessonIncomplete, match="未作答"):
        services.complete_lesson(learner=learner, lesson=lesson)
    question_id = lesson.check_question_ids()[0]
    answer_check(learner=learner, lesson=lesson, question_id=question_id, answer="B")
    assert services.complete_lesson(learner=learner, lesson=lesson).course_completed


def test_a_passed_check_stays_passed_after_a_wrong_answer(learner, make_checked_lesson):
    from courses.models import CheckResult
    from courses.study.checks import answer_check

    lesson = make_checked_lesson()
    question_id = lesson.check_question_ids()[0]
    answer_check(learner=learner, lesson=lesson, question_id=question_id, answer="A")
    answer_check(learner=learner, lesson=lesson, question_id=question_id, answer="C")
    result = CheckResult.objects.get(learner=learner)
    assert (result.passed, result.attempts) == (True, 2)


def test_continue_moves_past_a_finished_last_lesson(learner, make_course):
    course = make_course(lessons=3)
    lessons = lessons_of(course)
    services.complete_lesson(learner=learner, lesson=lessons[1])
    context = selectors.course_context(course=course, user=learner)
    assert context["resume_lesson"].pk == lessons[2].pk


def test_learner_progress_reads_what_the_orm_reads(learner, make_learner, make_checked_lesson):
    """The hand-written read behind the course and lesson pages agrees with the models."""
    from courses.models import CheckResult
    from courses.study.checks import answer_check

    first = make_checked_lesson(questions=None)
    course = services.course_of(first)
    second = course.add_child(instance=LessonPage(title="第二课", slug="second"))
    question_id = first.check_question_ids()[0]
    answer_check(learner=learner, lesson=first, question_id=question_id, answer="A")
    services.complete_lesson(learner=learner, lesson=first)
    services.record_visit(learner=learner, lesson=second)
    other = make_learner(name="王芳")
    services.complete_lesson(learner=other, lesson=second)

    in_course = selectors.learner_progress(learner, course=course)
    enrolment = Enrolment.objects.get(learner=learner, course=course)
    assert in_course.enrolment is not None
    for field in Enrolment._meta.concrete_fields:
        attname = field.attname
        assert getattr(in_course.enrolment, attname) == getattr(enrolment, attname), attname
    assert in_course.enrolment.last_visited_at.tzinfo is not None
    assert in_course.completed_lesson_ids == {first.pk}
    assert in_course.passed_question_ids == frozenset()

    in_lesson = selectors.learner_progress(learner, course=course, lesson=first)
    assert in_lesson.enrolment.pk == enrolment.pk
    assert in_lesson.completed_lesson_ids == {first.pk}
    passed = CheckResult.objects.filter(learner=learner, lesson=first, passed=True)
    assert in_lesson.passed_question_ids == set(passed.values_list("question_id", flat=True))
    assert selectors.learner_progress(
        learner, course=course, lesson=second
    ).completed_lesson_ids == (frozenset())

    newcomer = make_learner(name="李四")
    assert selectors.learner_progress(newcomer, course=course) == selectors.LearnerProgress()


def test_lesson_views_move_the_place_to_continue_and_revisits_write_nothing(
    client, learner, make_course, django_assert_max_num_queries
):
    course = make_course(lessons=2)
    first, second = lessons_of(course)
    services.enrol(learner=learner, course=course)
    client.force_login(learner)
    client.get(first.url)
    visited = Enrolment.objects.get(learner=learner).last_visited_at
    # content version, session, user, progress (with the place): no write
    with django_assert_max_num_queries(4):
        assert client.get(first.url).status_code == 200
    assert Enrolment.objects.get(learner=learner).last_visited_at == visited
    client.get(second.url)
    assert Enrolment.objects.get(learner=learner).last_lesson_id == second.pk
    client.get(first.url)
    assert Enrolment.objects.get(learner=learner).last_lesson_id == first.pk
