from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from learning.models import PointRule
from learning.points.default_rules import DEFAULT_RULES
from learning.points.ledger import award

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
RULED = {action: rule for action, rule in DEFAULT_RULES.items() if action != "manual_adjustment"}


@pytest.mark.parametrize("action", sorted(RULED))
def test_each_rule_awards_its_default_points(learner, action):
    points, _cap = RULED[action]
    assert award(learner=learner, action=action, key="first", now=NOON) == points


@pytest.mark.parametrize("action", sorted(a for a, (_p, cap) in RULED.items() if cap))
def test_each_capped_rule_stops_at_its_daily_cap(learner, action):
    points, cap = RULED[action]
    got = [award(learner=learner, action=action, key=f"k{i}", now=NOON) for i in range(cap + 2)]
    assert sum(got) == cap and got[-1] == 0


@pytest.mark.parametrize("action", sorted(a for a, (_p, cap) in RULED.items() if not cap))
def test_uncapped_rules_keep_awarding(learner, action):
    points, _cap = RULED[action]
    got = [award(learner=learner, action=action, key=f"k{i}", now=NOON) for i in range(5)]
    assert got == [points] * 5


def test_every_action_has_a_rule_after_migrate(db):
    assert set(PointRule.objects.values_list("action", flat=True)) == set(DEFAULT_RULES)


def test_a_deleted_rule_comes_back_with_its_default(learner):
    PointRule.objects.filter(action="session_attended").delete()
    assert award(learner=learner, action="session_attended", key="s1") == 10
