"""Category pages read their ids from one index that holds every column they filter and sort on.

Replaces article_category_list (category, status, -published_at, -id): with commune_id in
front, as ``Article.objects.published(commune)`` filters on it, the ids of a deep page
come from an index-only scan instead of one heap visit per skipped row.
"""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("news", "0006_article_search_vector_backfill")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["commune", "category", "status", "-published_at", "-id"], name="article_category_public"
            ),
        ),
        migrations.RemoveIndex(model_name="article", name="article_category_list"),
    ]
