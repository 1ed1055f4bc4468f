import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from learning.load_data import top_up_ledger
from learning.management.base import TranslatedCommand
from learning.models import LedgerEntry
from learning.points.ledger import rebuild_all_totals


class Command(TranslatedCommand):
    help = gettext_lazy(
        "为基准测试生成合成数据（机构、学员、积分记录，以及各应用在 LOAD_DATA_GENERATORS "
        "中登记的数据）。重复运行只补足差额。只用于基准测试数据库。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--learners", type=int, default=1000, help=gettext_lazy("合成学员总数。")
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help=gettext_lazy("随机数种子（结果可复现）。")
        )
        parser.add_argument(
            "--ledger-per-learner",
            type=int,
            default=None,
            help=gettext_lazy(
                "把每位合成学员的积分记录补足到这么多条（默认：新学员随机 0–5 条）。"
                "积分排行的全量基准：--learners 100000 --ledger-per-learner 50（500 万条）。"
            ),
        )

    def handle(self, *args, learners, seed, ledger_per_learner, **options):
        if learners < 1:
            raise CommandError(_("--learners 至少为 1。"))
        if ledger_per_learner is not None and ledger_per_learner < 0:
            raise CommandError(_("--ledger-per-learner 不能为负数。"))
        started = time.monotonic()
        ledger_before = _last_ledger_id()
        for dotted in settings.LOAD_DATA_GENERATORS:
            with self._step(dotted), transaction.atomic():
                import_string(dotted)(learners=learners, seed=seed, stdout=self.stdout)
        if ledger_per_learner:
            # Outside atomic: the top-up commits batch by batch (millions of rows).
            title = _("积分记录补足到每人 %(count)s 条") % {"count": ledger_per_learner}
            with self._step(title):
                added = top_up_ledger(per_learner=ledger_per_learner, seed=seed, stdout=self.stdout)
                self.stdout.write(
                    "  "
                    + ngettext("新增积分记录 %(count)s 条", "新增积分记录 %(count)s 条", added)
                    % {"count": added}
                )
        # Totals are derived from the ledger, and the generators write ledger rows in bulk:
        # rebuilt when any row was added (a rerun that added nothing skips the minutes).
        if _last_ledger_id() != ledger_before:
            with self._step(_("按积分账本重建积分合计")):
                rows = rebuild_all_totals()
                self.stdout.write(
                    "  "
                    + ngettext("积分合计 %(count)s 行", "积分合计 %(count)s 行", rows)
                    % {"count": rows}
                )
        else:
            self.stdout.write(_("积分记录没有变化，积分合计无需重建。"))
        self.stdout.write(
            self.style.SUCCESS(
                _("合成数据已就绪，共用时 %(seconds).1f 秒。")
                % {"seconds": time.monotonic() - started}
            )
        )

    @contextmanager
    def _step(self, title: str):
        self.stdout.write(f"{title} …")
        step = time.monotonic()
        yield
        self.stdout.write("  " + _("用时 %(seconds).1f 秒") % {"seconds": time.monotonic() - step})


def _last_ledger_id() -> int | None:
    return LedgerEntry.objects.aggregate(last=Max("pk"))["last"]
