"""The GIN index for article search, scoped by commune (PostgreSQL only; nothing on SQLite).

It indexes ``search_vector`` plus one extra lexeme naming the article's commune ("_c42"; no
search word can be spelt with "_"), so a search for "tập huấn kỹ thuật" in commune 42
intersects posting lists inside the index and reads from the table only that commune's
matches. A plain GIN on ``search_vector``, or a btree_gin (commune_id, search_vector), was
measured on 1M articles: the planner uses only the vector part and then visits every match of
every commune (124k rows, 1-2 s for that query) because it underestimates how often Vietnamese
syllables occur together. The stored column itself stays exactly title A, sapo B, body C.

``news.selectors.SEARCH_SCOPED_DOCUMENT`` writes the same expression; they must stay equal.
Built after the backfill (0006), in one pass.
"""
from django.db import migrations

SCOPED_DOCUMENT = "(search_vector || array_to_tsvector(ARRAY['_c' || commune_id::text]))"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search_commune ON news_article USING gin ({SCOPED_DOCUMENT})"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_commune")


class Migration(migrations.Migration):
    dependencies = [("news", "0007_article_category_public_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
