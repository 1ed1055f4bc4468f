import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from learning.accounts.roster import COLUMNS
from learning.models import LearnerProfile, Organisation, User
from tests.chinese import chinese_in

GOOD = [
    ["王秀英", "13900000001", "清河县", "城关镇", "幸福里社区", "正职", "6", "初级"],
    ["刘志强", "+86 139 0000 0002", "清河县", "城关镇", "文昌社区", "一般工作人员", "12", "中级"],
    ["赵思雨", "139-0000-0003", "临江区", "滨江街道", "望江社区", "副职", "", ""],
]


def write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([int(v) if v.isdigit() and len(v) < 3 else v for v in row])
    workbook.save(path)
    return path


@pytest.mark.django_db
def test_good_xlsx_creates_learners_and_missing_organisations(tmp_path):
    out = io.StringIO()
    call_command("import_roster", str(write_xlsx(tmp_path / "r.xlsx", GOOD)), stdout=out)
    assert "新增 3 人" in out.getvalue()
    profile = LearnerProfile.objects.select_related("user", "organisation").get(
        user__phone="13900000002"
    )
    assert profile.user.name == "刘志强"
    assert profile.organisation.full_name == "清河县 / 城关镇 / 文昌社区"
    assert (profile.post_type, profile.grade, profile.exam_level) == ("staff", 12, "intermediate")
    assert Organisation.objects.filter(kind="community").count() == 3
    assert Organisation.objects.filter(kind="county").count() == 2


@pytest.mark.django_db
def test_gbk_csv_from_chinese_excel_is_read(tmp_path):
    call_command(
        "import_roster",
        str(write_csv(tmp_path / "r.csv", GOOD, encoding="gbk")),
        stdout=io.StringIO(),
    )
    assert User.objects.get(phone="13900000003").name == "赵思雨"


@pytest.mark.django_db
def test_a_bad_row_imports_nothing_and_names_the_row_and_reason(tmp_path):
    rows = [*GOOD, ["孙磊", "1234", "清河县", "城关镇", "幸福里社区", "主任", "30", "初级"]]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(write_csv(tmp_path / "bad.csv", rows)), stderr=err)
    report = err.getvalue()
    assert "第 5 行" in report and "手机号“1234”无效" in report
    assert "岗位类别“主任”无效" in report and "等级“30”无效" in report
    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_row_errors_and_the_refusal_are_english_when_english_is_chosen(tmp_path):
    rows = [*GOOD, ["", "1234", "清河县", "城关镇", "幸福里社区", "", "", ""]]
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("import_roster", str(write_csv(tmp_path / "bad.csv", rows)), stderr=err)
    assert str(refused.value) == "The roster has 2 errors; nothing was imported."
    assert err.getvalue().startswith("Row 5: ")
    left = err.getvalue()
    for heading in COLUMNS:  # a column is named as the file spells it ("姓名 cannot be empty")
        left = left.replace(heading, "")
    assert chinese_in(left) == []


@pytest.mark.django_db
def test_the_dry_run_summary_is_english_when_english_is_chosen(tmp_path):
    out = io.StringIO()
    with translation.override("en"):
        call_command(
            "import_roster", str(write_csv(tmp_path / "a.csv", GOOD)), "--dry-run", stdout=out
        )
    assert out.getvalue().startswith("(Dry run, nothing written) 3 added, 0 updated, 0 unchanged")
    assert chinese_in(out.getvalue()) == []


@pytest.mark.django_db
def test_duplicate_phone_inside_one_file_is_an_error(tmp_path):
    rows = [*GOOD, ["王秀英", "139 0000 0001", "清河县", "城关镇", "幸福里社区", "", "", ""]]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(write_csv(tmp_path / "dup.csv", rows)), stderr=err)
    assert "与第 2 行重复" in err.getvalue()


@pytest.mark.django_db
def test_missing_columns_are_reported(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("姓名,电话\n张三,13900000001\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少必需的列：手机号、县市、街镇、社区"):
        call_command("import_roster", str(path))


@pytest.mark.django_db
def test_reimport_updates_instead_of_duplicating(tmp_path):
    call_command("import_roster", str(write_csv(tmp_path / "a.csv", GOOD)), stdout=io.StringIO())
    changed = [list(row) for row in GOOD]
    changed[0][0] = "王秀英（改）"
    changed[0][4] = "新华社区"
    out = io.StringIO()
    call_command("import_roster", str(write_csv(tmp_path / "b.csv", changed)), stdout=out)
    assert "新增 0 人，更新 1 人，未变 2 人" in out.getvalue()
    assert User.objects.count() == 3
    profile = LearnerProfile.objects.get(user__phone="13900000001")
    assert profile.user.name == "王秀英（改）"
    assert profile.organisation.name == "新华社区"


@pytest.mark.django_db
def test_dry_run_reports_but_writes_nothing(tmp_path):
    out = io.StringIO()
    call_command("import_roster", str(write_csv(tmp_path / "a.csv", GOOD)), "--dry-run", stdout=out)
    assert "试运行" in out.getvalue() and "新增 3 人" in out.getvalue()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_admin_upload_shows_row_errors_and_imports_nothing(client, tmp_path):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    rows = [*GOOD, ["", "13900000009", "清河县", "城关镇", "幸福里社区", "", "", ""]]
    with open(write_csv(tmp_path / "bad.csv", rows), "rb") as handle:
        response = client.post("/admin/roster/import/", {"file": handle})
    assert response.status_code == 200
    assert "第 5 行：姓名不能为空。" in response.content.decode()
    assert LearnerProfile.objects.count() == 0
    with open(write_csv(tmp_path / "good.csv", GOOD), "rb") as handle:
        response = client.post("/admin/roster/import/", {"file": handle, "dry_run": ""})
    assert "新增 3 人" in response.content.decode()
    assert LearnerProfile.objects.count() == 3


def refused_rows(tmp_path, rows) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(write_csv(tmp_path / "bad.csv", rows)), stderr=err)
    assert User.objects.count() == 0 and Organisation.objects.count() == 0
    return err.getvalue()


@pytest.mark.django_db
def test_full_width_phone_numbers_from_chinese_input_methods_are_read(tmp_path):
    rows = [["王秀英", "１３９ ００００ ０００１", "清河县", "城关镇", "幸福里社区", "", "", ""]]
    call_command("import_roster", str(write_csv(tmp_path / "r.csv", rows)), stdout=io.StringIO())
    assert User.objects.get().phone == "13900000001"


@pytest.mark.django_db
@pytest.mark.parametrize("column", [0, 2, 3, 4, 5])
def test_a_control_character_in_a_cell_is_a_row_error(tmp_path, column):
    row = ["王秀英", "13900000001", "清河县", "城关镇", "幸福里社区", "正职", "6", "初级"]
    row[column] = row[column][:1] + "\x00" + row[column][1:]
    report = refused_rows(tmp_path, [*GOOD[1:], row])
    assert "第 4 行" in report and "控制字符" in report


@pytest.mark.django_db
def test_names_longer_than_their_columns_are_row_errors(tmp_path):
    rows = [
        ["王" * 51, "13900000001", "清河县", "城关镇", "幸福里社区", "", "", ""],
        ["刘志强", "13900000002", "清河县", "城关镇", "文" * 101, "", "", ""],
    ]
    report = refused_rows(tmp_path, rows)
    assert "第 2 行" in report and "姓名" in report
    assert "第 3 行" in report and "社区" in report


# --- set-based import (issue 21 item 4) -----------------------------------------------------

PLACES = [
    ("清河县", "城关镇", "幸福里社区"),
    ("清河县", "城关镇", "文昌社区"),
    ("临江区", "滨江街道", "望江社区"),
]


def roster(count: int, *, first: int = 1, name: str = "学员", places=PLACES) -> list[dict]:
    from learning.accounts.roster import COLUMNS

    records = []
    for number in range(first, first + count):
        county, street, community = places[number % len(places)]
        values = [
            f"{name}{number}",
            f"139{number:08d}",
            county,
            street,
            community,
            "正职",
            "6",
            "初级",
        ]
        records.append(dict(zip(COLUMNS, values, strict=True)))
    return records


def count_queries(records) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learning.accounts.roster import import_roster

    with CaptureQueriesContext(connection) as queries:
        report = import_roster(records)
    assert report.ok, report.errors
    return len(queries)


@pytest.mark.django_db
def test_the_queries_of_an_import_do_not_grow_with_its_rows():
    few = count_queries(roster(50))
    many = count_queries(roster(500, first=1000))
    assert many <= few
    assert LearnerProfile.objects.count() == 550


@pytest.mark.django_db
def test_the_queries_of_a_reimport_with_changes_do_not_grow_with_its_rows():
    from learning.points.ledger import award

    count_queries(roster(550))
    for user in User.objects.order_by("pk")[:600:10]:
        award(learner=user, action="course_completed", key="c1")
    moved = [
        ("清河县", "城关镇", "文昌社区"),
        ("临江区", "滨江街道", "望江社区"),
        ("清河县", "新区", "东苑社区"),
    ]
    few = count_queries(roster(50, name="改名", places=moved))
    many = count_queries(roster(500, first=51, name="改名", places=moved))
    assert many <= few


@pytest.mark.django_db
def test_an_import_moves_the_points_of_learners_who_changed_community(
    django_assert_max_num_queries,
):
    from learning.models import PointTotal
    from learning.points.ledger import award

    import_from = roster(3)
    from learning.accounts.roster import import_roster

    import_roster(import_from)
    moved_user = User.objects.get(phone="13900000001")
    award(learner=moved_user, action="course_completed", key="c1")
    import_roster(roster(3, places=[PLACES[2], PLACES[0], PLACES[1]]))
    profile = LearnerProfile.objects.select_related("organisation").get(user=moved_user)
    totals = PointTotal.objects.filter(learner=moved_user)
    assert totals.exists()
    assert set(totals.values_list("community_id", flat=True)) == {profile.organisation_id}
    assert set(totals.values_list("street_id", flat=True)) == {profile.organisation.get_parent().pk}


@pytest.mark.django_db
def test_new_organisations_keep_the_tree_valid():
    from learning.accounts.roster import import_roster

    places = [("清河县", f"街镇{s}", f"社区{s}-{c}") for s in range(12) for c in range(9)]
    import_roster(roster(len(places) * 2, places=places))
    assert Organisation.find_problems() == ([], [], [], [], [])
    import_roster(
        roster(30, first=5000, places=[("清河县", "街镇3", "新社区"), ("新县", "新镇", "新村")])
    )
    assert Organisation.find_problems() == ([], [], [], [], [])
    street = Organisation.objects.get(name="街镇3")
    names = [child.name for child in street.get_children()]
    assert names[-1] == "新社区" and len(names) == 10
    codes = list(Organisation.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))


@pytest.mark.django_db
def test_imported_learners_have_no_usable_password_and_can_be_found_by_phone():
    from learning.accounts.roster import import_roster

    import_roster(roster(3))
    user = User.objects.get(phone="13900000001")
    assert not user.has_usable_password()
    assert user.profile.organisation.full_name == "清河县 / 城关镇 / 文昌社区"
    assert (user.profile.post_type, user.profile.grade, user.profile.exam_level) == (
        "head",
        6,
        "junior",
    )


@pytest.mark.django_db
def test_a_street_past_99_communities_keeps_the_tree_valid():
    """Code 100 sorts before 99: those children go through treebeard's sorted insertion."""
    from learning.accounts.roster import import_roster

    places = [("清河县", "城关镇", f"社区{n:03d}") for n in range(101)]
    import_roster(roster(101, places=places))
    import_roster(roster(1, first=900, places=[("清河县", "城关镇", "新社区")]))
    assert Organisation.find_problems() == ([], [], [], [], [])
    street = Organisation.objects.get(name="城关镇")
    assert street.get_children().count() == 102 == street.numchild
    codes = [child.code for child in street.get_children()]
    assert codes == sorted(codes) and len(set(codes)) == 102
