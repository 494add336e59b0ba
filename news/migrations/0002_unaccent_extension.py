"""PostgreSQL's unaccent, used by the article search. Does nothing on SQLite."""
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [UnaccentExtension()]
