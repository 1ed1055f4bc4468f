"""Draw published papers' variants now (what the task does after a publish or rule change)."""

from django.utils.translation import gettext_lazy, ngettext

from exams.models import Paper
from exams.papers import variants
from learning.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("为已发布的试卷预先抽好固定的试卷版本，开考时直接复制一份。")

    def add_arguments(self, parser):
        parser.add_argument(
            "paper_ids",
            nargs="*",
            type=int,
            help=gettext_lazy("只处理这些试卷编号；不填则处理全部已发布的试卷。"),
        )

    def handle(self, *args, paper_ids, **options):
        papers = Paper.objects.filter(is_published=True)
        if paper_ids:
            papers = papers.filter(pk__in=paper_ids)
        for paper in papers.order_by("pk"):
            made = variants.prepare(paper)
            self.stdout.write(
                ngettext(
                    "%(id)s %(title)s：抽好 %(count)s 个版本",
                    "%(id)s %(title)s：抽好 %(count)s 个版本",
                    made,
                )
                % {"id": paper.pk, "title": paper.title, "count": made}
            )
