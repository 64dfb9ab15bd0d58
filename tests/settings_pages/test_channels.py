"""Connecting a Facebook Page on /settings/channels/: its token must read the Page (asked through facebook-sdk
over real HTTP to the sandbox) before anything is saved, and a Page belongs to one brand only."""

from brands.services import add_brand, add_member
from monitoring.models import ChannelAccount
from sandbox import services as sandbox


def connect_page(client, brand, page_id: str, token: str):
    form = {"brand": brand.pk, "platform": "facebook", "page_id": page_id, "page_token": token}
    return client.post("/settings/channels/", form)


def test_a_page_is_saved_only_once_its_token_reads_it(client, admin_user, platforms, brand):
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    client.force_login(admin_user)

    refused = connect_page(client, brand, page.page_id, "EAAG-not-this-pages-token")

    assert refused.status_code == 400
    assert f"This token cannot read the Page {page.page_id}" in refused.content.decode()
    assert not ChannelAccount.objects.exists()
    connected = connect_page(client, brand, page.page_id, page.page_token)
    account = ChannelAccount.objects.get()
    assert connected.url == f"/settings/channels/{account.pk}/"
    assert account.handle == "Acme Coffee"


def test_a_page_of_another_brand_is_refused_without_naming_it(client, admin_user, platforms, brand):
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    beans = add_brand(slug="beans", name="Beans Inc")
    add_member(brand=beans, user=admin_user)
    client.force_login(admin_user)
    connect_page(client, brand, page.page_id, page.page_token)

    refused = connect_page(client, beans, page.page_id, page.page_token)

    assert refused.status_code == 400
    assert "is already connected to another brand" in refused.content.decode()
    assert list(ChannelAccount.objects.values_list("brand__slug", flat=True)) == ["acme"]
