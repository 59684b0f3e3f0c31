"""Search input: every GET parameter is validated here, never read by hand in a view."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from search.parsing import clean_text
from search.query import SORTS, SearchRequest

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
MAX_VALUES = 20


class SlugListField(forms.Field):
    """A repeatable GET parameter of slugs (``?author=a&author=b``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> tuple[str, ...]:
        values = [v.strip() for v in (value or []) if v and v.strip()]
        if len(values) > MAX_VALUES:
            raise ValidationError(f"At most {MAX_VALUES} values.")
        for v in values:
            if not SLUG.match(v):
                raise ValidationError(f"“{v[:40]}” is not a valid slug.")
        return tuple(dict.fromkeys(values))


class QueryField(forms.CharField):
    """Free text: control characters (even NUL) become spaces instead of a form error."""

    def to_python(self, value) -> str:
        return clean_text(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(required=False)
    author = SlugListField(required=False)
    outlet = SlugListField(required=False)
    topic = SlugListField(required=False)
    month = forms.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             error_messages={"invalid": "Use a month as YYYY-MM, e.g. 2017-02."})
    sort = forms.ChoiceField(choices=[(s, s.title()) for s in SORTS], required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean_q(self) -> str:
        """Over ``DOSSIER_QUERY_MAX_CHARS`` is an error the reader sees, not a silent cut."""
        q, limit = self.cleaned_data["q"], settings.DOSSIER_QUERY_MAX_CHARS
        if len(q) > limit:
            raise ValidationError(f"The query is {len(q):,} characters long; the limit is "
                                  f"{limit:,}. Shorten it, or use fewer words.")
        return q

    def clean_page(self) -> int | None:
        """Deep pages cost more to rank than anyone reads: ``DOSSIER_SEARCH_MAX_PAGE`` is the last."""
        page, limit = self.cleaned_data["page"], settings.DOSSIER_SEARCH_MAX_PAGE
        if page is not None and page > limit:
            raise ValidationError(f"Result pages stop at page {limit:,}: narrow the search with "
                                  "more words or a filter instead.")
        return page

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", "“to” must not be before “from”.")
        return data

    def search_request(self, **extra) -> SearchRequest:
        """The validated request (call after ``is_valid()``)."""
        d = self.cleaned_data
        return SearchRequest(
            q=d["q"], author=d["author"], outlet=d["outlet"], topic=d["topic"],
            month=d["month"] or "", date_from=d["from"], date_to=d["to"],
            sort=d["sort"] or "relevance", page=d["page"] or 1, **extra,
        )

    def error_fields(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}
