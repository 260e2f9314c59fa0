# Serializers that the apps' APIs build on: the short references to an object that another
# object shows (its category, its organisation, its author). Each app subclasses them under its
# own name, which is the component's name in the OpenAPI schema. No docstrings here: the schema
# would show a base's docstring as the description of every subclass that has none.

from django.db.models.manager import BaseManager
from rest_framework import serializers

from parvis.core.pagecache.cards import shared


class SharedListSerializer(serializers.ListSerializer):
    # A list whose items' representations are kept (core.pagecache.cards.shared) under what
    # the item serializer reads of each item, the site's address (absolute links), the format
    # and the reader: an API page asked again, or another page or filter listing the same
    # items, costs its queries and one cache read. ``Meta.list_serializer_class`` of the
    # lists' item serializers; an item serializer must read nothing but the item, the request's
    # address and user, and what the view attached to the item.
    def to_representation(self, data):
        items = data.all() if isinstance(data, BaseManager) else data
        request = self.context.get("request")
        child = type(self.child)
        reader = {
            "serializer": f"{child.__module__}.{child.__qualname__}",
            "site": request.build_absolute_uri("/") if request is not None else "",
            "user": getattr(request, "user", None),
            "format": self.context.get("format"),
        }
        return shared(
            items,
            lambda item: _plain(self.child.to_representation(item)),
            reader["serializer"],
            extra=reader,
        )


def _plain(value):
    # What the renderers write, without the objects behind it (a ``Hyperlink`` holds its
    # model instance): kept small, and nothing of the item beyond its representation.
    if isinstance(value, dict):
        return {key: _plain(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_plain(part) for part in value]
    if isinstance(value, str):
        return str(value)
    return value


class SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)
