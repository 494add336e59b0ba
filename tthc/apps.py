from django.apps import AppConfig


class TthcConfig(AppConfig):
    """Administrative-procedure (TTHC) results: typed, imported, or pulled from the province."""

    name = "tthc"
    verbose_name = "Kết quả giải quyết TTHC"

    def ready(self):
        from communes.models import Membership
        from communes.roles import extend_role_permissions

        from . import signals  # noqa: F401  (clears the cached box on every save)

        # Editors see the figures; the board head and the site administrator type and import
        # them (import needs add and change); only the site administrator sees the connection,
        # whose token reaches the provincial system.
        results = [
            "tthc.view_tthcresult", "tthc.add_tthcresult", "tthc.change_tthcresult", "tthc.delete_tthcresult",
        ]
        extend_role_permissions(Membership.Role.EDITOR, ["tthc.view_tthcresult"])
        extend_role_permissions(Membership.Role.BOARD_HEAD, results)
        extend_role_permissions(Membership.Role.SITE_ADMIN, results + [
            "tthc.view_tthcconnection", "tthc.add_tthcconnection", "tthc.change_tthcconnection",
        ])

    def load_demo_content(self, *, stdout):
        from .demo import demo_tthc_load

        demo_tthc_load(stdout=stdout)
