from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from chibo.accounts.models import User
from chibo.demo import briefings, history, meetings, people, register, structure, terms, users


class Command(BaseCommand):
    help = "Nạp dữ liệu minh họa Hiệp Đức (chạy lại nhiều lần không tạo trùng)."

    def handle(self, *args, **options):
        if User.objects.filter(username="bantochuc").exists():
            self.stdout.write("Dữ liệu minh họa đã có; không nạp lại.")
        else:
            with transaction.atomic():
                tree = structure.build()
                people.build(tree)
                terms.build(tree)
                meetings.build()
                register.build(tree)
                briefings.build(tree)
                history.build()
                users.build(tree)
                users.build_members(tree, timezone.localdate())
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu minh họa Hiệp Đức."))
        self.stdout.write(f"Tài khoản minh họa (mật khẩu chung: {users.PASSWORD}):")
        for username, _name, _role, _key, _start, _end, description in users.PERSONAS:
            self.stdout.write(f"  {username:<16} {description}")
        for username, _cell, description in users.MEMBER_LOGINS:
            self.stdout.write(f"  {username:<16} {description}")
