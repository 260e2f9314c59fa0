"""The API's plumbing: one exception handler for the services' refusals, the route registry."""

import ast
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from rest_framework import exceptions

import parvis.api
from parvis.api.exceptions import api_error, exception_handler
from parvis.api.registry import ApiRouter, router


def test_a_service_validation_error_by_field_answers_400_by_field():
    error = ValidationError({"title": ["Too long."], NON_FIELD_ERRORS: ["Closed."]})
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"title": ["Too long."], "non_field_errors": ["Closed."]}


def test_a_service_validation_error_without_fields_answers_400_with_its_messages():
    response = exception_handler(ValidationError("Locked discussion."), {})
    assert response.status_code == 400
    assert response.data == ["Locked discussion."]


def test_a_service_refusal_answers_403_with_its_message_or_drf_s_default():
    response = exception_handler(PermissionDenied("Only members reply."), {})
    assert response.status_code == 403
    assert response.data == {"detail": "Only members reply."}
    response = exception_handler(PermissionDenied(), {})
    assert response.status_code == 403
    assert response.data["detail"] == exceptions.PermissionDenied.default_detail


def test_api_errors_and_other_exceptions_pass_through():
    error = exceptions.NotFound()
    assert api_error(error) is error
    other = KeyError("x")
    assert api_error(other) is other
    assert exception_handler(other, {}) is None  # a 500, as before


class _ViewSet:
    pass


def test_the_router_keeps_routes_in_order_then_in_registration_order():
    test_router = ApiRouter()
    test_router.register("c", _ViewSet, basename="c", order=30)
    test_router.register("a", _ViewSet, basename="a", order=10)
    test_router.register("c/(?P<x>[0-9]+)/d", _ViewSet, basename="d", order=30)
    test_router.register("b", _ViewSet, basename="b", order=20)
    assert [prefix for prefix, _, _ in test_router.registry] == ["a", "b", "c", "c/(?P<x>[0-9]+)/d"]


def test_each_domain_app_registers_its_routes():
    assert [basename for _, _, basename in router.registry] == [
        "api-territory",
        "api-organisation",
        "api-member",
        "api-event",
        "api-consultation",
        "api-post",
        "api-official",
        "api-group",
        "api-group-thread",
        "api-group-message",
        "api-conversation",
        "api-search",  # core's /api/recherche/ (parvis.core.api), order 90
        "api-question",
        "api-comment",
        "api-reaction",
        "api-follow",
        "api-local-report",
        "api-volunteer-call",
    ]


DOMAIN_APPS = (
    "agenda",
    "comments",
    "consultations",
    "conversations",
    "directory",
    "groups",
    "news",
    "officials",
    "organisations",
    "questions",
    "localreports",
    "volunteers",
)


def test_the_api_plumbing_imports_no_domain_app():
    for path in Path(parvis.api.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[:2] not in [["parvis", app] for app in DOMAIN_APPS], (
                    path.name,
                    name,
                )
