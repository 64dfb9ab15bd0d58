"""URL map of the whole project."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from promptly.health import healthz

admin.site.site_header = "Promptly administration"
admin.site.site_title = "Promptly"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="inbox:queue"), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("inbox/", include("inbox.urls")),
    path("", include("responses.urls")),
    path("setup/", include("monitoring.urls")),
    path("api/v1/sla/", include("inbox.sla.api")),
    path("api/v1/queries/", include("monitoring.queries.api")),
    path("api/v1/", include("responses.api")),
    path("api/v1/", include("inbox.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("webhooks/", include("monitoring.webhook_urls")),
    path("crisis/", include("crisis.urls")),
]

if settings.PROMPTLY_SANDBOX:
    urlpatterns += [path("sandbox/", include("monitoring.sandbox.urls"))]
