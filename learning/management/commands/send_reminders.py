from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from learning.phone import mask_phone
from learning.reminders import evaluate_all
from learning.reminders.evaluation import Planned


class Command(BaseCommand):
    help = "立即评估提醒规则并排队发送短信；--dry-run 只列出将发送的短信和原因，不发送。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只列出将发送什么、为什么，不发送也不保存。",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        def report(planned: Planned) -> None:
            if not dry_run:
                return
            when = timezone.localtime(planned.send_at).strftime("%m-%d %H:%M")
            status = planned.reason or planned.status
            self.stdout.write(
                f"[{status}] {mask_phone(planned.phone)} {planned.rule.name}（{when}）"
                f"：{planned.candidate.why}\n    {planned.text}"
            )

        counts = evaluate_all(dry_run=dry_run, report=report)
        summary = "，".join(f"{name} {number}" for name, number in sorted(counts.items()))
        prefix = "试运行（未发送）" if dry_run else "已排队"
        self.stdout.write(self.style.SUCCESS(f"{prefix}：{summary or '没有需要发送的提醒'}"))
