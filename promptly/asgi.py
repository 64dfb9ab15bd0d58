"""ASGI entry point: Django for HTTP, Channels for the live inbox websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "promptly.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the app registry loaded)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from inbox.enrichment import language  # noqa: E402
from monitoring.webhook_asgi import with_facebook_deliveries  # noqa: E402
from promptly.body_limit import BoundedBody  # noqa: E402
from promptly.routing import websocket_urlpatterns  # noqa: E402

# lingua builds its models holding the interpreter lock for seconds (tens of them on a loaded machine). Built
# on the first ingest, that would stall the event loop, and every websocket's reads, in the middle of serving.
language.detector()
language.fast_detector()

application = ProtocolTypeRouter(
    {
        "http": BoundedBody(with_facebook_deliveries(django_asgi_app)),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
