"""Demo content of the learner core: the prefecture's organisations, learners and accounts.

Built through the same services as real data (roster import, organisation tree), and
idempotent: every object is found by its natural key before it is created.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext

from learning.accounts import roles
from learning.accounts.organisations import get_or_create_child
from learning.accounts.roster import import_roster
from learning.exam_calendar import calendar_day
from learning.models import LearnerProfile, Organiser, User
from learning.models.profiles import ExamLevel

DEMO_PASSWORD = "xuetang2026"  # noqa: S105 - demo accounts only (API.md)

#: county -> street -> communities (with residents, for the staffing ratio reports)
TREE = {
    "清河县": {
        "城关镇": ["幸福里社区", "文昌社区", "新华社区"],
        "桃源街道": ["桃源社区", "春晖社区", "杏林社区"],
        "南湖镇": ["南湖社区", "渔港社区", "荷塘社区"],
    },
    "临江区": {
        "滨江街道": ["滨江花园社区", "望江社区", "和平社区"],
        "东门街道": ["东门社区", "鼓楼社区", "启明社区"],
    },
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = [
    "秀英",
    "桂英",
    "晓梅",
    "丽娟",
    "海燕",
    "建华",
    "志强",
    "国庆",
    "文静",
    "思雨",
    "雪梅",
    "红霞",
    "春燕",
    "立新",
    "伟",
    "芳",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂兰",
    "玉兰",
    "晓东",
    "海波",
    "婷婷",
    "欣怡",
    "子涵",
    "雨桐",
    "佳怡",
    "浩然",
    "宇轩",
]

ACCOUNTS = [
    # phone, name, role
    ("13800000000", "系统管理员", "admin"),
    ("13800000001", "李晓梅", "learner"),
    ("13800000002", "王建国", "organiser"),
    ("13800000003", "陈静", "lecturer"),
]


def next_exam_date(today: date, level: str = ExamLevel.JUNIOR) -> date:
    """The level's next exam day from the exam calendar (learning.exam_calendar); without a
    calendar year ahead, the fourth Sunday of May, when the 2025 and 2026 exams were held."""
    found = calendar_day(level, today=today)
    if found is not None:
        return found[0]
    year = today.year
    while True:
        first = date(year, 5, 1)
        sunday = first + timedelta(days=(6 - first.weekday()) % 7 + 21)
        if sunday >= today:
            return sunday
        year += 1


def _roster_records(exam_date: date) -> list[dict[str, str]]:
    rng = random.Random(2026)
    records, serial = [], 100
    for county, streets in TREE.items():
        for street, communities in streets.items():
            for community in communities:
                for position in range(13):
                    serial += 1
                    post = "正职" if position == 0 else "副职" if position < 3 else "一般工作人员"
                    records.append(
                        {
                            "姓名": rng.choice(SURNAMES) + rng.choice(GIVEN),
                            "手机号": f"139{serial:08d}",
                            "县市": county,
                            "街镇": street,
                            "社区": community,
                            "岗位类别": post,
                            "等级": str(rng.randint(1, 18)),
                            "报考级别": rng.choice(["初级", "初级", "初级", "中级", ""]),
                        }
                    )
    return records


def load(*, stdout=None) -> None:
    rng = random.Random(14)
    for county, streets in TREE.items():
        county_node, _ = get_or_create_child(parent=None, name=county)
        for street, communities in streets.items():
            street_node, _ = get_or_create_child(parent=county_node, name=street)
            for community in communities:
                get_or_create_child(
                    parent=street_node, name=community, residents=rng.randint(4, 12) * 1000
                )
    exam_date = next_exam_date(timezone.localdate())
    report = import_roster(_roster_records(exam_date))
    if not report.ok:
        raise RuntimeError("; ".join(str(error) for error in report.errors))
    for level in (ExamLevel.JUNIOR, ExamLevel.INTERMEDIATE):
        LearnerProfile.objects.filter(exam_level=level).update(
            exam_date=next_exam_date(timezone.localdate(), level)
        )
    _certificates(exam_date)
    _accounts(exam_date)
    if stdout is not None:
        stdout.write(
            gettext("学员 %(learners)s 人，机构 %(organisations)s 个新建")
            % {
                "learners": LearnerProfile.objects.count(),
                "organisations": report.organisations_created,
            }
        )


def _certificates(exam_date: date) -> None:
    """Roster workers not sitting the exam hold a certificate already: those of the last
    results day (September, before the 12 months the organisers' trend shows), and one or
    two a month since (a later sitting, a transfer in), so the trend has a slope."""
    today = timezone.localdate()
    holders = LearnerProfile.objects.filter(exam_level="", user__phone__startswith="139")
    for number, profile in enumerate(holders.select_related("user").order_by("pk")):
        months_ago = number % 14
        profile.certificate_level = ExamLevel.JUNIOR if number % 4 else ExamLevel.INTERMEDIATE
        profile.certificate_number = f"SG{profile.user.phone[-6:]}"
        profile.certificate_date = (
            date(exam_date.year - 2, 9, 1)
            if months_ago >= 12
            else today - timedelta(days=30 * months_ago + number % 20)
        )
        profile.save()


def _accounts(exam_date: date) -> None:
    organisers = Group.objects.get(name=roles.ORGANISERS)
    lecturers = Group.objects.get(name=roles.LECTURERS)
    home_community = LearnerProfile.objects.order_by("pk").first().organisation
    for phone, name, role in ACCOUNTS:
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User.objects.create_user(phone=phone, name=name)
        user.name = name
        user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = role == "admin"
        user.save()
        if role == "learner":
            LearnerProfile.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": home_community,
                    "exam_level": ExamLevel.JUNIOR,
                    "exam_date": exam_date,
                    "grade": 6,
                },
            )
        elif role == "organiser":
            Organiser.objects.get_or_create(user=user)
            user.groups.add(organisers)
        elif role == "lecturer":
            user.groups.add(lecturers)
