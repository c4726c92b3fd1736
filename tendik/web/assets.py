"""Static files served by the project itself (no CDN): the widget bundle and the demo page.
Read once at start-up, served with an ETag and, when the browser accepts it, gzip."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).resolve().parent / "static"
WIDGET = STATIC / "tendik-widget.js"
DEMO = STATIC / "demo"
TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain",
}
COMPRESSIBLE = {".js", ".css", ".html", ".svg", ".txt"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str
    cache_control: str

    @classmethod
    def load(cls, path: Path, cache_control: str) -> Asset:
        body = path.read_bytes()
        suffix = path.suffix.lower()
        content_type = TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        gz = gzip.compress(body, compresslevel=9, mtime=0) if suffix in COMPRESSIBLE else None
        return cls(body, gz, content_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"', cache_control)

    def response(self, request: web.Request) -> web.Response:
        headers = {"ETag": self.etag, "Cache-Control": self.cache_control, "Vary": "Accept-Encoding"}
        if self.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        body = self.body
        if self.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
            body = self.gzipped
            headers["Content-Encoding"] = "gzip"
        charset = "utf-8" if self.content_type.startswith("text/") or self.content_type.endswith("+xml") else None
        return web.Response(body=body, content_type=self.content_type, charset=charset, headers=headers)


class Assets:
    """``/widget/tendik-widget.js``, ``/`` (Kazakh demo page), ``/ru`` (Russian) and ``/demo/*``."""

    def __init__(self) -> None:
        self.widget = Asset.load(WIDGET, "public, max-age=300")
        self.demo: dict[str, Asset] = {
            p.name: Asset.load(p, "public, max-age=300") for p in sorted(DEMO.iterdir()) if p.is_file() and not p.name.startswith(".")
        }

    async def widget_js(self, request: web.Request) -> web.Response:
        return self.widget.response(request)

    async def page_kk(self, request: web.Request) -> web.Response:
        return self.demo["index.html"].response(request)

    async def page_ru(self, request: web.Request) -> web.Response:
        return self.demo["ru.html"].response(request)

    async def demo_file(self, request: web.Request) -> web.Response:
        asset = self.demo.get(request.match_info["name"])
        if asset is None:
            raise web.HTTPNotFound()
        return asset.response(request)
