from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "chibo.members"
    label = "members"
    verbose_name = "Đảng viên và cán bộ"
