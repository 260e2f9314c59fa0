"""The form renderer (``FORM_RENDERER``): Django's, with the options of a ``<select>`` written
in Python.

Django renders each ``<option>`` of a ``<select>`` through two templates
(``select_option.html`` and ``attrs.html``): a page's filters (the agenda's categories and
intercommunalities, the directory's types, the news' categories...) cost a few hundred
template renders on every page. ``Renderer`` renders the ``<select>`` tag itself through
Django's template (its attributes as before) and writes the options as those templates would,
byte for byte: the same escaping, the same attributes in the same order, the same spaces and
line breaks. Anything it does not know — an option of another template, a label that is not
text (Django would localise a number) — goes through Django's templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
END = "\n</select>"


def _formatted(value):
    """``{{ value|stringformat:'s' }}`` with autoescaping."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    return conditional_escape(text) if isinstance(value, SafeData) else escape(text)


def _text(value):
    """``{{ value }}`` with autoescaping, for text (``None`` when not text)."""
    if isinstance(value, str | Promise):
        return conditional_escape(value)
    return None


def _attrs(attrs):
    """``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _options(optgroups):
    """What ``select.html`` writes between the ``<select>`` tag and ``</select>``, or ``None``
    when an option or a group is one it leaves to Django's templates."""
    parts = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            label = _text(group_name)
            if label is None:
                return None
            parts.append(f'\n  <optgroup label="{label}">')
        for option in group_choices:
            label = _text(option["label"])
            if option["template_name"] != OPTION or label is None:
                return None
            value = _formatted(option["value"])
            parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    return "".join(parts)


class Renderer(DjangoTemplates):
    """Django's ``DjangoTemplates`` renderer, with the options of a ``<select>`` written in
    Python (see the module's docstring)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        options = _options(widget["optgroups"]) if widget is not None else None
        if options is None:
            return super().render(template_name, context, request)
        bare = {**context, "widget": {**widget, "optgroups": ()}}
        head, end, tail = super().render(template_name, bare, request).rpartition(END)
        return f"{head}{options}{end}{tail}"
