"""An aggregate that concatenates tsvectors in order: an article's document is made of its
paragraphs' vectors, so each text is analyzed once."""

from django.db import migrations

AGGREGATE = """
CREATE AGGREGATE dossier_tsvector_agg (tsvector) (
    SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = ''
)
"""


class Migration(migrations.Migration):

    dependencies = [("search_postgres", "0001_initial")]

    operations = [
        migrations.RunSQL(AGGREGATE, "DROP AGGREGATE IF EXISTS dossier_tsvector_agg (tsvector)"),
    ]
