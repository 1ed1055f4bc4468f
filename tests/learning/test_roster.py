import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from learning.models import LearnerProfile, Organisation, User
from learning.roster import COLUMNS

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
