"""The PostgreSQL engine's tables, its text search configuration and its extensions."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import CreateExtension, TrigramExtension
from django.db import migrations, models

# Every word is kept and stemmed like 'english' (so the lexemes of both agree): phrases mean
# their exact words, stop words included, while ranked words use 'english' and leave them out.
CONFIGURATION = """
CREATE TEXT SEARCH DICTIONARY dossier_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION dossier (COPY = english);
ALTER TEXT SEARCH CONFIGURATION dossier ALTER MAPPING FOR asciiword, word, hword, hword_part,
    asciihword, hword_asciipart WITH dossier_stem;
"""
DROP_CONFIGURATION = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS dossier;
DROP TEXT SEARCH DICTIONARY IF EXISTS dossier_stem;
"""


class Migration(migrations.Migration):

    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        CreateExtension("fuzzystrmatch"),
        migrations.RunSQL(CONFIGURATION, DROP_CONFIGURATION),
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("article_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
                ("author_words", django.contrib.postgres.search.SearchVectorField()),
                ("outlet_words", django.contrib.postgres.search.SearchVectorField()),
                ("topic_words", django.contrib.postgres.search.SearchVectorField()),
                ("authors", django.contrib.postgres.fields.ArrayField(
                    base_field=models.TextField(), default=list, size=None)),
                ("outlet", models.TextField(blank=True)),
                ("topics", django.contrib.postgres.fields.ArrayField(
                    base_field=models.TextField(), default=list, size=None)),
                ("month", models.TextField(blank=True)),
                ("precision", models.TextField()),
                ("published", models.DateField(null=True)),
                ("published_end", models.DateField(null=True)),
                ("signature", models.TextField()),
            ],
            options={
                "db_table": "search_pg_document",
                "indexes": [django.contrib.postgres.indexes.GinIndex(
                    fields=["document"], name="search_pg_document_gin")],
            },
        ),
        migrations.CreateModel(
            name="SearchParagraph",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("article_id", models.BigIntegerField(db_index=True)),
                ("words", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "search_pg_paragraph",
                "indexes": [django.contrib.postgres.indexes.GinIndex(
                    fields=["words"], name="search_pg_paragraph_gin")],
            },
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.TextField(primary_key=True, serialize=False)),
                ("stem", models.TextField(db_index=True)),
                ("rank", models.SmallIntegerField()),
            ],
            options={"db_table": "search_pg_word"},
        ),
        migrations.CreateModel(
            name="SearchVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "search_pg_version"},
        ),
        migrations.RunSQL(
            "CREATE INDEX search_pg_word_trgm ON search_pg_word USING gin (word gin_trgm_ops)",
            "DROP INDEX IF EXISTS search_pg_word_trgm"),
    ]
