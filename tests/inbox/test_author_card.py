"""The author card: the person across the brand's channels (same handle or linked), their earlier conversations
and how each ended, their reach, and a platform link that is right in sandbox mode too."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.urls import clear_url_caches, reverse

from brands.services import add_brand
from inbox.models import AuthorLink, DeliveryStatus, Direction
from inbox.templatetags.inbox_tags import author_link
from monitoring.models import Platform
from tests.inbox.factories import AccountFactory, AuthorFactory, MessageFactory, conversation_with_message


def card(client, conversation) -> str:
    body = client.get(reverse("inbox:panel", args=[conversation.pk])).content.decode()
    return body.split('id="author-card"')[1].split("</section>")[0]


def test_the_same_handle_on_another_channel_of_the_brand_is_the_same_person(client, agent, brand):
    on_x = AuthorFactory(platform=Platform.X, handle="MariaK", followers_count=1200)
    on_instagram_like = AuthorFactory(
        platform=Platform.FACEBOOK, external_id="fb-1", handle="mariak", followers_count=300
    )
    conversation = conversation_with_message(brand, author=on_x, text="wrong beans")
    facebook = AccountFactory(brand=brand, platform=Platform.FACEBOOK)
    earlier = conversation_with_message(brand, author=on_instagram_like, account=facebook)
    MessageFactory(conversation=earlier, direction=Direction.OUTBOUND, author=None, delivery_status=DeliveryStatus.SENT)
    # Someone with the same handle who only ever wrote to another brand is not shown here.
    elsewhere = AuthorFactory(platform=Platform.FACEBOOK, external_id="fb-2", handle="MARIAK", followers_count=9)
    conversation_with_message(add_brand(slug="globex", name="Globex"), author=elsewhere)
    client.force_login(agent)

    shown = card(client, conversation)

    assert f'data-author-id="{on_instagram_like.pk}"' in shown
    assert f'data-author-id="{elsewhere.pk}"' not in shown
    assert "Reach: 1500 followers" in shown
    assert reverse("inbox:conversation", args=[earlier.pk]) in shown
    assert "answered" in shown.split(reverse("inbox:conversation", args=[earlier.pk]))[1]


def test_an_agent_links_a_facebook_author_by_conversation_number_and_can_take_it_back(client, agent, brand):
    conversation = conversation_with_message(brand, author=AuthorFactory(handle="ana"))
    facebook = AccountFactory(brand=brand, platform=Platform.FACEBOOK)
    no_handle = AuthorFactory(platform=Platform.FACEBOOK, handle="", name="Ana Lima", profile_url="")
    other = conversation_with_message(brand, author=no_handle, account=facebook, text="still no refund")
    client.force_login(agent)
    assert f'data-author-id="{no_handle.pk}"' not in card(client, conversation)

    client.post(
        reverse("inbox:author-link", args=[conversation.pk]), {"conversation": f"#{other.pk}"}, HTTP_HX_REQUEST="true"
    )

    shown = card(client, conversation)
    assert f'data-author-id="{no_handle.pk}"' in shown and "Ana Lima" in shown
    assert reverse("inbox:conversation", args=[other.pk]) in shown
    assert "no reply from us" in shown
    # Both ways: the other conversation's card shows this author too.
    assert f'data-author-id="{conversation.author_id}"' in card(client, other)

    client.post(reverse("inbox:author-unlink", args=[conversation.pk, no_handle.pk]), HTTP_HX_REQUEST="true")
    assert not AuthorLink.objects.exists()
    assert f'data-author-id="{no_handle.pk}"' not in card(client, conversation)


def test_a_conversation_of_another_brand_cannot_be_linked(client, agent, brand):
    conversation = conversation_with_message(brand)
    secret = conversation_with_message(add_brand(slug="globex", name="Globex"))
    client.force_login(agent)
    answer = client.post(
        reverse("inbox:author-link", args=[conversation.pk]), {"conversation": str(secret.pk)}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 400
    assert f"No conversation #{secret.pk} in this brand." in answer.content.decode()
    assert not AuthorLink.objects.exists()


@pytest.fixture
def sandbox_mounted(settings) -> Iterator[None]:
    """The sandbox's pages, mounted as PROMPTLY_SANDBOX mounts them."""

    def mount(enabled: bool) -> None:
        settings.PROMPTLY_SANDBOX = enabled
        importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
        clear_url_caches()

    mount(True)
    yield
    mount(False)


def test_the_platform_link_is_the_profile_or_in_sandbox_mode_the_sandboxs_own_page(settings, sandbox_mounted):
    author = AuthorFactory.build(handle="maria", profile_url="https://x.com/maria")
    author.latest_url = "https://x.com/maria/status/1745000000000000012"
    settings.PROMPTLY_SANDBOX = False
    assert author_link(author) == "https://x.com/maria"
    settings.PROMPTLY_SANDBOX = True
    assert "x.com" not in author_link(author)
    assert author_link(author) == "/sandbox/x/maria/status/1745000000000000012"
    author.latest_url = "https://www.facebook.com/1001_2002"
    assert author_link(author) == "/sandbox/facebook/1001_2002"
    author.latest_url = "javascript:alert(1)"
    assert author_link(author) == ""  # never the real platform, never a script
