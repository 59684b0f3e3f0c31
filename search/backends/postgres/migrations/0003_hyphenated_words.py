"""Hyphenated words are read as their parts only.

PostgreSQL's parser gives "president-elect" as the whole compound and then each part, one
position each, so "the president" no longer matched "the president-elect" as a phrase, where
Whoosh (and a reader) sees "the", "president", "elect". Without a mapping for the compound
token types only the parts are indexed, at consecutive positions. Ranked words get their own
configuration, 'dossier_ranked' ('english' with its stop words, without the compounds), so a
query's lexemes and the documents' agree; run ``manage.py rebuild_index`` on an archive
indexed before this migration.
"""

from django.db import migrations

COMPOUNDS = "asciihword, hword, numhword"
FORWARD = f"""
ALTER TEXT SEARCH CONFIGURATION dossier DROP MAPPING IF EXISTS FOR {COMPOUNDS};
CREATE TEXT SEARCH CONFIGURATION dossier_ranked (COPY = english);
ALTER TEXT SEARCH CONFIGURATION dossier_ranked DROP MAPPING IF EXISTS FOR {COMPOUNDS};
"""
BACKWARD = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS dossier_ranked;
ALTER TEXT SEARCH CONFIGURATION dossier ADD MAPPING FOR asciihword, hword WITH dossier_stem;
ALTER TEXT SEARCH CONFIGURATION dossier ADD MAPPING FOR numhword WITH simple;
"""


class Migration(migrations.Migration):

    dependencies = [("search_postgres", "0002_tsvector_agg")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
