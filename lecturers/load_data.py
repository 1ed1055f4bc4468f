"""Benchmark data of the lecturer pool (`manage.py generate_load_data`, LOAD_DATA_GENERATORS).

Thirty published lecturers of every type with portraits (renditions made up front, as the
upload task does) in the directory at ``/lecturers/``. Idempotent: pages are found by slug.
"""

from __future__ import annotations

import io

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from learning.sites import ensure_home_page
from lecturers import services
from lecturers.models import LecturerPage, LecturerType
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
        stdout.write(f"压测讲师新增 {created} 位（共 {LECTURERS} 位）。")
