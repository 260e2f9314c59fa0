"""``{% avatar %}`` (``core.templatetags.parvis_ui``), written in Python: the markup the
template ``core/_avatar.html`` gave, byte for byte."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from parvis.core.templatetags.parvis_ui import SIZES, colour_index, display_name, initials

# The template the tag replaced, as it was.
TEMPLATE = (
    '{% if image_url %}<img class="avatar avatar-{{ size }}" src="{{ image_url }}"'
    '{% if srcset %} srcset="{{ srcset }}" sizes="{{ pixels }}px"{% endif %}'
    ' alt="{% if labelled %}{{ name }}{% endif %}" width="{{ pixels }}" height="{{ pixels }}"'
    ' loading="lazy" decoding="async">{% else %}<span class="avatar avatar-{{ size }}'
    ' avatar-c{{ colour }}"{% if labelled %} role="img" aria-label="{{ name }}"{% else %}'
    ' aria-hidden="true"{% endif %}>{{ initials }}</span>{% endif %}\n'
)


class Storage:
    def url(self, name):
        return f"/media/{name}"


class Picture:
    def __init__(self, url, renditions=()):
        self.url = url
        self.renditions = [SimpleNamespace(name=n, width=w) for n, w in renditions]
        self.storage = Storage()

    def __bool__(self):
        return True


class Person:
    def __init__(self, full_name, **images):
        self.full_name = full_name
        self.__dict__.update(images)

    def get_full_name(self):
        return self.full_name


def expected(person, size="md", labelled=False):
    name = display_name(person)
    image_url, srcset = "", ""
    for field in ("photo", "logo", "image"):
        image = getattr(person, field, None)
        if image:
            image_url = image.url
            if image.renditions:
                srcset = ", ".join(f"/media/{v.name} {v.width}w" for v in image.renditions)
                image_url = f"/media/{image.renditions[0].name}"
            break
    return Template(TEMPLATE).render(
        Context(
            {
                "name": name,
                "image_url": image_url,
                "srcset": srcset,
                "initials": initials(name),
                "colour": colour_index(name),
                "size": size if size in SIZES else "md",
                "pixels": SIZES.get(size, SIZES["md"]),
                "labelled": labelled,
            }
        )
    )


PEOPLE = [
    Person("Zoé Lefèvre-Dupont"),
    Person('<script>"O\'Brien" & co</script>'),
    Person(""),
    Person("Jean", photo=Picture("/media/p.jpg")),
    Person("Jean", photo=Picture("/media/p.jpg", [("a.64w.webp", 64), ("a.128w.webp", 128)])),
    Person("Asso", logo=Picture('/media/l"<.png', [("l&.64w.webp", 64)])),
    Person("Groupe", image=Picture("/media/g.png")),
    SimpleNamespace(name="Les Amis du Lac"),
    "Marie Curie",
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    "arguments", ["", ' "sm"', ' "lg"', ' "xl"', ' "lg" labelled=True', " labelled=True"]
)
def test_avatar_gives_the_template_s_markup(person, arguments):
    html = Template("{% load parvis_ui %}{% avatar person" + arguments + " %}").render(
        Context({"person": person})
    )
    size = arguments.split('"')[1] if '"' in arguments else "md"
    assert html == expected(person, size, "labelled" in arguments)
