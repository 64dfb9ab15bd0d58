"""URL map of the whole project."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import LanguageView, TokenLoginView, TokenLogoutView, TokensView
from promptly.health import healthz
from settings_pages.views.password import SetPasswordView

admin.site.site_header = "Promptly administration"
admin.site.site_title = "Promptly"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="inbox:queue"), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", TokensView.as_view(), name="api-tokens"),
    path("accounts/language/", LanguageView.as_view(), name="language"),
    # The JavaScript strings of the active language, as a script file (the pages' policy allows no inline code).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/set-password/<uidb64>/<token>/", SetPasswordView.as_view(), name="set-password"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("inbox/", include("inbox.urls")),
    path("", include("responses.urls")),
    path("setup/", include("monitoring.urls")),
    path("settings/", include("settings_pages.urls")),
    path("api/v1/sla/", include("inbox.sla.api")),
    path("api/v1/queries/", include("monitoring.queries.api")),
    path("api/v1/auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("api/v1/auth/logout/", TokenLogoutView.as_view(), name="api-logout"),
    path("api/v1/", include("responses.api")),
    path("api/v1/", include("inbox.api.urls")),
    # The schema and its docs need a login (session or token): they map what an attacker would probe.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page needs no inline script.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("webhooks/", include("monitoring.webhook_urls")),
    path("crisis/", include("crisis.urls")),
]

if settings.PROMPTLY_SANDBOX:
    urlpatterns += [path("sandbox/", include("sandbox.urls"))]
