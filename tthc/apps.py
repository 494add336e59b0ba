from django.apps import AppConfig


class TthcConfig(AppConfig):
    """Administrative-procedure (TTHC) results: typed, imported, or pulled from the province."""

    name = "tthc"
    verbose_name = "Kết quả giải quyết TTHC"
