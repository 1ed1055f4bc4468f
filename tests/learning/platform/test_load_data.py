from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from learning.accounts.selectors import points_summary
from learning.load_data import PHONE_PREFIX
from learning.models import LearnerProfile, LedgerEntry, Organisation, User

#: Arguments the command passed to the extra generator of the test below.
calls: list[dict] = []


def record_call(**kwargs) -> None:
    calls.append(kwargs)


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_load_data", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_the_learners_in_a_valid_organisation_tree(community):
    generate(learners=200)
    learners = LearnerProfile.objects.filter(user__phone__startswith=PHONE_PREFIX)
    assert learners.count() == 200
    assert not any(Organisation.find_problems())
    assert set(learners.values_list("organisation__kind", flat=True)) == {"community"}
    synthetic = Organisation.objects.filter(code__startswith="LD")
    assert synthetic.filter(kind="county").count() == 1
    assert synthetic.filter(kind="community").count() == 3  # 80 learners per community


@pytest.mark.django_db
def test_running_again_tops_up_without_duplicating(db):
    generate(learners=50)
    entries = LedgerEntry.objects.count()
    assert "无需补充" in generate(learners=50)
    assert (User.objects.count(), LedgerEntry.objects.count()) == (50, entries)
    generate(learners=120)
    assert User.objects.filter(phone__startswith=PHONE_PREFIX).count() == 120
    assert Organisation.objects.filter(code__startswith="LD", kind="county").count() == 1


@pytest.mark.django_db
def test_ledger_entries_count_in_the_learners_totals(db):
    generate(learners=30)
    duplicates = LedgerEntry.objects.values("key").annotate(n=Count("id")).filter(n__gt=1)
    assert LedgerEntry.objects.exists() and not duplicates.exists()
    entry = LedgerEntry.objects.select_related("learner").first()
    assert entry.key.startswith(f"{entry.action}:{entry.learner_id}:")
    assert points_summary(entry.learner)["total"] >= entry.points


@pytest.mark.django_db
def test_runs_every_generator_listed_in_the_setting(settings):
    calls.clear()
    settings.LOAD_DATA_GENERATORS = [*settings.LOAD_DATA_GENERATORS, f"{__name__}.record_call"]
    generate(learners=5, seed=7)
    assert calls == [{"learners": 5, "seed": 7, "stdout": calls[0]["stdout"]}]


def test_refuses_a_learner_count_below_one():
    with pytest.raises(CommandError):
        generate(learners=0)


def load_entries_per_learner() -> set[int]:
    per_learner = (
        LedgerEntry.objects.filter(learner__phone__startswith=PHONE_PREFIX, key__contains=":load:")
        .values("learner")
        .annotate(n=Count("pk"))
    )
    assert len(per_learner) == User.objects.filter(phone__startswith=PHONE_PREFIX).count()
    return {row["n"] for row in per_learner}


@pytest.mark.django_db
def test_ledger_per_learner_tops_every_ledger_up_and_the_totals_equal_the_ledger():
    from learning.models import PointPeriod, PointTotal

    generate(learners=20, ledger_per_learner=8)
    assert load_entries_per_learner() == {8}
    entries = LedgerEntry.objects.count()
    rerun = generate(learners=20, ledger_per_learner=8)
    assert LedgerEntry.objects.count() == entries and "无需重建" in rerun
    generate(learners=30, ledger_per_learner=12)  # more learners and more entries each
    assert load_entries_per_learner() == {12}
    duplicates = LedgerEntry.objects.values("key").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()
    check = StringIO()
    call_command("rebuild_points", "--check", stdout=check)
    assert "积分合计与账本一致" in check.getvalue()
    all_time = PointTotal.objects.filter(period=PointPeriod.ALL)
    assert sum(all_time.values_list("points", flat=True)) == sum(
        LedgerEntry.objects.values_list("points", flat=True)
    )


@pytest.mark.django_db
def test_app_generators_make_the_benchmark_course_and_paper():
    from courses.load_data import BIG_COURSE_LESSONS, big_course
    from courses.models import LessonPage
    from exams.models import Paper
    from exams.papers.load_data import PAPER_TITLE

    generate(learners=3)
    generate(learners=3)
    course = big_course()
    assert LessonPage.objects.child_of(course).live().count() == BIG_COURSE_LESSONS
    paper = Paper.objects.get(title=PAPER_TITLE)
    assert sum(paper.rules.values_list("count", flat=True)) == 80
