from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "chibo.rules"
    label = "rules"
    verbose_name = "Quy định và cảnh báo"
