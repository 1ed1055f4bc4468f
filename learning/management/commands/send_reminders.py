from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learning.accounts.phone import mask_phone
from learning.management.base import TranslatedCommand
from learning.models import SmsStatus, SuppressReason
from learning.reminders import evaluate_all
from learning.reminders.evaluation import Planned

#: What each count of ``evaluate_all`` is called in the summary, in this order.
COUNT_LABELS = {
    "queued": gettext_lazy("排队发送"),
    "deferred": gettext_lazy("推迟到免打扰时段之后"),
    SuppressReason.OPTED_OUT.value: SuppressReason.OPTED_OUT.label,
    SuppressReason.DAILY_CAP.value: SuppressReason.DAILY_CAP.label,
    "already_sent": gettext_lazy("已提醒过"),
    "rules_evaluated": gettext_lazy("已评估的规则"),
    "rules_not_due": gettext_lazy("未到发送时间的规则"),
    "rules_skipped": gettext_lazy("数据暂不可用而跳过的规则"),
    "rules_failed": gettext_lazy("出错的规则"),
    "batches": gettext_lazy("写入批次"),
}


class Command(TranslatedCommand):
    help = gettext_lazy(
        "立即评估提醒规则并排队发送短信；--dry-run 只列出将发送的短信和原因，不发送。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("只列出将发送什么、为什么，不发送也不保存。"),
        )
        parser.add_argument(
            "--at",
            help=gettext_lazy(
                "按这个时间评估（本地时间，例如 2026-11-26T19:30），默认现在；多与 --dry-run 同用。"
            ),
        )

    def handle(self, *args, dry_run: bool = False, at: str | None = None, **options):
        now = timezone.now()
        if at:
            parsed = parse_datetime(at)
            if parsed is None:
                raise CommandError(
                    _("--at: 无法识别的时间 %(at)r，请写成 2026-11-26T19:30") % {"at": at}
                )
            now = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

        def report(planned: Planned) -> None:
            if not dry_run:
                return
            when = timezone.localtime(planned.send_at).strftime("%m-%d %H:%M")
            status = _status_label(planned.reason or planned.status)
            self.stdout.write(
                _("[%(status)s] %(phone)s %(rule)s（%(when)s）：%(why)s")
                % {
                    "status": status,
                    "phone": mask_phone(planned.phone),
                    "rule": planned.rule.name,
                    "when": when,
                    "why": planned.candidate.why,
                }
                + f"\n    {planned.text}"
            )

        counts = evaluate_all(now=now, dry_run=dry_run, report=report)
        order = {name: index for index, name in enumerate(COUNT_LABELS)}
        summary = _("，").join(
            f"{COUNT_LABELS.get(name, name)} {number}"
            for name, number in sorted(
                counts.items(), key=lambda item: (order.get(item[0], 99), item[0])
            )
        )
        prefix = _("试运行（未发送）") if dry_run else _("已排队")
        self.stdout.write(
            self.style.SUCCESS(
                _("%(prefix)s：%(summary)s")
                % {"prefix": prefix, "summary": summary or _("没有需要发送的提醒")}
            )
        )


def _status_label(value: str) -> str:
    """A message's status or reason as a person reads it (the stored value if unknown)."""
    for choices in (SuppressReason, SmsStatus):
        if value in choices.values:
            return str(choices(value).label)
    return value
