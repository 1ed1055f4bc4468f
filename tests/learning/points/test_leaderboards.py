from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from learning.accounts.organisations import get_or_create_path
from learning.points.leaderboards import (
    LeaderboardError,
    leaderboard,
    my_standing,
    organisation_ranking,
)
from learning.points.ledger import award

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)  # a Wednesday


def give(learner, points, *, when=NOW, key=None):
    award(
        learner=learner,
        action="manual_adjustment",
        key=key or f"{learner.pk}:{points}:{when.isoformat()}",
        points=points,
        now=when,
    )


@pytest.fixture
def tree(db, community):
    """The hand-computed example: four communities in three streets and two counties.

    幸福里 (A): 30, 10, 0 · 文昌 (B): 20 · 桃源 (C): 25, 15 · 望江 (D): 5
    """
    wenchang, _ = get_or_create_path("清河县", "城关镇", "文昌社区")
    taoyuan, _ = get_or_create_path("清河县", "桃源街道", "桃源社区")
    wangjiang, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    return {"A": community, "B": wenchang, "C": taoyuan, "D": wangjiang}


@pytest.fixture
def people(tree, make_learner):
    made = {}
    for name, org, points in [
        ("a1", "A", 30),
        ("a2", "A", 10),
        ("a3", "A", 0),
        ("b1", "B", 20),
        ("c1", "C", 25),
        ("c2", "C", 15),
        ("d1", "D", 5),
    ]:
        made[name] = make_learner(name=name, organisation=tree[org])
        if points:
            give(made[name], points)
    return made


def board(viewer, **kwargs):
    return leaderboard(viewer=viewer, now=NOW, **{"period": "all", **kwargs})


def names_and_ranks(items):
    return [(item.name, item.rank, item.points) for item in items]


def test_everyone_is_ranked_by_points(people):
    result = board(people["a2"], scope="all")
    assert names_and_ranks(result.items) == [
        ("a1", 1, 30),
        ("c1", 2, 25),
        ("b1", 3, 20),
        ("c2", 4, 15),
        ("a2", 5, 10),
        ("d1", 6, 5),
    ]
    assert (result.count, result.my_rank, result.my_points) == (6, 5, 10)


def test_ties_share_a_rank_and_the_next_rank_skips(tree, make_learner):
    first, second, third = (make_learner(name=n) for n in ("甲", "乙", "丙"))
    give(first, 30)
    give(second, 30)
    give(third, 10)
    result = board(third)
    assert [item.rank for item in result.items] == [1, 1, 3]
    assert result.my_rank == 3


def test_ranks_on_a_later_page_count_everyone_above(tree, make_learner):
    learners = [make_learner(name=f"学员{i}") for i in range(5)]
    for learner, points in zip(learners, [50, 40, 40, 40, 10], strict=True):
        give(learner, points)
    result = board(learners[0], page=2, page_size=2)
    assert names_and_ranks(result.items) == [("学员2", 2, 40), ("学员3", 2, 40)]


def test_scopes_are_relative_to_the_viewers_community(people):
    viewer = people["a2"]
    assert [i.name for i in board(viewer, scope="community").items] == ["a1", "a2"]
    assert [i.name for i in board(viewer, scope="street").items] == ["a1", "b1", "a2"]
    assert [i.name for i in board(viewer, scope="county").items] == ["a1", "c1", "b1", "c2", "a2"]
    assert board(viewer, scope="street").my_rank == 3


def test_an_explicit_organisation_is_ranked_and_scope_climbs_from_it(people, tree):
    viewer = people["a2"]
    own = board(viewer, organisation_id=tree["C"].pk)
    assert (own.scope, [i.name for i in own.items]) == ("community", ["c1", "c2"])
    assert own.my_rank is None and own.my_points == 0  # the viewer is not in 桃源社区
    county = board(viewer, scope="county", organisation_id=tree["D"].pk)
    assert [i.name for i in county.items] == ["d1"]


def test_a_scope_below_the_given_organisation_is_refused(people, tree):
    county = tree["A"].get_parent().get_parent()
    with pytest.raises(LeaderboardError):
        board(people["a1"], scope="community", organisation_id=county.pk)


def test_bad_period_or_scope_is_refused(people):
    with pytest.raises(LeaderboardError):
        board(people["a1"], period="year")
    with pytest.raises(LeaderboardError):
        board(people["a1"], scope="planet")


def test_the_viewer_outside_the_top_still_sees_their_rank(people):
    result = board(people["d1"], page_size=2)
    assert [i.name for i in result.items] == ["a1", "c1"]
    assert (result.my_rank, result.my_points) == (6, 5)


def test_a_viewer_without_points_ranks_after_everyone_with_points(people):
    result = board(people["a3"])
    assert (result.my_rank, result.my_points) == (7, 0)


def test_near_me_shows_the_ranks_just_above_and_below(people):
    result = board(people["c2"])
    assert names_and_ranks(result.near_me) == [
        ("c1", 2, 25),
        ("b1", 3, 20),
        ("c2", 4, 15),
        ("a2", 5, 10),
        ("d1", 6, 5),
    ]
    assert [item.is_me for item in result.near_me] == [False, False, True, False, False]


def test_near_me_keeps_ties_in_a_stable_order(tree, make_learner):
    learners = [make_learner(name=f"学员{i}") for i in range(4)]
    for learner in learners:
        give(learner, 10)
    result = leaderboard(viewer=learners[1], period="all", now=NOW, near=1)
    assert [(i.name, i.rank) for i in result.near_me] == [("学员0", 1), ("学员1", 1), ("学员2", 1)]


def test_each_period_counts_only_its_own_points(tree, make_learner):
    learner = make_learner(name="周期")
    give(learner, 7, when=datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))  # this week
    give(learner, 5, when=datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI))  # this month
    give(learner, 3, when=datetime(2026, 10, 5, 9, 0, tzinfo=SHANGHAI))  # before
    points = {
        period: board(learner, period=period).my_points for period in ("week", "month", "all")
    }
    assert points == {"week": 7, "month": 12, "all": 15}


def test_week_boundary_is_local_monday_midnight(tree, make_learner):
    learner = make_learner(name="周一")
    give(learner, 4, when=datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI))  # last Sunday
    give(learner, 6, when=datetime(2026, 11, 23, 0, 1, tzinfo=SHANGHAI))  # this Monday
    assert board(learner, period="week").my_points == 6


def test_communities_ranked_by_average_points_per_member(people, tree):
    ranking = organisation_ranking(period="all", level="community", now=NOW)
    assert [
        (r.organisation.name, r.rank, r.members, r.total_points, r.average_points) for r in ranking
    ] == [
        ("桃源社区", 1, 2, 40, 20.0),
        ("文昌社区", 1, 1, 20, 20.0),
        ("幸福里社区", 3, 3, 40, 13.33),
        ("望江社区", 4, 1, 5, 5.0),
    ]


def test_streets_and_counties_ranked_by_average_points(people):
    streets = organisation_ranking(period="all", level="street", now=NOW)
    assert [(r.organisation.name, r.rank, r.members, r.average_points) for r in streets] == [
        ("桃源街道", 1, 2, 20.0),
        ("城关镇", 2, 4, 15.0),
        ("滨江街道", 3, 1, 5.0),
    ]
    counties = organisation_ranking(period="all", level="county", now=NOW)
    assert [(r.organisation.name, r.total_points, r.average_points) for r in counties] == [
        ("清河县", 100, 16.67),
        ("临江区", 5, 5.0),
    ]


def test_organisation_ranking_for_the_week_ignores_older_points(people, tree):
    give(people["d1"], 40, when=datetime(2026, 10, 5, 9, 0, tzinfo=SHANGHAI))
    ranking = organisation_ranking(period="week", level="community", now=NOW)
    assert ranking[-1].organisation.name == "望江社区" and ranking[-1].total_points == 5


def test_bad_level_is_refused(people):
    with pytest.raises(LeaderboardError):
        organisation_ranking(period="all", level="planet")


def test_leaderboard_is_a_handful_of_queries_however_many_learners(
    tree, make_learner, django_assert_max_num_queries
):
    learners = [make_learner(name=f"学员{i}", organisation=tree["ABCD"[i % 4]]) for i in range(80)]
    for index, learner in enumerate(learners):
        give(learner, index % 13)
    for scope in ("all", "county", "street", "community"):
        # me and my points, the page and count, near me, the ranks; the scope's organisation
        with django_assert_max_num_queries(6):
            result = board(learners[40], scope=scope, period="week")
        assert result.my_rank is not None and result.near_me


def test_organisation_ranking_is_three_queries(people, django_assert_num_queries):
    with django_assert_num_queries(3):
        organisation_ranking(period="all", level="street", now=NOW)


def test_my_standing_lists_my_rank_in_each_scope(people, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        standing = my_standing(people["a2"])
    assert standing.points["all"] == 10
    assert standing.ranks["all"] == {"all": 5, "county": 5, "street": 3, "community": 2}


def test_organisation_ranking_is_cached_for_a_short_while(
    people, settings, django_assert_num_queries
):
    organisation_ranking(period="all", level="county", now=NOW)
    give(people["d1"], 100)
    with django_assert_num_queries(0):
        cached = organisation_ranking(period="all", level="county", now=NOW)
    assert cached[0].organisation.name == "清河县"  # the cached answer, up to the TTL old
    settings.POINTS_ORGANISATION_RANKING_CACHE_SECONDS = 0
    cache.clear()
    live = organisation_ranking(period="all", level="county", now=NOW)
    assert live[0].organisation.name == "临江区"


def test_a_viewer_without_points_this_period_is_not_listed_but_sees_rank_and_points(people):
    result = board(people["a3"], period="week")
    assert "a3" not in [item.name for item in result.items]
    assert (result.listed, result.my_points, result.count) == (False, 0, 6)
    assert result.my_rank == 7  # shared with everyone else on 0 points, after the 6 listed
    assert [item.name for item in result.near_me if item.is_me] == ["a3"]
    assert board(people["a1"], period="week").listed is True


def test_a_viewer_outside_the_scope_has_no_rank_and_is_not_listed(people, tree):
    result = board(people["d1"], organisation_id=tree["A"].pk)
    assert (result.my_rank, result.listed, result.near_me) == (None, False, [])


def test_an_award_replaces_the_cached_page_at_once(people, django_assert_max_num_queries):
    board(people["d1"])
    with django_assert_max_num_queries(3):  # page and count from the cache
        cached = board(people["d1"])
    assert names_and_ranks(cached.items)[:2] == [("a1", 1, 30), ("c1", 2, 25)]
    give(people["d1"], 100, key="jump")
    result = board(people["d1"])
    assert names_and_ranks(result.items)[:2] == [("d1", 1, 105), ("a1", 2, 30)]
    assert (result.my_rank, result.my_points, result.count) == (1, 105, 6)


def test_a_first_award_in_the_period_counts_a_new_learner_at_once(people):
    assert board(people["a3"]).count == 6
    give(people["a3"], 1, key="first")
    result = board(people["a3"])
    assert (result.count, result.listed, result.my_rank) == (7, True, 7)


def test_an_award_to_another_period_keeps_this_periods_cached_page(
    people, django_assert_max_num_queries
):
    board(people["a1"], period="week")
    give(people["d1"], 100, when=datetime(2026, 10, 1, 10, 0, tzinfo=SHANGHAI), key="old")
    with django_assert_max_num_queries(3):
        result = board(people["a1"], period="week")
    assert result.items[0].name == "a1"


def test_a_learner_who_moves_leaves_the_cached_community_board(people, tree):
    assert "c1" in [item.name for item in board(people["c2"], scope="community").items]
    profile = people["c1"].profile
    profile.organisation = tree["D"]
    profile.save()
    names = [item.name for item in board(people["c2"], scope="community").items]
    assert names == ["c2"]


def test_the_page_is_read_live_when_caching_is_off(people, settings):
    settings.POINTS_LEADERBOARD_CACHE_SECONDS = 0
    board(people["d1"])
    give(people["d1"], 100, key="jump")
    assert board(people["d1"]).items[0].name == "d1"


@pytest.mark.postgres
def test_postgresql_prepares_the_statements_a_leaderboard_repeats(people):
    """Values bound on the server (settings): from its fifth run on a connection a
    statement is prepared, and PostgreSQL parses it once instead of on every request."""
    from django.db import connection

    for _ in range(6):
        cache.clear()
        board(people["a2"], scope="all")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("UNION ALL" in sql and "learning_pointtotal" in sql for sql in prepared)
