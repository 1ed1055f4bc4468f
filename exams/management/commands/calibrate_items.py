"""``manage.py calibrate_items [--subject S]``: fit item difficulties and learner abilities."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.models import Level, Subject
from exams.readiness import service
from learning.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("根据全部已评分的作答，拟合题目难度和学员能力（Rasch/2PL 模型）。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject", choices=Subject.values, help=gettext_lazy("只拟合这一科目。")
        )

    def handle(self, *args, subject=None, **options):
        for row in service.calibrate_all(subject=subject):
            self.stdout.write(
                _("%(level)s·%(subject)s：%(answers)s 次作答，%(learners)s 名学员，%(items)s 道题")
                % {
                    **row,
                    "level": Level(row["level"]).label,
                    "subject": Subject(row["subject"]).label,
                }
            )
