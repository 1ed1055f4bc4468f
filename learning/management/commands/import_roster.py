from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from learning.accounts.roster import RosterFileError, import_roster, read_table
from learning.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("从 .xlsx 或 .csv 花名册导入学员（全部成功或全部不导入）。")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("只检查并报告，不写入。")
        )

    def handle(self, *args, path, dry_run=False, **options):
        try:
            records = read_table(path)
        except (RosterFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        report = import_roster(records, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "花名册有 %(count)s 处错误，未导入任何数据。",
                    "花名册有 %(count)s 处错误，未导入任何数据。",
                    len(report.errors),
                )
                % {"count": len(report.errors)}
            )
        prefix = _("（试运行，未写入）") if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                prefix
                + _(
                    "新增 %(created)s 人，更新 %(updated)s 人，未变 %(unchanged)s 人，新建机构 %(orgs)s 个。"
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "orgs": report.organisations_created,
                }
            )
        )
