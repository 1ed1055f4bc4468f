from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

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
        parser.add_argument(
            "--at",
            help="按这个时间评估（本地时间，例如 2026-11-26T19:30），默认现在；多与 --dry-run 同用。",
        )

    def handle(self, *args, dry_run: bool = False, at: str | None = None, **options):
        now = timezone.now()
        if at:
            parsed = parse_datetime(at)
            if parsed is None:
                raise CommandError(f"--at: 无法识别的时间 {at!r}，请写成 2026-11-26T19:30")
            now = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

        def report(planned: Planned) -> None:
            if not dry_run:
                return
            when = timezone.localtime(planned.send_at).strftime("%m-%d %H:%M")
            status = planned.reason or planned.status
            self.stdout.write(
                f"[{status}] {mask_phone(planned.phone)} {planned.rule.name}（{when}）"
                f"：{planned.candidate.why}\n    {planned.text}"
            )

        counts = evaluate_all(now=now, dry_run=dry_run, report=report)
        summary = "，".join(f"{name} {number}" for name, number in sorted(counts.items()))
        prefix = "试运行（未发送）" if dry_run else "已排队"
        self.stdout.write(self.style.SUCCESS(f"{prefix}：{summary or '没有需要发送的提醒'}"))
