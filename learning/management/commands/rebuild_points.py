from django.core.management.base import BaseCommand

from learning.points import rebuild_totals


class Command(BaseCommand):
    help = (
        "按积分账本重新计算每位学员的周、月、总积分合计；--check 只报告差异（有差异时退出码为 1）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查并列出差异，不做修改。")

    def handle(self, *args, check=False, **options):
        report = rebuild_totals(check_only=check)
        for line in report.differences[:200]:
            self.stdout.write(line)
        if len(report.differences) > 200:
            self.stdout.write(f"……另有 {len(report.differences) - 200} 处差异")
        if check:
            if report.ok:
                self.stdout.write(self.style.SUCCESS("积分合计与账本一致。"))
                return
            self.stderr.write(f"发现 {len(report.differences)} 处差异。")
            raise SystemExit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"已重建：新增 {report.created}，更新 {report.updated}，删除 {report.deleted}。"
            )
        )
