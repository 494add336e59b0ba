from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Báo cáo sơ kết, tổng kết"

    def ready(self):
        from communes.models import Membership
        from communes.roles import extend_role_permissions

        writer = [
            "reports.view_reportingbody", "reports.view_figuredefinition",
            "reports.view_reportsummary", "reports.add_reportsummary", "reports.change_reportsummary",
            "reports.view_reportfigure", "reports.add_reportfigure", "reports.change_reportfigure",
            "reports.delete_reportfigure",
        ]
        head = writer + [
            "reports.add_reportingbody", "reports.change_reportingbody", "reports.add_figuredefinition",
            "reports.change_figuredefinition", "reports.delete_reportsummary",
        ]
        extend_role_permissions(Membership.Role.EDITOR, writer)
        extend_role_permissions(Membership.Role.BOARD_HEAD, head)
        extend_role_permissions(Membership.Role.SITE_ADMIN, head)

    def load_demo_content(self, *, stdout):
        from .demo import demo_reports_load

        demo_reports_load(stdout=stdout)
