from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "chibo.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Page forms and API writes share one store of one-time keys (issue 9); lib's page
        # helper is below every app and receives it here rather than importing upwards.
        from chibo.api import once
        from chibo.lib import pages

        pages.use_once_store(once)
