from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve

from silkbridge.api import views as api_views
from silkbridge.api.urls import api, api_v2
from silkbridge.portal import views as portal_views
from silkbridge.portal.feeds import NewRecordsFeed

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("api/v2/", api_v2.urls),
    path("sitemap.xml", portal_views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", portal_views.sitemap_section, name="sitemap_section"),
    path("robots.txt", portal_views.robots, name="robots"),
]
if settings.SILKBRIDGE_SERVE_MEDIA:
    # The embedded default only: Django's static serve is unfit behind a real proxy, which
    # serves MEDIA_ROOT itself (SILKBRIDGE_SERVE_MEDIA=0, deploy/nginx.conf).
    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    )
urlpatterns += i18n_patterns(
    path("", portal_views.home, name="home"),
    path("", include("silkbridge.portal.urls")),
    path("", include("silkbridge.registry.urls")),
    path("", include("silkbridge.indicators.urls")),
    path("", include("silkbridge.cooperation.urls")),
    path("", include("silkbridge.events.urls")),
    path("marketplace/", include("silkbridge.marketplace.urls")),
    path("feeds/", portal_views.feeds, name="feeds"),
    path("feeds/<slug:kind>.atom", NewRecordsFeed(), name="feed"),
    path("open-data/", api_views.downloads, name="open_data"),
    path("open-data/datapackage.json", api_views.package, name="open_data_package"),
    path("open-data/catalog.jsonld", api_views.catalogue, name="open_data_catalogue"),
    path("open-data/<slug:table>.<str:extension>", api_views.download, name="open_data_file"),
    path("accounts/", include("silkbridge.accounts.urls")),
    path("admin/", admin.site.urls),
)

handler400 = "silkbridge.core.views.bad_request"
handler403 = "silkbridge.core.views.permission_denied"
handler404 = "silkbridge.core.views.page_not_found"
handler500 = "silkbridge.core.views.server_error"
