import io

from django.core.management import call_command

from lecturers.models import LecturerPage, LecturerType, TrainingSession


def test_demo_loads_lecturers_of_every_type_and_sessions_idempotently(client, db, settings):
    settings.DEMO_LOADERS = ["learning.accounts.demo.load", "lecturers.demo.load"]
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    lecturers = LecturerPage.objects.live()
    assert lecturers.count() >= 12
    assert set(lecturers.values_list("lecturer_type", flat=True)) == set(LecturerType.values)
    assert all(page.photo_id for page in lecturers)
    assert LecturerPage.objects.get(user__phone="13800000003").title == "陈静"
    sessions = TrainingSession.objects.all()
    assert sessions.filter(ends_at__lt=sessions[0].created_at).exists()
    assert sessions.filter(starts_at__gt=sessions[0].created_at).exists()
    assert sessions.filter(enrolments__attended_at__isnull=False).exists()
    html = client.get("/lecturers/").content.decode()
    assert "陈静" in html and "高级社会工作者" in html
    assert client.get("/trainings/").status_code == 200


def test_portraits_fall_back_to_a_silhouette_without_a_cjk_font(monkeypatch):
    from lecturers import portraits

    monkeypatch.setattr(portraits, "cjk_font_path", lambda: None)
    assert portraits.portrait_png("陈静").startswith(b"\x89PNG")
