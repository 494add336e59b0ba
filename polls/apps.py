from django.apps import AppConfig


class PollsConfig(AppConfig):
    """Ý kiến thăm dò: a question, options, one vote per visitor."""

    name = "polls"
    verbose_name = "Ý kiến thăm dò"
