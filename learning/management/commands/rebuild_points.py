from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from learning.management.base import TranslatedCommand
from learning.points.ledger import rebuild_totals


class Command(TranslatedCommand):
    help = gettext_lazy(
        "按积分账本重新计算每位学员的周、月、总积分合计；--check 只报告差异（有差异时退出码为 1）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help=gettext_lazy("只检查并列出差异，不做修改。")
        )

    def handle(self, *args, check=False, **options):
        report = rebuild_totals(check_only=check)
        for line in report.differences[:200]:
            self.stdout.write(line)
        if len(report.differences) > 200:
            more = len(report.differences) - 200
            self.stdout.write(
                ngettext("……另有 %(count)s 处差异", "……另有 %(count)s 处差异", more)
                % {"count": more}
            )
        if check:
            if report.ok:
                self.stdout.write(self.style.SUCCESS(_("积分合计与账本一致。")))
                return
            found = len(report.differences)
            self.stderr.write(
                ngettext("发现 %(count)s 处差异。", "发现 %(count)s 处差异。", found)
                % {"count": found}
            )
            raise SystemExit(1)
        self.stdout.write(
            self.style.SUCCESS(
                _("已重建：新增 %(created)s，更新 %(updated)s，删除 %(deleted)s。")
                % {"created": report.created, "updated": report.updated, "deleted": report.deleted}
            )
        )
