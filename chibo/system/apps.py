from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "chibo.system"
    label = "system"
    verbose_name = "Vận hành hệ thống"
