from django.apps import AppConfig


class PollsConfig(AppConfig):
    """Ý kiến thăm dò: a question, options, one vote per visitor."""

    name = "polls"
    verbose_name = "Ý kiến thăm dò"

    def ready(self):
        from communes.models import Membership
        from communes.roles import extend_role_permissions

        from . import selectors  # noqa: F401  (registers the "poll" part, mttq_portal.commune_parts)

        # Votes are never edited by hand (their admin is not registered), so no role gets
        # permissions on PollVote; options are edited inline on their poll.
        viewer = ["polls.view_poll", "polls.view_polloption"]
        manager = viewer + [
            "polls.add_poll", "polls.change_poll", "polls.delete_poll",
            "polls.add_polloption", "polls.change_polloption", "polls.delete_polloption",
        ]
        extend_role_permissions(Membership.Role.EDITOR, viewer)
        extend_role_permissions(Membership.Role.BOARD_HEAD, manager)
        extend_role_permissions(Membership.Role.SITE_ADMIN, manager)

    def load_demo_content(self, *, stdout):
        from .demo import demo_polls_load

        demo_polls_load(stdout=stdout)
