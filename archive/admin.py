"""Declarative admin for the archive; the upload page hangs off the article changelist."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.html import format_html

from archive import upload
from archive.models import Article, ArticleAuthor, Author, Capture, Outlet, Topic, UploadItem

admin.site.site_header = "Dossier administration"
admin.site.site_title = "Dossier admin"


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "homepage"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "slug"]
    search_fields = ["name", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "query", "slug"]
    search_fields = ["name", "query", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["excluded"]


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 1
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


class CaptureInline(admin.TabularInline):
    """Originals are evidence: shown and downloadable, never edited in place."""

    model = Capture
    extra = 0
    can_delete = False
    fields = ["file_name", "media_type", "size", "sha256", "uploaded_by", "uploaded_at", "download"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="original")
    def download(self, capture):
        return format_html('<a href="{}">download</a>', capture.get_absolute_url())


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published", "date_precision", "word_count", "created"]
    list_filter = ["date_precision", "topics", "outlet", "language"]
    list_select_related = ["outlet"]
    search_fields = ["title", "lede", "authors__name", "outlet__name", "source_url"]
    date_hierarchy = "published"
    autocomplete_fields = ["outlet", "topics"]
    readonly_fields = ["word_count", "content_hash", "created", "updated"]
    inlines = [ArticleAuthorInline, CaptureInline]
    change_list_template = "admin/archive/article/change_list_with_upload.html"
    fieldsets = [
        (None, {"fields": [
            "title", "slug", "outlet", ("published", "date_precision"), "source_url",
        ]}),
        ("Text", {"fields": ["lede", "body_text", "body_html", "language"]}),
        ("Topics", {"fields": ["topics"]}),
        ("Bookkeeping", {"fields": readonly_fields, "classes": ["collapse"]}),
    ]

    def get_urls(self):
        return [
            path("upload/", self.upload_view(upload.upload), name="archive_article_upload"),
            path("upload/<uuid:batch>/", self.upload_view(upload.review),
                 name="archive_article_review"),
            path("upload/<uuid:batch>/done/", self.upload_view(upload.results),
                 name="archive_article_upload_done"),
            *super().get_urls(),
        ]

    def upload_view(self, view):
        """An upload step behind the admin's login, for staff who may add articles."""

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not self.has_add_permission(request):
                raise PermissionDenied
            context = {**self.admin_site.each_context(request), "opts": self.model._meta}
            return view(request, context, *args, **kwargs)

        return self.admin_site.admin_view(wrapper)


@admin.register(Capture)
class CaptureAdmin(admin.ModelAdmin):
    list_display = ["file_name", "article", "media_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["media_type"]
    search_fields = ["file_name", "sha256", "article__title"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["article", "uploaded_by"]
    exclude = ["content"]
    readonly_fields = [
        "article", "file_name", "media_type", "sha256", "size", "uploaded_by", "uploaded_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(UploadItem)
class UploadItemAdmin(admin.ModelAdmin):
    """Past uploads, for tracing where an article came from; read-only."""

    list_display = ["file_name", "status", "article", "uploaded_by", "created"]
    list_filter = ["status"]
    search_fields = ["file_name", "message"]
    date_hierarchy = "created"
    exclude = ["content", "draft"]
    readonly_fields = ["batch", "position", "file_name", "status", "message", "article",
                       "uploaded_by", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
