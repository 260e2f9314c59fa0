"""What the questions tell, and to whom: activities recorded by ``services`` in their
transaction, told by a notifications worker after the commit (``notifications.activities``).
Moderators stay anonymous; the author is named to nobody ("a resident of <commune>")."""

from django.urls import reverse

from parvis.accounts.models import User
from parvis.core.emails import absolute_url
from parvis.notifications.activities import activity_record
from parvis.organisations.models import OrganisationMembership

from .selectors import followers_of


def _context(question, **extra):
    return {
        "title": question.title,
        "addressee": question.addressee_name,
        "commune": question.commune.name,
        "url": absolute_url(question.get_absolute_url()),
        **extra,
    }


def addressees(question):
    """Who answers for the question: the official, or the institution's agents."""
    if question.official_id is not None:
        return list(User.objects.filter(pk=question.official_id, is_active=True))
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=OrganisationMembership.objects.filter(
                organisation_id=question.institution_id
            ).values("user_id"),
        ).order_by("pk")
    )


def tell_published(*, question):
    if question.author_id:
        activity_record(
            kind="questions.published",
            target=question,
            recipients=[question.author],
            url=question.get_absolute_url(),
            data=_context(question),
        )
    activity_record(
        kind="questions.asked",
        target=question,
        recipients=addressees(question),
        url=question.get_absolute_url(),
        data=_context(question),
    )


def tell_refused(*, question):
    if question.author_id:
        activity_record(
            kind="questions.refused",
            target=question,
            recipients=[question.author],
            url=question.get_absolute_url(),
            data=_context(
                question,
                reason=question.refusal_reason,
                rules_url=absolute_url(reverse("questions:rules")),
            ),
        )


def tell_answered(*, question, amended):
    activity_record(
        kind="questions.answered",
        actor=question.answered_by,
        target=question,
        recipients=list(followers_of(question).order_by("pk")),
        url=question.get_absolute_url(),
        data=_context(question, answer=question.answer, amended=amended),
    )
