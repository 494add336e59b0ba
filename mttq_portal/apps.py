from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package is an app only to carry the shared Vietnamese template filters."""

    name = "mttq_portal"
    verbose_name = "Cổng thông tin"
