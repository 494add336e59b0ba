from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "Thống kê truy cập"

    def ready(self):
        from communes.models import Membership
        from communes.roles import extend_role_permissions

        for role in Membership.Role:
            extend_role_permissions(role, ["stats.view_dailyvisit"])

    def load_demo_content(self, *, stdout):
        from .demo import demo_visits_load

        demo_visits_load(stdout=stdout)
