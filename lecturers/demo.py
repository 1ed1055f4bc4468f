"""Demo content of the lecturer pool: the directory at ``/lecturers/``, thirteen lecturers of
every type with placeholder portraits, and past and upcoming offline sessions with
enrolments and attendance. Built through the app's services; idempotent."""

from __future__ import annotations

import io
import random
from datetime import datetime, time, timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from learning.models import HomePage, LearnerProfile, Organisation, User
from learning.sms.delivery import send_due
from lecturers import services
from lecturers.models import LecturerPage, LecturerType, TrainingSession
from lecturers.portraits import portrait_png
from lecturers.tasks import make_photo_renditions

T = LecturerType
#: The demo lecturer account of learning.accounts.demo (API.md's demo accounts), linked to 陈静's page.
LECTURER_ACCOUNT_PHONE = "13800000003"
DEMO_LEARNER_PHONE = "13800000001"

# slug, name, type, position, organisation, intro, bio paragraphs, expertise
LECTURERS = [
    (
        "zhou-minghua",
        "周明华",
        T.PARTY_SCHOOL,
        "党建教研室副主任、副教授",
        "市委党校",
        "讲党建，更讲怎么把党建落到楼栋里。",
        [
            "长期从事基层党建和城市社区治理研究，主持完成市级课题六项，"
            "参与起草全市“党建引领网格化治理”实施方案。",
            "授课注重案例教学，常把社区书记请进课堂同台讨论，学员评价“听得懂、用得上”。",
        ],
        ["基层党建", "党建引领社区治理", "政策解读"],
    ),
    (
        "liu-weidong",
        "刘卫东",
        T.PARTY_SCHOOL,
        "公共管理教研室讲师",
        "清河县委党校",
        "把法律条文讲成社区里天天用得着的办法。",
        [
            "法学硕士，先后在乡镇司法所和县委党校工作，熟悉基层矛盾纠纷的来龙去脉。",
            "近年主讲《村（居）民委员会组织法》解读、依法开展居务公开等课程。",
        ],
        ["法治建设", "社区治理", "政策解读"],
    ),
    (
        "sun-liping",
        "孙丽萍",
        T.DEPARTMENT_HEAD,
        "基层政权建设和社区治理科科长",
        "市民政局",
        "全市社区工作者队伍建设的“总调度”。",
        [
            "负责全市社区工作者职业体系建设，牵头制定社区工作者岗位等级序列和薪酬办法。",
            "熟悉社区减负增效、社区服务设施建设等政策，能把文件背后的考虑讲清楚。",
        ],
        ["社区工作者队伍建设", "社区治理", "政策解读"],
    ),
    (
        "huang-zhigang",
        "黄志刚",
        T.DEPARTMENT_HEAD,
        "职业能力建设科科长",
        "市人力资源和社会保障局",
        "讲清楚社工职业水平考试的报名、考试和证书。",
        [
            "负责全市社会工作者职业水平考试的组织实施和证书管理，连续八年参与考务工作。",
            "常年在考前培训中解答报名条件、继续教育和职称对应等问题。",
        ],
        ["职业水平考试", "继续教育", "职业发展"],
    ),
    (
        "lin-xiuying",
        "林秀英",
        T.COMMUNITY_SECRETARY,
        "社区党委书记、居委会主任",
        "清河县城关镇幸福里社区",
        "在老旧小区里干了十九年的“娘家人”。",
        [
            "扎根幸福里社区十九年，带领居民完成三个老旧小区改造，"
            "首创“楼栋议事会”，社区连续五年零信访。",
            "全省优秀社区党组织书记，多次在书记论坛上分享居民议事的做法。",
        ],
        ["居民议事", "老旧小区改造", "网格化管理"],
    ),
    (
        "he-jianguo",
        "何建国",
        T.COMMUNITY_SECRETARY,
        "社区党委书记",
        "临江区滨江街道滨江花园社区",
        "物业矛盾怎么调，他有一本“明白账”。",
        [
            "退役军人，2012 年起任滨江花园社区书记，推动成立业委会和“红色物业”联席会，"
            "物业费收缴率从六成提高到九成以上。",
            "组建两百余人的志愿服务队，社区获评全国示范性老年友好型社区。",
        ],
        ["物业矛盾调处", "志愿服务", "网格化管理"],
    ),
    (
        "wu-min",
        "吴敏",
        T.PROFESSOR,
        "社会工作系教授、博士生导师",
        "江州大学社会与公共管理学院",
        "把社会工作理论讲成一线社工的工具箱。",
        [
            "研究方向为社区社会工作与社会政策，出版专著《城市社区的社会工作介入》，"
            "主持国家社科基金项目两项。",
            "多年担任社会工作者职业水平考试考前辅导主讲，擅长梳理《社会工作综合能力》知识体系。",
        ],
        ["社会工作理论", "社区社会工作", "考试辅导"],
    ),
    (
        "zheng-xiaoyan",
        "郑晓燕",
        T.PROFESSOR,
        "社会工作专业副教授",
        "江州师范学院",
        "法规与政策这门课，她能讲出条理来。",
        [
            "主讲社会工作法规与政策、青少年社会工作等课程，参与编写省级社会工作培训教材。",
            "长期带学生在社区实习，熟悉初级、中级考试中的高频考点和易错点。",
        ],
        ["社会工作法规与政策", "青少年社会工作", "考试辅导"],
    ),
    (
        "chen-jing",
        "陈静",
        T.SENIOR_SOCIAL_WORKER,
        "高级社会工作师、中心主任",
        "市阳光社会工作服务中心",
        "一线做了十五年个案的资深社工。",
        [
            "2011 年入行，先后从事老年、残障和社区矫正服务，累计督导个案三百余个。",
            "带领团队承接全市十二个街镇社工站运营，主讲个案工作、小组工作实务课程。",
        ],
        ["个案工作", "小组工作", "老年社会工作"],
    ),
    (
        "ma-jun",
        "马俊",
        T.SENIOR_SOCIAL_WORKER,
        "社会工作督导",
        "清河县启航社工站",
        "困境儿童帮扶项目的带头人。",
        [
            "中级社会工作师，省级社会工作督导人才，负责全县困境儿童关爱帮扶项目。",
            "善于用真实案例讲解需求评估、服务计划和结案评估的完整流程。",
        ],
        ["社会工作督导", "困境儿童帮扶", "个案工作"],
    ),
    (
        "xu-wentao",
        "许文涛",
        T.INDUSTRY_EXPERT,
        "国家二级心理咨询师",
        "市心理卫生协会",
        "教社区工作者先照顾好自己，再去帮助别人。",
        [
            "从事心理咨询与危机干预工作十余年，参与多起突发事件后的心理援助。",
            "为社区工作者开设情绪管理、压力疏导和危机识别课程。",
        ],
        ["心理疏导", "危机干预", "情绪管理"],
    ),
    (
        "liang-ting",
        "梁婷",
        T.INDUSTRY_EXPERT,
        "执业律师、社会治理专业委员会委员",
        "市律师协会",
        "把法律服务送到社区调解室。",
        [
            "执业十二年，长期担任多个社区的法律顾问，参与人民调解案件四百余件。",
            "主讲婚姻家庭、邻里纠纷和劳动争议中的法律要点。",
        ],
        ["法律援助", "人民调解", "法治建设"],
    ),
    (
        "tang-guoqing",
        "唐国庆",
        T.INDUSTRY_EXPERT,
        "应急救援培训中心高级讲师",
        "市应急管理局",
        "台风、火灾、燃气泄漏，先练后用。",
        [
            "组织全市社区应急演练两百余场，编写《社区突发事件应急处置手册》。",
            "擅长设计贴近社区实际的模拟演练脚本，带领网格员实地操作。",
        ],
        ["应急管理", "模拟演练", "安全生产"],
    ),
]

# title, kind, days from today, start hour, hours, capacity, venue, lecturer slugs,
# target organisation names (empty = everyone), description
SESSIONS = [
    (
        "社区书记能力提升集训（第一期）",
        TrainingSession.Kind.INTENSIVE,
        -20,
        9,
        7,
        60,
        "市委党校第二教学楼 201 教室",
        ["zhou-minghua", "lin-xiuying"],
        [],
        "围绕党建引领社区治理、居民议事和老旧小区改造开展为期一天的集中培训。",
    ),
    (
        "书记论坛·老旧小区改造中的居民议事",
        TrainingSession.Kind.FORUM,
        -8,
        14,
        3,
        40,
        "城关镇党群服务中心多功能厅",
        ["lin-xiuying", "he-jianguo"],
        ["清河县"],
        "两位社区书记分享改造前的意见征集、改造中的矛盾调处和改造后的长效管理。",
    ),
    (
        "突发事件应急处置模拟演练",
        TrainingSession.Kind.DRILL,
        1,
        9,
        3,
        40,
        "滨江街道应急演练基地",
        ["tang-guoqing"],
        ["临江区"],
        "模拟台风过境时的转移安置和燃气泄漏处置，请穿便于活动的服装。",
    ),
    (
        "社会工作者职业水平考试（初级）考前集训",
        TrainingSession.Kind.INTENSIVE,
        3,
        9,
        7,
        80,
        "市委党校报告厅",
        ["wu-min", "zheng-xiaoyan", "huang-zhigang"],
        [],
        "串讲《社会工作综合能力》和《社会工作实务》重点，下午安排一套真题讲评。",
    ),
    (
        "智囊团社区行·幸福里站",
        TrainingSession.Kind.THINK_TANK,
        6,
        14,
        3,
        30,
        "幸福里社区党群服务站",
        ["chen-jing", "ma-jun", "xu-wentao"],
        ["城关镇"],
        "专家走进社区，现场会诊独居老人关爱和困境儿童帮扶中的难点个案。",
    ),
    (
        "现场访谈：网格员的一天",
        TrainingSession.Kind.INTERVIEW,
        10,
        9,
        4,
        20,
        "滨江花园社区",
        ["he-jianguo"],
        ["临江区"],
        "跟随网格员走访楼栋，现场访谈居民，回到社区后集中复盘。",
    ),
    (
        "书记论坛·物业矛盾调处经验交流",
        TrainingSession.Kind.FORUM,
        14,
        14,
        3,
        50,
        "临江区社会治理中心报告厅",
        ["he-jianguo", "liang-ting"],
        [],
        "红色物业、业委会组建和物业纠纷调解的经验交流，律师现场解答法律问题。",
    ),
]


def _photo(name: str, index: int):
    Image = get_image_model()
    title = f"讲师照片·{name}"
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title)
        image.file = ImageFile(
            io.BytesIO(portrait_png(name, index=index)), name=f"lecturer-{index}.png"
        )
        image.save()
    return image


def _lecturers(index) -> dict[str, LecturerPage]:
    account = User.objects.filter(phone=LECTURER_ACCOUNT_PHONE).first()
    pages = {}
    for number, (slug, name, kind, position, organisation, intro, bio, expertise) in enumerate(
        LECTURERS
    ):
        existing = LecturerPage.objects.child_of(index).filter(slug=slug).first()
        if existing is not None:
            # Already loaded: keep editors' changes and avoid piling up revisions.
            pages[slug] = existing
            continue
        photo = _photo(name, number)
        pages[slug] = services.save_lecturer(
            index=index,
            name=name,
            lecturer_type=kind,
            slug=slug,
            position=position,
            organisation=organisation,
            intro=intro,
            bio="".join(f"<p>{paragraph}</p>" for paragraph in bio),
            expertise=expertise,
            photo=photo,
            user=account if slug == "chen-jing" else None,
        )
        make_photo_renditions(photo.pk)
    return pages


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _sessions(pages: dict[str, LecturerPage]) -> None:
    # Learners from all over the prefecture, the demo learner first so that their account
    # shows enrolments and attendance.
    learners = list(User.objects.filter(profile__isnull=False).order_by("pk"))
    random.Random(2026).shuffle(learners)
    learners.sort(key=lambda user: user.phone != DEMO_LEARNER_PHONE)
    for title, kind, days, hour, hours, capacity, venue, slugs, targets, text in SESSIONS:
        starts_at = _at(days, hour)
        session, created = TrainingSession.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=hours),
                "capacity": capacity,
                "venue": venue,
                "description": text,
            },
        )
        session.lecturers.set([pages[slug] for slug in slugs])
        session.target_organisations.set(Organisation.objects.filter(name__in=targets))
        if not created:
            continue
        enrol_at = session.starts_at - timedelta(days=3)
        seats = min(capacity - 2, 24)
        enrolled = []
        for learner in learners:
            if len(enrolled) >= seats:
                break
            try:
                services.enrol(session=session, learner=learner, now=enrol_at)
            except services.TrainingError:
                continue
            enrolled.append(learner)
        if days < 0:
            # Most of those enrolled came and checked in ten minutes after the start.
            # Their 签到通知 went out then, not weeks late from the first worker sweep.
            checked_in_at = session.starts_at + timedelta(minutes=10)
            keys = []
            for learner in enrolled[: len(enrolled) * 4 // 5]:
                services.check_in(
                    session=session,
                    learner=learner,
                    code=session.check_in_code,
                    now=checked_in_at,
                )
                keys.append(f"checkin:{session.pk}:{learner.pk}")
            send_due(keys=keys, now=checked_in_at)


def load(*, stdout=None) -> None:
    home = HomePage.objects.first()
    index = services.ensure_lecturer_index(home=home)
    pages = _lecturers(index)
    _sessions(pages)
    if stdout is not None:
        stdout.write(
            _(
                "讲师 %(lecturers)s 位（/lecturers/），线下培训 %(sessions)s 场（/trainings/），"
                "学员 %(learners)s 人可报名"
            )
            % {
                "lecturers": LecturerPage.objects.count(),
                "sessions": TrainingSession.objects.count(),
                "learners": LearnerProfile.objects.count(),
            }
        )
