"""Request limits and response headers Django 5.2 does not provide itself."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from archive.ingest.pipeline import megabytes


def request_size_limit(get_response):
    """Refuse a request body over ``DOSSIER_REQUEST_MAX_BYTES`` by its declared length, before
    anything reads it: the upload limits only apply once the whole body has been received.

    A body without a Content-Length (``Transfer-Encoding: chunked``) is refused too: Django
    would read it as empty, so it could only be a client we do not serve or an attempt to
    stream past the limit.
    """

    def middleware(request):
        refusal = body_refusal(request.META, settings.DOSSIER_REQUEST_MAX_BYTES)
        return refusal or get_response(request)

    return middleware


def body_refusal(meta, limit: int) -> HttpResponse | None:
    """A plain 4xx for a body that is too large, unmeasured or mislabelled; None when fine."""
    declared = meta.get("CONTENT_LENGTH") or ""
    if not declared:
        if meta.get("HTTP_TRANSFER_ENCODING"):
            return plain(411, "Send the request with a Content-Length header; "
                              "streamed (chunked) request bodies are not accepted.")
        return None
    if not (declared.isascii() and declared.isdigit()):
        return plain(400, "The Content-Length header is not a number of bytes.")
    if int(declared) > limit:
        return plain(413, f"The request is {megabytes(int(declared))} MB; the limit is "
                          f"{megabytes(limit)} MB ({limit} bytes). Upload fewer or smaller files "
                          "at a time.")
    return None


def plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def content_security_policy(get_response):
    """A strict Content-Security-Policy: no inline or foreign script can run, even if some
    captured markup ever slipped past bleach. (Django 6 has this built in; we are on 5.2.)"""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

    return middleware


PIN_COOKIE = "dossier_primary"


def replica_reads(get_response):
    """Let a request read the replica (DATABASE_REPLICA_URL) only when a moment's lag cannot
    show: a GET or HEAD outside the admin, by a visitor who is not staff and has not written in
    the last ``DOSSIER_REPLICA_PIN_SECONDS``. A request that writes (or posts) sets a cookie
    that pins its browser to the primary for that long, so an uploader sees their upload."""
    from archive import routers

    def middleware(request):
        if not reads_replica(request):
            response = get_response(request)
            wrote = request.method not in ("GET", "HEAD", "OPTIONS")
        else:
            with routers.replica_reads() as request_wrote:
                response = get_response(request)
                wrote = request_wrote()
        if wrote:
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.DOSSIER_REPLICA_PIN_SECONDS,
                                secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                                samesite="Lax")
        return response

    return middleware


def reads_replica(request) -> bool:
    """Whether this request may read the replica (the user is looked up on the primary)."""
    if request.method not in ("GET", "HEAD") or PIN_COOKIE in request.COOKIES:
        return False
    if request.path.startswith(reverse("admin:index")):
        return False
    return not request.user.is_staff
