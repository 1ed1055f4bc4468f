from io import StringIO

import pytest
from django.core.management import call_command

from learning.models import LearnerProfile, LedgerEntry, PointTotal
from learning.points.ledger import rebuild_totals


@pytest.mark.django_db
def test_demo_gives_every_learner_a_history_that_agrees_with_the_totals(home_page):
    call_command("load_demo", stdout=StringIO())
    assert not LearnerProfile.objects.filter(user__ledger_entries__isnull=True).exists()
    assert LedgerEntry.objects.dates("created_at", "week").count() >= 8
    assert PointTotal.objects.filter(period="week").values("period_start").distinct().count() >= 8
    assert rebuild_totals(check_only=True).ok
    entries = LedgerEntry.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert LedgerEntry.objects.count() == entries
