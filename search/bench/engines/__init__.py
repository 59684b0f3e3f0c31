"""The engines a benchmark query runs on: Dossier itself, the naive Whoosh way, FTS5, tantivy."""
