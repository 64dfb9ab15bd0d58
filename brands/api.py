"""What every API that names a brand shares: the brand field, limited to the requester's brands."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from brands.models import Brand
from brands.selectors import brands_for


class BrandSlugField(serializers.SlugRelatedField):
    """A brand of the requester's by slug; another brand's slug reads as a missing one.

    Text no slug can be (a NUL byte) is refused before the lookup: PostgreSQL rejects it in a query.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Brand.objects.none(), **kwargs)

    def get_queryset(self) -> QuerySet[Brand]:
        request = self.context.get("request")
        return brands_for(request.user) if request else Brand.objects.none()

    def to_internal_value(self, data: Any) -> Brand:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        brand: Brand = super().to_internal_value(data)
        return brand
