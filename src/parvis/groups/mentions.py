"""@mentions of group members in messages.

Handle format: ``@`` followed by the member's first and last name as a slug — lower case,
accents dropped, spaces and apostrophes turned into hyphens: Léa Dubois is ``@lea-dubois``,
Jean-Pierre Le Gall is ``@jean-pierre-le-gall``. Typing is forgiving: ``@Léa-Dubois`` and
``@LEA-DUBOIS`` mention her too. When two members of the group share a handle, each one's
handle gets their member number: ``@lea-dubois-42`` (always accepted, even without a clash).

Only the *active members of the group* can be mentioned: a handle that matches nobody there
(or someone outside the group) stays plain text and notifies no one. Mentions inside code
(```` ``` ```` blocks or `` `inline` ``) do not count.
"""

import re
from collections import defaultdict

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from parvis.core.richtext import render_markdown

#: "@" not preceded by a word character (so e-mail addresses are not mentions), then letters,
#: digits, hyphens or apostrophes, ending with a letter or digit.
MENTION = re.compile(r"(?<![\w@/])@([^\W_](?:[\w'’-]*[^\W_])?)")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
#: At most this many handles of one message are looked at.
MAX_MENTIONS = 20


def handle_from_names(first_name, last_name):
    """The handle (without the "@") of a member with these names."""
    return slugify(f"{first_name} {last_name}".replace("’", " ").replace("'", " "))


def handle_for(user):
    """The handle of ``user`` without the "@" (see the module's docstring)."""
    return handle_from_names(user.first_name, user.last_name)


def handles_in(text):
    """The handles written in ``text`` (normalised, each once, in order, at most 20)."""
    seen = []
    for match in MENTION.finditer(CODE.sub(" ", text or "")):
        handle = slugify(match.group(1).replace("’", " ").replace("'", " "))
        if handle and handle not in seen:
            seen.append(handle)
        if len(seen) >= MAX_MENTIONS:
            break
    return seen


def resolve(handles, members):
    """The members (of ``members``) that ``handles`` designate, in handle order."""
    if not handles:
        return []
    by_handle = defaultdict(list)
    for member in members:
        base = handle_for(member)
        by_handle[base].append(member)
        by_handle[f"{base}-{member.pk}"].append(member)
    found = []
    for handle in handles:
        candidates = by_handle.get(handle, [])
        if len(candidates) == 1 and candidates[0] not in found:
            found.append(candidates[0])
    return found


def member_handles(members):
    """``{member.pk: handle}`` for ``members``, with the number added where two clash."""
    bases = {member.pk: handle_for(member) for member in members}
    counts = defaultdict(int)
    for base in bases.values():
        counts[base] += 1
    return {pk: base if counts[base] == 1 else f"{base}-{pk}" for pk, base in bases.items()}


def _profile_links(members):
    """``{handle: (member, profile URL)}`` for ``members``, with every handle they answer to."""
    links = {}
    handles = member_handles(members)
    for member in members:
        url = reverse("members:profile", kwargs={"pk": member.pk})
        links[handle_for(member)] = (member, url)
        links[handles[member.pk]] = (member, url)
        links[f"{handle_for(member)}-{member.pk}"] = (member, url)
    return links


def _handle_of(match):
    return slugify(match.group(1).replace("’", " ").replace("'", " "))


def render_with_links(body, mentioned):
    """``body``'s HTML (Markdown), the mentions of ``mentioned`` turned into links to their
    profiles (outside code); other handles stay plain text. Used by group messages and
    comments."""
    links = _profile_links(mentioned)

    def link(match):
        found = links.get(_handle_of(match))
        if found is None:
            return match.group(0)
        member, url = found
        name = member.get_full_name().replace("[", "").replace("]", "")
        return f"[@{name}]({url})"

    parts = []
    position = 0
    for code in CODE.finditer(body):
        parts.append(MENTION.sub(link, body[position : code.start()]))
        parts.append(code.group(0))
        position = code.end()
    parts.append(MENTION.sub(link, body[position:]))
    return render_markdown("".join(parts))


def link_in_text(text, members):
    """Plain ``text`` as safe HTML, the handles of ``members`` linked to their profiles; the
    rest escaped. Used by private conversations, whose messages are plain text."""
    links = _profile_links(members)
    parts = []
    position = 0
    for match in MENTION.finditer(text or ""):
        found = links.get(_handle_of(match))
        if found is None:
            continue
        member, url = found
        parts.append(escape(text[position : match.start()]))
        parts.append(format_html('<a href="{}">@{}</a>', url, member.get_full_name()))
        position = match.end()
    parts.append(escape((text or "")[position:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part escaped
