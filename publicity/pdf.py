"""Print-ready pages as PDF, made on the server with WeasyPrint from the same templates the browser
prints, so a bulletin looks the same on any machine.

The Chinese font is the project's own (static/fonts/wqy-microhei.ttf, named "GridPrint" by
static/css/print.css) and WeasyPrint embeds the glyphs it uses. Everything a page refers to is read
from disk here, never over the network: static files from the static finders (or the collected
files), a cadre's photo and a grid's map from storage. Anything else is refused.
"""

import mimetypes
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from villages.models import Cadre, Grid

# Where a page's pictures come from: the view that serves them to the browser → the stored file,
# read through the same jurisdiction as that view.
PICTURES = {
    "villages:cadre_photo": lambda user, pk: Cadre.objects.for_user(user).get(pk=pk).photo,
    "publicity:grid_map": lambda user, pk: Grid.objects.for_user(user).get(pk=pk).map,
}


class LocalFetcher(URLFetcher):
    """Resolves a page's static files and pictures on disk, as `user` may see them; data: URIs pass
    through; nothing is fetched over the network."""

    def __init__(self, user, **kwargs):
        super().__init__(allowed_protocols=("http", "https", "data"), **kwargs)
        self.user = user

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = unquote(urlsplit(url).path)
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static_prefix):
            name = path.removeprefix(static_prefix)
            found = finders.find(name) or staticfiles_storage.path(name)
            return self._file(url, found)
        try:
            match = resolve(path)
        except Resolver404:
            raise ValueError(f"not a local resource: {url}") from None
        picture = PICTURES.get(match.view_name)
        if picture is None:
            raise ValueError(f"not a picture: {url}")
        field = picture(self.user, match.kwargs["pk"])
        if not field:
            raise ValueError(f"no picture: {url}")
        return URLFetcherResponse(url, field.open("rb"), {"Content-Type": "image/jpeg"})

    @staticmethod
    def _file(url, filename):
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return URLFetcherResponse(url, open(filename, "rb"), {"Content-Type": mime})  # WeasyPrint closes it


def render_pdf(request, template, context):
    """The PDF of `template` as `request` would see it in the browser."""
    html = render_to_string(template, {**context, "for_pdf": True}, request=request)
    fetcher = LocalFetcher(request.user)
    return HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher).write_pdf()


def pdf_response(request, template, context, filename):
    response = HttpResponse(render_pdf(request, template, context), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    response["Cache-Control"] = "private, no-store"
    return response
