"""Fill ``news_article.search_vector`` for the rows that existed before the trigger (PostgreSQL).

Non-atomic, in batches of primary keys, so a table of a million articles is never held in one
long transaction and a failed run can simply be started again (it only fills empty vectors).
Updating only ``search_vector`` does not fire the trigger, which fires on the text columns.
"""
from django.db import migrations

BATCH = 20_000


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM news_article WHERE search_vector IS NULL")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, BATCH):
            cursor.execute(
                "UPDATE news_article SET search_vector = news_article_document(title, sapo, body_text)"
                " WHERE id >= %s AND id < %s AND search_vector IS NULL",
                [start, start + BATCH],
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("news", "0005_article_search_vector")]

    # Backwards there is nothing to undo: 0005 drops the column.
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False)]
