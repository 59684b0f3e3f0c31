"""Search and topic pages (the Whoosh-backed search lands with the search issue)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from archive.models import Topic
from archive.views import article_page


@require_safe
def search(request):
    return render(request, "search/search.html", {"q": request.GET.get("q", "")})


@require_safe
def topic_list(request):
    return render(request, "search/topic_list.html", {"topics": Topic.objects.all()})


@require_safe
def topic_detail(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    page = article_page(request, topic.pinned_articles.latest_first())
    return render(request, "search/topic_detail.html", {"topic": topic, "page": page})
