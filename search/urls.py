from django.urls import path

from search import export_views, views

app_name = "search"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/help/", views.search_help, name="help"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    path("topics/<slug:slug>/export", export_views.export_search, name="topic-export"),
    path("api/search", views.api_search, name="api-search"),
    path("api/articles/<int:pk>", views.api_article, name="api-article"),
    path("api/export", export_views.export_search, name="api-export"),
    path("api/articles/<int:pk>/export", export_views.export_article, name="api-article-export"),
]
