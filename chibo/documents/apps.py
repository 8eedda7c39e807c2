from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "chibo.documents"
    label = "documents"
    verbose_name = "Quy chế và văn bản"
