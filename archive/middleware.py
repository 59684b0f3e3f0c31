"""Response headers Django 5.2 does not set itself."""

from django.conf import settings


def content_security_policy(get_response):
    """A strict Content-Security-Policy: no inline or foreign script can run, even if some
    captured markup ever slipped past bleach. (Django 6 has this built in; we are on 5.2.)"""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

    return middleware
