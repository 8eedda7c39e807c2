from django.apps import AppConfig


class MeConfig(AppConfig):
    name = "chibo.me"
    label = "me"
    verbose_name = "Trang đảng viên"
