import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from learning.models import LearnerProfile, Organisation, User
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def test_home_page_renders_in_chinese_with_navigation(client, home_page):
    html = client.get("/").content.decode()
    assert "社工学堂" in html and "讲师团" in html and "积分排名" in html
    assert 'lang="zh-hans"' in html
    # The home page names the site once (its page title is the site's name).
    assert "<title>社工学堂</title>" in html


def test_english_is_available_through_the_language_switch(client, home_page):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def test_learner_logs_in_on_the_site_by_phone(client, home_page, learner):
    response = client.post("/accounts/login/", {"username": learner.phone, "password": PASSWORD})
    assert response.status_code == 302
    assert "李晓梅" in client.get("/").content.decode()


def test_staff_log_in_to_wagtail_admin_by_phone(client, db):
    User.objects.create_superuser(phone="13800000000", name="管理员", password=PASSWORD)
    response = client.post("/admin/login/", {"username": "138 0000 0000", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_new(home_page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Organisation.objects.count(), LearnerProfile.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        LearnerProfile.objects.count(),
    ) == counts
    assert Organisation.objects.filter(kind="community").count() == 15
    assert 190 <= LearnerProfile.objects.count() <= 220
    for phone in ["13800000000", "13800000001", "13800000002", "13800000003"]:
        assert User.objects.get(phone=phone).check_password("xuetang2026")


def test_makemigrations_check_is_clean():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "learning.settings.test"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def manage_in_production(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``manage.py`` in a fresh process with the production settings and a minimal env."""
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "learning.settings.production",
            "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2Lm9" * 6,
            "ALLOWED_HOSTS": "xuetang.example.cn",
            **env,
        },
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage_in_production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_collectstatic_builds_the_compressed_manifest_with_production_settings(tmp_path):
    static_root = tmp_path / "static"
    result = manage_in_production(
        "collectstatic", "--noinput", "--verbosity", "0", STATIC_ROOT=str(static_root)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["learning/css/site.css"]
    assert hashed != "learning/css/site.css"
    assert (static_root / f"{hashed}.gz").exists()


def test_q_cluster_retry_must_exceed_timeout(settings):
    from learning.platform.checks import q_cluster_retry_exceeds_timeout

    settings.Q_CLUSTER = {"timeout": 120, "retry": 60}
    assert [e.id for e in q_cluster_retry_exceeds_timeout(None)] == ["learning.E001"]
    settings.Q_CLUSTER = {"timeout": 120, "retry": 180}
    assert q_cluster_retry_exceeds_timeout(None) == []


def test_home_shows_the_learners_points_panel(
    client, home_page, learner, django_assert_max_num_queries
):
    from learning.accounts.selectors import points_summary
    from learning.points.ledger import award

    award(learner=learner, action="course_completed", key="c1")
    client.force_login(learner)  # may add the day's log-in point
    # 14 before the readiness panel (备考评估), which reads the stored estimates in one query;
    # 18 with the exam countdown (考试倒计时: the profile, read once for every panel, and the
    # calendar's next day) and the training track (培训方案: its courses; none matches here).
    # The daily plan (今日学习) adds the ledger by day and action and the point rules' caps
    # (cached for a minute, so read here on a cold cache only).
    with django_assert_max_num_queries(20):
        html = client.get("/").content.decode()
    total = points_summary(learner)["total"]
    assert total >= 10
    assert "我的积分" in html and f"<dd>{total}</dd>" in html


def test_media_can_go_to_an_s3_compatible_object_store():
    # The settings module alone, in its own process: importing it here would change the
    # settings dictionaries this test run shares with learning.settings.base.
    script = (
        "import json; from learning.settings import production as p;"
        "print(json.dumps(p.STORAGES['default']))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter with a fixed script
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2Lm9" * 6,
            "MEDIA_STORAGE": "s3",
            "MEDIA_BUCKET": "xuetang-media",
            "MEDIA_ENDPOINT_URL": "https://oss-cn-hangzhou.aliyuncs.com",
        },
    )
    assert result.returncode == 0, result.stderr
    media = json.loads(result.stdout)
    assert media["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["bucket_name"] == "xuetang-media"
    assert media["OPTIONS"]["endpoint_url"] == "https://oss-cn-hangzhou.aliyuncs.com"
