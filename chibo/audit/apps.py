from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "chibo.audit"
    label = "audit"
    verbose_name = "Lịch sử thay đổi"

    def ready(self) -> None:
        from chibo.audit import database, tracking

        connection_created.connect(database.register_function, dispatch_uid="chibo.audit")
        tracking.connect()
