"""The project's URLs: browse pages, search, admin."""

from django.contrib import admin
from django.urls import include, path

from archive import views

app_name = "archive"

archive_patterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<int:pk>/", views.article_detail, name="article-short"),
    path("captures/<int:pk>/", views.capture_download, name="capture"),
    path("authors/", views.author_list, name="authors"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("outlets/", views.outlet_list, name="outlets"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet"),
    path("archive/", views.archive_index, name="archive-index"),
    path("archive/undated/", views.undated, name="undated"),
    path("archive/<int:year>/", views.year_archive, name="year"),
    path("archive/<int:year>/<int:month>/", views.month_archive, name="month"),
]

urlpatterns = [
    path("", include((archive_patterns, "archive"))),
    path("", include("search.urls")),
    path("admin/", admin.site.urls),
]
