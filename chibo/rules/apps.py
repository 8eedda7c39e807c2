from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "chibo.rules"
    label = "rules"
    verbose_name = "Quy định và cảnh báo"

    def ready(self) -> None:
        # The BÁO CÁO states the open findings, but briefings sits below the checks and may
        # not import them (conventions, layers): the checks hand themselves in from above.
        from chibo.briefings import papers
        from chibo.compliance import served

        papers.use_findings(served.findings)
