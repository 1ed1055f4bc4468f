"""Benchmark data of the lecturer pool (`manage.py generate_load_data`, LOAD_DATA_GENERATORS).

Thirty published lecturers of every type with portraits (renditions made up front, as the
upload task does) in the directory at ``/lecturers/``. Idempotent: pages are found by slug.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from learning.load_data import CODE_PREFIX, PHONE_PREFIX
from learning.models import LearnerProfile, Organisation
from learning.site.home_page import ensure_home_page
from lecturers import services
from lecturers.models import Enrolment, LecturerPage, LecturerType, TrainingSession
from lecturers.portraits import portrait_png
from lecturers.tasks import make_photo_renditions

LECTURERS = 30
SLUG_PREFIX = "bench-lecturer-"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "丽华", "志强", "秀英", "海燕", "明辉", "晓东", "红梅", "文杰", "春兰"]
EXPERTISE = ["基层党建", "社区治理", "矛盾调解", "政策解读", "社会工作实务", "养老服务"]


def generate(*, learners: int, seed: int, stdout=None, **options) -> None:
    index = services.ensure_lecturer_index(home=ensure_home_page())
    existing = set(
        LecturerPage.objects.child_of(index)
        .filter(slug__startswith=SLUG_PREFIX)
        .values_list("slug", flat=True)
    )
    types = LecturerType.values
    created = 0
    for number in range(LECTURERS):
        slug = f"{SLUG_PREFIX}{number:02d}"
        if slug in existing:
            continue
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]
        image = get_image_model()(title=f"压测讲师照片·{number:02d}")
        image.file = ImageFile(
            io.BytesIO(portrait_png(name, index=number)), name=f"bench-lecturer-{number}.png"
        )
        image.save()
        make_photo_renditions(image.pk)
        services.save_lecturer(
            index=index,
            name=name,
            lecturer_type=types[number % len(types)],
            slug=slug,
            position="高级讲师",
            organisation="压测培训中心",
            intro="长期从事基层社会工作培训。",
            bio="<p>从事社区工作十余年，擅长案例教学。</p>",
            expertise=[
                EXPERTISE[number % len(EXPERTISE)],
                EXPERTISE[(number + 1) % len(EXPERTISE)],
            ],
            photo=image,
        )
        created += 1
    if stdout is not None:
        stdout.write(
            _("压测讲师新增 %(created)s 位（共 %(total)s 位）。")
            % {"created": created, "total": LECTURERS}
        )
    sessions, seats = _sessions(random.Random(seed + 3))  # noqa: S311 - synthetic data
    if stdout is not None and sessions:
        stdout.write(
            _("合成线下培训 %(sessions)s 场，报名 %(seats)s 人次。")
            % {"sessions": sessions, "seats": seats}
        )


#: Offline sessions for the organisers' attendance report: one a week over the last
#: ``SESSION_WEEKS`` weeks, each for the synthetic learners of one county, about
#: ``SESSION_SEATS`` seats filled and 70–95 % checked in.
SESSION_TITLE = "压测线下集训"
SESSION_WEEKS = 26
SESSION_SEATS = 200


def _sessions(rng: random.Random) -> tuple[int, int]:
    """Created once (found by title); learners enrolled by county, most of them checked in."""
    if TrainingSession.objects.filter(title__startswith=SESSION_TITLE).exists():
        return 0, 0
    counties = list(
        Organisation.objects.filter(code__startswith=CODE_PREFIX, depth=1).order_by("path")
    )
    if not counties:
        return 0, 0
    now = timezone.now()
    seats = 0
    for week in range(SESSION_WEEKS):
        county = counties[week % len(counties)]
        starts = now - timedelta(weeks=SESSION_WEEKS - week, hours=rng.randint(0, 72))
        session = TrainingSession.objects.create(
            kind=rng.choice(TrainingSession.Kind.values),
            title=f"{SESSION_TITLE}第{week + 1}期（{county.name}）",
            venue="压测培训中心",
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            capacity=SESSION_SEATS,
        )
        session.target_organisations.add(county)
        learners = list(
            LearnerProfile.objects.filter(
                user__phone__startswith=PHONE_PREFIX, organisation__path__startswith=county.path
            ).values_list("user_id", flat=True)[: SESSION_SEATS * 20]
        )
        chosen = rng.sample(
            learners, min(len(learners), rng.randint(SESSION_SEATS // 2, SESSION_SEATS))
        )
        turnout = rng.uniform(0.7, 0.95)
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    session=session,
                    learner_id=learner_id,
                    created_at=starts - timedelta(days=rng.randint(1, 14)),
                    attended_at=starts + timedelta(minutes=rng.randint(-20, 30))
                    if rng.random() < turnout
                    else None,
                )
                for learner_id in chosen
            ],
            batch_size=1000,
        )
        seats += len(chosen)
    return SESSION_WEEKS, seats
