"""A stored, weighted, unaccented full-text vector for articles, kept current by a trigger.

PostgreSQL only; does nothing on SQLite (which searches the folded ``search_text`` instead).

The column is deliberately not a model field: ordinary article queries never load it, and
no Python code has to remember to fill it. A BEFORE INSERT OR UPDATE OF title, sapo,
body_text trigger computes it, so every write path keeps it current: ``save()``,
``bulk_create()``, ``QuerySet.update()``, raw SQL, ``loaddata``. Updates that do not touch
those columns (the view counter, the status) do not fire it.

Existing rows are filled by 0006 (data), and the GIN index is built by 0007 once they are
filled, which is much faster than maintaining the index row by row during the backfill.
"""
from django.db import migrations

# title weight A, sapo B, plain body C; lower-cased then unaccented ("Mặt trận" -> 'mat' 'tran');
# 'simple' config: no stemming or stop words (Vietnamese has neither).
DOCUMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION news_article_document(title text, sapo text, body_text text)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('pg_catalog.simple',
               public.unaccent('public.unaccent'::regdictionary, lower(coalesce(title, '')))), 'A')
        || setweight(to_tsvector('pg_catalog.simple',
               public.unaccent('public.unaccent'::regdictionary, lower(coalesce(sapo, '')))), 'B')
        || setweight(to_tsvector('pg_catalog.simple',
               public.unaccent('public.unaccent'::regdictionary, lower(coalesce(body_text, '')))), 'C')
$$;
"""

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION news_article_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Django's save() sets every column: skip the work when the text did not change.
    IF TG_OP = 'UPDATE'
       AND NEW.title IS NOT DISTINCT FROM OLD.title
       AND NEW.sapo IS NOT DISTINCT FROM OLD.sapo
       AND NEW.body_text IS NOT DISTINCT FROM OLD.body_text
       AND OLD.search_vector IS NOT NULL THEN
        NEW.search_vector := OLD.search_vector;
        RETURN NEW;
    END IF;
    NEW.search_vector := news_article_document(NEW.title, NEW.sapo, NEW.body_text);
    RETURN NEW;
END
$$;
"""

FORWARD = [
    "ALTER TABLE news_article ADD COLUMN search_vector tsvector",
    DOCUMENT_FUNCTION,
    TRIGGER_FUNCTION,
    """CREATE TRIGGER news_article_search_vector
       BEFORE INSERT OR UPDATE OF title, sapo, body_text ON news_article
       FOR EACH ROW EXECUTE FUNCTION news_article_search_vector_update()""",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS news_article_search_vector ON news_article",
    "DROP FUNCTION IF EXISTS news_article_search_vector_update()",
    "DROP FUNCTION IF EXISTS news_article_document(text, text, text)",
    "ALTER TABLE news_article DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("news", "0004_comment_submission_per_article")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
