from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "chibo.rules"
    label = "rules"
    verbose_name = "Quy định và cảnh báo"

    def ready(self) -> None:
        # The BÁO CÁO states the open findings, but briefings sits below the checks and may
        # not import them (conventions, layers): the checks hand themselves in from above.
        from chibo.briefings import papers
        from chibo.compliance import checks

        # Computed, never served: an issued paper is kept as issued, so it states what the
        # checks find at that moment, not what a cache kept (review of issue 16).
        papers.use_findings(checks.run)
