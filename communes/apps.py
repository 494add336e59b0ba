from django.apps import AppConfig


class CommunesConfig(AppConfig):
    """Communes (sites): one per xã / phường / thị trấn, chosen by the request's host."""

    name = "communes"
    verbose_name = "Xã, phường, thị trấn"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import invalidation, roles, signals  # noqa: F401  (connects the cache invalidation)

        invalidation.connect()

        post_migrate.connect(roles.ensure_role_groups, dispatch_uid="communes.ensure_role_groups")
