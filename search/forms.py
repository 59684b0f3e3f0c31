"""Search input: every GET parameter is validated here, never read by hand in a view."""

import calendar
import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from search.backends.base import UNDATED
from search.parsing import clean_text
from search.query import SORTS, SearchRequest

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PARTIAL_DATE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")
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


class MonthListField(SlugListField):
    """A repeatable month (``?month=2017-02&month=2017-05``), ORed; "undated" is a bucket."""

    def to_python(self, value) -> tuple[str, ...]:
        values = super().to_python(value)
        for v in values:
            if v != UNDATED and not MONTH.match(v):
                raise ValidationError(f"“{v[:40]}” is not a month: use YYYY-MM, e.g. 2017-02.")
        return values


class PartialDateField(forms.Field):
    """A day, a month or a year ("2017-02-14", "2017-02", "2017"), as the first day of that
    period (``end=False``) or its last (``end=True``): "to 2017" reaches 31 December."""

    def __init__(self, *, end: bool, **kwargs):
        self.end = end
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> date | None:
        text = str(value or "").strip()[:40]
        if not text:
            return None
        found = PARTIAL_DATE.match(text)
        try:
            if not found:
                raise ValueError
            year, month, day = int(found["y"]), found["m"], found["d"]
            if day:
                return date(year, int(month), int(day))
            if month:
                last = calendar.monthrange(year, int(month))[1] if self.end else 1
                return date(year, int(month), last)
            return date(year, 12, 31) if self.end else date(year, 1, 1)
        except ValueError:
            raise ValidationError(f"“{text[:20]}” is not a date: use a year (2017), a month "
                                  "(2017-02) or a day (2017-02-14).") from None


class QueryField(forms.CharField):
    """Free text: control characters (even NUL) become spaces instead of a form error."""

    def to_python(self, value) -> str:
        return clean_text(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(required=False)
    author = SlugListField(required=False)
    outlet = SlugListField(required=False)
    topic = SlugListField(required=False)
    month = MonthListField(required=False)
    sort = forms.ChoiceField(choices=[(s, s.title()) for s in SORTS], required=False)
    timeline = forms.ChoiceField(choices=[("count", "Matches"), ("share", "Share of all articles")],
                                 required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two are added by name.
        self.fields["from"] = PartialDateField(end=False)
        self.fields["to"] = PartialDateField(end=True)

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
            month=d["month"], date_from=d["from"], date_to=d["to"],
            sort=d["sort"] or "relevance", page=d["page"] or 1,
            timeline=d["timeline"] or "count", **extra,
        )

    def error_fields(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}
