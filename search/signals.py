"""Every article change writes an index task in the same transaction (see search.outbox).

Fixture loading (``raw=True``) is skipped: the seed collection is indexed by ``sync_index``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from archive.models import Article, ArticleAuthor, Author, Outlet, Topic
from search import membership, outbox
from search.backends import get_backend


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def article_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        outbox.enqueue([instance.pk])


@receiver(post_save, sender=ArticleAuthor)
@receiver(post_delete, sender=ArticleAuthor)
def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        outbox.enqueue([instance.article_id])


@receiver(m2m_changed, sender=Article.topics.through)
@receiver(m2m_changed, sender=Topic.excluded.through)
def topic_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Pins (Article.topics) and exclusions (Topic.excluded), from either side."""
    article_side = isinstance(instance, Article)
    if action in ("post_add", "post_remove"):
        outbox.enqueue([instance.pk] if article_side else pk_set or [])
    elif action == "pre_clear":
        if article_side:
            outbox.enqueue([instance.pk])
        else:
            related = instance.pinned_articles if sender is Article.topics.through \
                else instance.excluded
            outbox.enqueue(related.values_list("pk", flat=True))


@receiver(pre_save, sender=Topic)
@receiver(pre_save, sender=Author)
@receiver(pre_save, sender=Outlet)
def remember_old_row(sender, instance, raw=False, **kwargs):
    instance._search_old = None
    if not raw and instance.pk:
        instance._search_old = sender.objects.filter(pk=instance.pk).first()


@receiver(post_save, sender=Author)
@receiver(post_save, sender=Outlet)
def name_changed(sender, instance, raw=False, created=False, **kwargs):
    """Renamed authors and outlets: their articles' field-query text and facet labels."""
    old = getattr(instance, "_search_old", None)
    if raw or created or old is None:
        return
    if (old.name, old.slug) != (instance.name, instance.slug):
        outbox.enqueue(instance.articles.values_list("pk", flat=True))


@receiver(post_save, sender=Topic)
def topic_changed(sender, instance, raw=False, created=False, **kwargs):
    """A new or edited saved query: re-evaluate membership of every article it touches."""
    old = getattr(instance, "_search_old", None)
    if raw:
        return
    if old is not None and (old.query, old.slug, old.name) == (
            instance.query, instance.slug, instance.name):
        return
    affected = set(instance.pinned_articles.values_list("pk", flat=True))
    affected |= set(instance.excluded.values_list("pk", flat=True))
    if old is not None:
        affected |= membership.articles_in_topic(old)
    if not get_backend().exists():
        outbox.enqueue(affected)
        return  # nothing indexed yet: the first build evaluates every topic anyway
    try:
        affected |= membership.articles_matching(instance.query)
    except Exception:  # an unreadable index is rebuilt on the next read; sync repairs the rest
        outbox.logger.exception("Could not read the index to re-evaluate topic %s.", instance)
    outbox.enqueue(affected)


@receiver(pre_delete, sender=Topic)
def topic_deleted(sender, instance, **kwargs):
    affected = membership.articles_in_topic(instance)
    affected |= set(instance.pinned_articles.values_list("pk", flat=True))
    outbox.enqueue(affected)
