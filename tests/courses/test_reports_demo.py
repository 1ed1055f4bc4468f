"""The demo organiser's dashboard after ``load_demo``: every figure and chart has data."""

from django.core.management import call_command

from learning.models import Organisation, User
from tests.exams.bank_fixture import install_demo_bank

REPORTS = "/admin/reports/"


def test_demo_organiser_sees_data_in_every_section(
    client, db, make_question, monkeypatch, tmp_path
):
    install_demo_bank(monkeypatch, tmp_path, chapters=12)
    make_question("single", subject="practice", stem="<p>调解邻里纠纷时首先应当</p>")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.force_login(User.objects.get(phone="13800000002"))  # the organiser of API.md
    context = client.get(REPORTS).context
    for county in context["rows"]:
        assert min(county.candidates, county.trained, county.sat, county.passed) > 0, county.name
        assert county.holders > 0 and county.holders_per_10k > 0, county.name
    assert 0 < context["total"].trained < context["total"].candidates
    trend = context["certificate_trend"]
    assert trend[0] < trend[-1] and trend == sorted(trend)
    for week in context["weeks"]:
        assert min(week.active_learners, week.lessons, week.practice_answers) > 0, week.week
    assert sum(week.average_mock_score is not None for week in context["weeks"]) >= 8
    assert len(context["weak_chapters"]) == len(context["weak_points"]) == 10
    assert all(session.attended > 0 for session in context["attendance"])
    assert context["attendance"] and context["ranking"] and context["top_learners"]
    street = Organisation.objects.get(name="城关镇")
    communities = client.get(REPORTS, {"org": street.pk}).context["rows"]
    assert all(row.candidates and row.trained for row in communities)
    html = client.get("/admin/").content.decode()
    assert "training-coverage" in html and "<strong>0</strong>" not in html


def test_demo_report_study_is_loaded_once(db, make_question):
    from courses.models import LessonCompletion
    from courses.reports import demo as demo_reports
    from exams.models import PracticeAnswer
    from learning.accounts import demo as learning_demo

    make_question("single", chapter="社会工作概述", knowledge_points=["助人自助"])
    learning_demo.load()
    demo_reports.load()
    counts = (LessonCompletion.objects.count(), PracticeAnswer.objects.count())
    assert counts[1] > 0
    demo_reports.load()
    assert (LessonCompletion.objects.count(), PracticeAnswer.objects.count()) == counts
