# Serializers that the apps' APIs build on: the short references to an object that another
# object shows (its category, its organisation, its author). Each app subclasses them under its
# own name, which is the component's name in the OpenAPI schema. No docstrings here: the schema
# would show a base's docstring as the description of every subclass that has none.

from rest_framework import serializers


class SlugNameSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)
