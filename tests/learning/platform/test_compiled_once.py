"""``raw_sql.CompiledOnce``: the ORM's SQL compiled once, filled with each call's values, gives
what the queryset itself gives, for every set of values, on either engine."""

from datetime import timedelta

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from learning.models import LedgerEntry, PointAction
from learning.platform.raw_sql import CompiledOnce, fetch


def _recent_entries(*, learner_id, since):
    others = LedgerEntry.objects.filter(learner_id=OuterRef("learner_id")).exclude(
        pk=OuterRef("pk")
    )
    return (
        LedgerEntry.objects.filter(Q(learner_id=learner_id) & Q(created_at__gte=since))
        .filter(~Exists(others.filter(created_at__gt=since)) | Q(points__gt=1))
        .order_by("pk")
        .values_list("pk", "points")
    )


@pytest.mark.django_db
def test_every_call_gives_what_the_queryset_gives(learner, make_learner):
    other = make_learner(name="王芳")
    now = timezone.now()
    for days, (who, points) in enumerate([(learner, 1), (learner, 3), (other, 2), (learner, 1)]):
        entry = LedgerEntry.objects.create(
            learner=who, action=PointAction.DAILY_LOGIN, points=points, key=f"k{days}"
        )
        LedgerEntry.objects.filter(pk=entry.pk).update(created_at=now - timedelta(days=days))
    statement = CompiledOnce(_recent_entries)
    seen = set()
    for who in (learner, other):
        for days in (0, 1, 2, 5):
            since = now - timedelta(days=days, minutes=1)
            expected = list(_recent_entries(learner_id=who.pk, since=since))
            assert fetch(*statement(learner_id=who.pk, since=since)) == [tuple(r) for r in expected]
            seen.add(tuple(expected))
    assert len(seen) > 2  # the values mattered


@pytest.mark.django_db
def test_a_value_the_compiler_writes_into_the_sql_is_refused(learner):
    statement = CompiledOnce(lambda *, limit: LedgerEntry.objects.values_list("pk")[:limit])
    with pytest.raises(ValueError):
        statement(limit=5)


def test_only_ids_and_moments_are_taken():
    statement = CompiledOnce(lambda *, key: LedgerEntry.objects.filter(key=key))
    with pytest.raises(TypeError):
        statement(key="login:1")
