import pytest
from django.contrib.auth.models import Group

from learning.accounts import roles
from learning.accounts.organisations import get_or_create_path
from learning.models import (
    LearnerProfile,
    MessageTemplate,
    Organiser,
    ReminderRule,
    SmsMessage,
    User,
)
from learning.reminders import evaluate_all
from learning.sms import RetryableSmsError
from learning.sms.backends import BaseSmsBackend
from learning.sms.delivery import queue, send_due, set_opt_out


@pytest.fixture
def organiser(db, community):
    user = User.objects.create_user(phone="13800000002", name="王建国", password="pw")
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    Organiser.objects.create(user=user, organisation=community.get_parent())
    return user


def test_every_kind_has_a_default_template(db):
    assert MessageTemplate.objects.count() == 11  # 8 reminder kinds, check-in notice, 2 codes


def test_template_form_refuses_unknown_placeholders(client, organiser):
    client.force_login(organiser)
    template = MessageTemplate.objects.get(kind="inactivity")
    response = client.post(
        f"/admin/sms_templates/edit/{template.pk}/", {"body": "{name}，试卷《{paper_title}》"}
    )
    assert response.status_code == 200 and "未知占位符 {paper_title}" in response.content.decode()
    template.refresh_from_db()
    assert "paper_title" not in template.body


def test_template_form_saves_a_valid_body(client, organiser):
    client.force_login(organiser)
    template = MessageTemplate.objects.get(kind="inactivity")
    response = client.post(
        f"/admin/sms_templates/edit/{template.pk}/", {"body": "{name}，已{days}天没学习了"}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "{name}，已{days}天没学习了"


def test_template_form_carries_the_live_segment_counter(client, organiser):
    client.force_login(organiser)
    template = MessageTemplate.objects.get(kind="exam_countdown")
    html = client.get(f"/admin/sms_templates/edit/{template.pk}/").content.decode()
    assert "learning/js/sms_counter.js" in html and "data-sms-counter" in html
    assert 'data-sms-signature="【社工学堂】"' in html and "days_left" in html
    assert 'data-sms-count-text="含签名与退订语约 {length} 字，计 {segments} 条短信。"' in html


def test_organiser_creates_a_rule_for_a_street_and_level(client, organiser, community):
    client.force_login(organiser)
    response = client.post(
        "/admin/reminder_rules/new/",
        {
            "name": "城关镇初级考前倒计时",
            "kind": "exam_countdown",
            "active": "on",
            "priority": "10",
            "organisations": [community.get_parent().pk],
            "exam_levels": ["junior"],
            "send_time": "09:00",
            "inactive_days": "7",
            "countdown_days": "30,7,1",
            "weekday": "0",
        },
    )
    assert response.status_code == 302
    rule = ReminderRule.objects.get()
    assert rule.exam_levels == ["junior"] and list(rule.organisations.all()) == [
        community.get_parent()
    ]


def test_message_log_masks_numbers_and_shows_only_the_organisers_street(
    client, organiser, make_learner, django_assert_max_num_queries
):
    mine = make_learner(name="本街学员")
    other, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    theirs = make_learner(name="外街学员", organisation=other)
    for person in (mine, theirs):
        queue(phone=person.phone, body="提醒", key=f"k{person.pk}", learner=person)
    client.force_login(organiser)
    with django_assert_max_num_queries(40):
        html = client.get("/admin/sms_messages/").content.decode()
    assert "本街学员" in html and "外街学员" not in html
    assert mine.phone not in html and mine.masked_phone in html
    detail = client.get(f"/admin/sms_messages/inspect/{SmsMessage.objects.get(learner=mine).pk}/")
    assert mine.phone not in detail.content.decode()
    hidden = SmsMessage.objects.get(learner=theirs).pk
    assert client.get(f"/admin/sms_messages/inspect/{hidden}/").status_code == 302


def test_message_log_is_read_only(client, organiser, learner):
    message = queue(phone=learner.phone, body="提醒", key="k", learner=learner)
    client.force_login(organiser)
    assert client.get(f"/admin/sms_messages/edit/{message.pk}/").status_code == 302
    assert client.get("/admin/sms_messages/new/").status_code == 302


def test_report_counts_per_day_and_rule(client, organiser, learner, reminder_rule):
    reminder_rule("daily_practice", name="每日一练提醒")
    other = User.objects.create_user(phone="13900000009", name="退订者", password="pw")
    LearnerProfile.objects.create(user=other, organisation=learner.profile.organisation)
    set_opt_out(phone=other.phone, opted_out=True)
    evaluate_all()
    send_due(now=SmsMessage.objects.order_by("next_attempt_at").last().next_attempt_at)
    client.force_login(organiser)
    html = client.get("/admin/reminders/report/").content.decode()
    assert "每日一练提醒" in html
    assert (
        "<td>每日一练提醒</td><td>1</td>\n                            <td>1</td><td>0</td><td>1</td>"
        in html
    )


@pytest.mark.parametrize(
    "path",
    [
        "/admin/reminder_rules/",
        "/admin/reminder_rules/new/",
        "/admin/sms_templates/",
        "/admin/sms_messages/",
        "/admin/sms_opt_outs/",
        "/admin/task_schedules/",
        "/admin/reminders/report/",
    ],
)
def test_administrator_sees_every_reminder_screen(client, db, path):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    assert client.get(path).status_code == 200


def test_schedules_are_listed_in_the_admin(client, db):
    admin = User.objects.create_superuser(phone="13800000000", name="管理员", password="pw")
    client.force_login(admin)
    html = client.get("/admin/task_schedules/").content.decode()
    assert "学习提醒：评估规则" in html and "learning.tasks.send_due_messages" in html


def test_opt_out_list_masks_numbers_and_cannot_be_edited(client, organiser, learner):
    set_opt_out(phone=learner.phone, opted_out=True)
    set_opt_out(phone="13912345678", opted_out=True)  # not a learner of this street
    client.force_login(organiser)
    html = client.get("/admin/sms_opt_outs/").content.decode()
    assert learner.masked_phone in html and learner.phone not in html
    assert "139****5678" not in html
    assert client.get("/admin/sms_opt_outs/new/").status_code == 302


class Unreachable(BaseSmsBackend):
    def send(self, message):
        raise RetryableSmsError("HTTP 503 SYSTEM_ERROR")


def test_failed_messages_are_shown_on_the_admin_home_page_in_scope(
    client, organiser, make_learner, settings
):
    from datetime import timedelta

    from django.utils import timezone

    settings.SMS_BACKEND = "tests.learning.reminders.test_reminder_admin.Unreachable"
    settings.SMS_MAX_ATTEMPTS = 2
    mine = make_learner(name="本街学员")
    other, _ = get_or_create_path("临江区", "滨江街道", "望江社区")
    theirs = make_learner(name="外街学员", organisation=other)
    moment = timezone.localtime().replace(hour=12)
    for person in (mine, theirs):
        queue(phone=person.phone, body="提醒", key=f"k{person.pk}", learner=person, now=moment)
    send_due(now=moment)
    send_due(now=moment + timedelta(minutes=5))
    assert SmsMessage.objects.filter(status="failed").count() == 2
    client.force_login(organiser)
    html = client.get("/admin/").content.decode()
    assert "短信发送失败" in html and "最近 7 天有 1 条短信" in html
    assert mine.masked_phone in html and theirs.masked_phone not in html
    assert "HTTP 503 SYSTEM_ERROR" in html and "/admin/sms_messages/?status=failed" in html


def test_no_failure_panel_when_nothing_failed(client, organiser):
    client.force_login(organiser)
    assert "短信发送失败" not in client.get("/admin/").content.decode()


def test_template_form_shows_preview_longest_segments_and_provider_texts(client, organiser):
    client.force_login(organiser)
    template = MessageTemplate.objects.get(kind="exam_countdown")
    html = client.get(f"/admin/sms_templates/edit/{template.pk}/").content.decode()
    assert "预览：【社工学堂】李晓梅您好，距2027年6月13日考试还有30天" in html
    assert "最长展开" in html and "${name}您好，距${exam_date}考试还有${days_left}天" in html
    assert "{1}您好，距{2}考试还有{3}天" in html
    assert 'name="aliyun_code"' in html and 'name="tencent_code"' in html


def test_changing_an_approved_body_requires_new_codes(client, organiser):
    client.force_login(organiser)
    template = MessageTemplate.objects.get(kind="inactivity")
    template.aliyun_code, template.tencent_code = "SMS_1", "1001"
    template.save()
    edit = f"/admin/sms_templates/edit/{template.pk}/"
    changed = {"body": "{name}，已{days}天没学习了", "aliyun_code": "SMS_1", "tencent_code": ""}
    response = client.post(edit, changed)
    assert response.status_code == 200 and "审核通过的是旧正文" in response.content.decode()
    assert client.post(edit, {**changed, "aliyun_code": "SMS_2"}).status_code == 302
    template.refresh_from_db()
    assert (template.aliyun_code, template.tencent_code) == ("SMS_2", "")


def test_demo_templates_have_placeholder_codes_for_both_providers(db):
    from learning.reminders.demo import placeholder_codes

    placeholder_codes()
    placeholder_codes()
    codes = MessageTemplate.objects.values_list("aliyun_code", "tencent_code")
    assert len(codes) == 11 and all(aliyun and tencent for aliyun, tencent in codes)
    assert len({aliyun for aliyun, _t in codes}) == 11
