from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "chibo.register"
    label = "register"
    verbose_name = "Sổ văn bản, tham mưu và học tập nghị quyết"
