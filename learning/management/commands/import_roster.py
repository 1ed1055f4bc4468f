from django.core.management.base import BaseCommand, CommandError

from learning.roster import RosterFileError, import_roster, read_table


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 花名册导入学员（全部成功或全部不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入。")

    def handle(self, *args, path, dry_run=False, **options):
        try:
            records = read_table(path)
        except (RosterFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        report = import_roster(records, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"花名册有 {len(report.errors)} 处错误，未导入任何数据。")
        prefix = "（试运行，未写入）" if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}新增 {report.created} 人，更新 {report.updated} 人，"
                f"未变 {report.unchanged} 人，新建机构 {report.organisations_created} 个。"
            )
        )
