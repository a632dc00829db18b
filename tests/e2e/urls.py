"""The site's URLs plus uploaded files, which the live server does not serve with debug off."""

from django.conf import settings
from django.urls import path
from django.views.static import serve

from newsroom.urls import urlpatterns as site_urlpatterns


def media(request, path):
    # MEDIA_ROOT is read per request: each test uploads into its own folder.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, path("media/<path:path>", media)]
