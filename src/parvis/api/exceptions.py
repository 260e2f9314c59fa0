"""The API's one exception handler (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

The services (``<app>/services.py``) refuse with Django's exceptions, the same ones the pages
show on their forms; the API answers them like DRF's own errors, in the caller's language:

- a ``django.core.exceptions.ValidationError`` is a 400 with its messages, by field when the
  service named fields (``NON_FIELD_ERRORS`` under ``non_field_errors``), else as a list;
- a ``django.core.exceptions.PermissionDenied`` is a 403 with its message (DRF's default one
  when it has none).

So a viewset calls a service directly and lets its refusal propagate; nothing is changed, since
a service writes inside ``transaction.atomic()``.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, views
from rest_framework.settings import api_settings


def api_error(error):
    """The DRF exception that answers a service's ``error`` (``error`` itself if it is one)."""
    if isinstance(error, DjangoValidationError):
        if not hasattr(error, "error_dict"):
            return exceptions.ValidationError(error.messages)
        return exceptions.ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
                for name, messages in error.message_dict.items()
            }
        )
    if isinstance(error, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(error) or None)
    return error


def exception_handler(exc, context):
    """DRF's handler, after turning a service's refusal into the API error that answers it."""
    return views.exception_handler(api_error(exc), context)
