from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from learning.demo import ACCOUNTS, DEMO_PASSWORD
from learning.models import User
from learning.sites import ensure_home_page


class Command(BaseCommand):
    help = "创建演示数据（可重复运行，不会重复创建）并打印登录账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库里已有用户时什么也不做（make run 用）。",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据。")
        else:
            ensure_home_page()
            for dotted in settings.DEMO_LOADERS:
                self.stdout.write(f"载入 {dotted} …")
                with transaction.atomic():
                    import_string(dotted)(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示账号（手机号 / 密码）："))
        labels = {"admin": "管理员", "learner": "学员", "organiser": "组织者", "lecturer": "讲师"}
        for phone, name, role in ACCOUNTS:
            self.stdout.write(f"  {labels[role]:<4} {name:<6} {phone} / {DEMO_PASSWORD}")
        self.stdout.write("网站 http://127.0.0.1:8000/   管理后台 http://127.0.0.1:8000/admin/")
