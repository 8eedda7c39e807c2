from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "chibo.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu"
    default_auto_field = "django.db.models.BigAutoField"
