"""learning.platform.raw_sql: hand-written reads must build the same instances the ORM builds."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from learning.models import LearnerProfile, Organisation, User
from learning.platform import raw_sql

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _profile_sql(where: str) -> str:
    col = raw_sql.column
    return (
        f"SELECT {raw_sql.select_list(LearnerProfile, 'p')}, "  # noqa: S608
        f"{raw_sql.select_list(User, 'u')}, {raw_sql.select_list(Organisation, 'o')}, "
        f"u.{col(User, 'id')} * 2 FROM {raw_sql.table(LearnerProfile)} p "
        f"JOIN {raw_sql.table(User)} u ON u.{col(User, 'id')} = p.{col(LearnerProfile, 'user')} "
        f"JOIN {raw_sql.table(Organisation)} o "
        f"ON o.{col(Organisation, 'id')} = p.{col(LearnerProfile, 'organisation')} {where}"
    )


def test_instances_with_related_and_annotations_match_the_orm(learner):
    sql = _profile_sql(f"WHERE p.{raw_sql.column(LearnerProfile, 'user')} = %s")
    (profile,) = raw_sql.instances(
        LearnerProfile, sql, [learner.pk], related=["user", "organisation"], annotations=["twice"]
    )
    expected = LearnerProfile.objects.select_related("user", "organisation").get(user=learner)
    assert _fields(profile) == _fields(expected)
    assert _fields(profile.user) == _fields(expected.user)
    assert model_to_dict(profile.organisation) == model_to_dict(expected.organisation)
    assert profile.twice == learner.pk * 2
    assert profile.user.is_active is True and profile.user.date_joined.tzinfo is not None


def test_joined_gives_none_for_an_outer_join_miss_and_one_instance_per_repeated_key(
    make_learner,
):
    first = make_learner(name="王芳")
    second = make_learner(name="张伟")
    staff = User.objects.create_user(phone="13900000001", name="未建档", password="x")  # noqa: S106
    col = raw_sql.column
    sql = (
        f"SELECT {raw_sql.select_list(Organisation, 'o')}, {raw_sql.select_list(User, 'u')} "  # noqa: S608
        f"FROM {raw_sql.table(User)} u LEFT JOIN {raw_sql.table(LearnerProfile)} p "
        f"ON p.{col(LearnerProfile, 'user')} = u.{col(User, 'id')} "
        f"LEFT JOIN {raw_sql.table(Organisation)} o "
        f"ON o.{col(Organisation, 'id')} = p.{col(LearnerProfile, 'organisation')} "
        f"WHERE u.{col(User, 'id')} IN (%s, %s, %s) ORDER BY o.{col(Organisation, 'id')}, "
        f"u.{col(User, 'id')}"
    )
    found = raw_sql.joined([Organisation, User], sql, [first.pk, second.pk, staff.pk])
    by_user = {user.pk: organisation for organisation, user in found}
    assert by_user[staff.pk] is None
    assert by_user[first.pk] is by_user[second.pk]  # same community: built once
    assert by_user[first.pk] == first.profile.organisation


def test_rows_convert_values_as_the_orm_does(learner):
    sql = (
        f"SELECT {raw_sql.column(User, 'is_active')}, {raw_sql.column(User, 'date_joined')} "  # noqa: S608
        f"FROM {raw_sql.table(User)} WHERE {raw_sql.column(User, 'id')} = %s"
    )
    fields = [User._meta.get_field("is_active"), User._meta.get_field("date_joined")]
    ((active, joined),) = raw_sql.rows(sql, [learner.pk], fields)
    assert active is True and joined == User.objects.get(pk=learner.pk).date_joined


def test_independent_reads_sent_together_each_get_their_own_rows(make_learner):
    first, second = make_learner(name="甲"), make_learner(name="乙")
    user_sql = f"SELECT {raw_sql.column(User, 'name')} FROM {raw_sql.table(User)} WHERE id = %s"  # noqa: S608
    found = raw_sql.fetch_together(
        [(user_sql, [second.pk]), (user_sql, [first.pk]), (user_sql, [-1])]
    )
    assert found == [[("乙",)], [("甲",)], []]


@pytest.mark.django_db(transaction=True)
def test_a_failing_read_sent_together_raises_and_leaves_the_connection_usable():
    from django.db import DatabaseError, connection

    with pytest.raises(DatabaseError):
        raw_sql.fetch_together([("SELECT 1", []), ("SELECT * FROM no_such_table", [])])
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone()[0] == 2


def test_inserted_rows_have_the_values_bulk_create_would_give(community):
    from django.utils import timezone

    before = timezone.now()
    raw_sql.insert_rows(User, [{"phone": "13900000001", "name": "甲", "password": "!x"}])
    User.objects.bulk_create([User(phone="13900000002", name="乙", password="!x")])
    inserted, created = (User.objects.get(phone=p) for p in ("13900000001", "13900000002"))
    skip = {"id", "phone", "name", "date_joined"}
    assert {k: v for k, v in _fields(inserted).items() if k not in skip} == {
        k: v for k, v in _fields(created).items() if k not in skip
    }
    assert inserted.date_joined >= before and inserted.is_active and not inserted.is_staff
    raw_sql.insert_rows(LearnerProfile, [{"user_id": inserted.pk, "organisation_id": community.pk}])
    profile = LearnerProfile.objects.get(user=inserted)
    assert profile.post_type == "staff" and profile.grade is None
    assert profile.created_at >= before and profile.updated_at >= before


def test_updated_rows_take_each_their_own_values(make_learner):
    first, second, untouched = make_learner(name="甲"), make_learner(name="乙"), make_learner()
    changed = raw_sql.update_rows(
        User, [{"pk": first.pk, "name": "甲二"}, {"pk": second.pk, "name": "乙二"}], ["name"]
    )
    assert changed == 2
    names = dict(User.objects.values_list("pk", "name"))
    assert (names[first.pk], names[second.pk], names[untouched.pk]) == ("甲二", "乙二", "张三")


def test_rows_are_updated_by_another_key(make_learner, community):
    from learning.accounts.organisations import get_or_create_path
    from learning.models import PointTotal
    from learning.points.ledger import award

    learner = make_learner()
    award(learner=learner, action="course_completed", key="c1")
    other, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    rows = [{"learner_id": learner.pk, "community_id": other.pk}]
    assert raw_sql.update_rows(PointTotal, rows, ["community_id"], key="learner") == 3
    assert set(PointTotal.objects.values_list("community_id", flat=True)) == {other.pk}
