from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learning.accounts.demo import ACCOUNTS, DEMO_PASSWORD
from learning.management.base import TranslatedCommand
from learning.models import User
from learning.site.home_page import ensure_home_page


class Command(TranslatedCommand):
    help = gettext_lazy("创建演示数据（可重复运行，不会重复创建）并打印登录账号。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=gettext_lazy("数据库里已有用户时什么也不做（make run 用）。"),
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write(_("数据库已有数据，跳过演示数据。"))
        else:
            ensure_home_page()
            for dotted in settings.DEMO_LOADERS:
                self.stdout.write(_("载入 %(loader)s …") % {"loader": dotted})
                with transaction.atomic():
                    import_string(dotted)(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(_("演示账号（手机号 / 密码）：")))
        labels = {
            "admin": _("管理员"),
            "learner": _("学员"),
            "organiser": _("组织者"),
            "lecturer": _("讲师"),
        }
        for phone, name, role in ACCOUNTS:
            self.stdout.write(f"  {labels[role]:<4} {name:<6} {phone} / {DEMO_PASSWORD}")
        self.stdout.write(_("网站 http://127.0.0.1:8000/   管理后台 http://127.0.0.1:8000/admin/"))
