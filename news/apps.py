from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "Tin tức"

    def ready(self):
        from communes.models import Membership
        from communes.roles import extend_role_permissions

        from . import selectors  # noqa: F401  (registers the "categories" part, mttq_portal.commune_parts)

        writer = [
            "news.view_category", "news.view_tag", "news.add_tag", "news.change_tag",
            "news.view_article", "news.add_article", "news.change_article",
            "news.view_galleryimage", "news.add_galleryimage", "news.change_galleryimage",
            "news.delete_galleryimage", "news.view_articleevent", "news.view_comment",
        ]
        head = writer + [
            "news.add_category", "news.change_category", "news.delete_category", "news.delete_tag",
            "news.delete_article", "news.change_comment", "news.delete_comment",
        ]
        extend_role_permissions(Membership.Role.EDITOR, writer)
        extend_role_permissions(Membership.Role.BOARD_HEAD, head)
        extend_role_permissions(Membership.Role.SITE_ADMIN, head)

    def load_demo_content(self, *, stdout):
        from .demo import demo_news_load

        demo_news_load(stdout=stdout)
