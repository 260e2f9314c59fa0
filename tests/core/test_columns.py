"""A column's identity (``parvis.core.columns``): what Django's own computation gives, so that
queries compare, hash and compile as before."""

import pytest
from django.db.models import F
from django.db.models.expressions import Col, Expression

from parvis.groups.models import Message


def _django_identity(expression):
    return Expression.identity.func(expression)


def test_the_columns_of_a_query_keep_their_identity():
    queryset = Message.objects.select_related("author", "quoted__author").order_by("position")
    compiler = queryset.query.get_compiler(using="default")
    compiler.setup_query()
    columns = [expression for expression, _, _ in compiler.select if type(expression) is Col]
    assert len(columns) > 20
    for column in columns:
        assert column.identity == _django_identity(column)


@pytest.mark.parametrize(
    "make",
    [
        lambda body, position: Col("alias", body),
        lambda body, position: Col("alias", body, position),
        lambda body, position: Col("alias", body, output_field=position),
        lambda body, position: Col(None, target=body),
        lambda body, position: Col(alias="a", target=body, output_field=None),
    ],
)
def test_any_call_gives_django_s_identity(make):
    body, position = Message._meta.get_field("body"), Message._meta.get_field("position")
    column = make(body, position)
    assert column.identity == _django_identity(column)
    assert hash(column) == hash(_django_identity(column))


def test_equal_columns_are_equal_and_others_differ():
    body, position = Message._meta.get_field("body"), Message._meta.get_field("position")
    assert Col("a", body) == Col("a", body)
    assert hash(Col("a", body)) == hash(Col("a", body))
    assert Col("a", body) != Col("b", body)
    assert Col("a", body) != Col("a", position)
    assert Col("a", body) != F("body")


def test_automatic_keys_give_the_type_of_the_columns_that_refer_to_them():
    from django.db import connection
    from django.db.models import AutoField, BigAutoField, BigIntegerField, IntegerField

    for _ in range(2):  # computed, then remembered
        assert AutoField().rel_db_type(connection) == IntegerField().db_type(connection)
        assert BigAutoField().rel_db_type(connection) == BigIntegerField().db_type(connection)
    assert Message._meta.get_field("author").db_type(connection) == "bigint"
