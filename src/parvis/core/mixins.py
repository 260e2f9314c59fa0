"""Mixins shared by the apps' forms."""


def add_service_errors(form, error, field_for=None):
    """Show a service's ``ValidationError`` on ``form``: each message on the field the service
    named (``field_for`` maps a service's field name to the form's), else above the fields."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = (field_for or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ServiceErrorsMixin:
    """A form that shows the ``ValidationError`` of the service it feeds: on the field it names
    when the form has it (through ``field_for`` when the names differ), else at the top.

    ```python
    except ValidationError as error:
        form.add_service_errors(error)
    ```
    """

    #: ``{service's field name: form's field name}`` where they differ.
    field_for = {}

    def add_service_errors(self, error):
        add_service_errors(self, error, self.field_for)
