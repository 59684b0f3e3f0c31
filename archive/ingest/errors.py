"""The one exception ingest raises for captures it cannot use."""


class IngestError(ValueError):
    """A capture that cannot become an article.

    The message is shown to admins as-is, so it names the problem and, where possible,
    what to do instead; it never carries a traceback or internal detail.
    """
