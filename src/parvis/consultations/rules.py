"""Who may do what with consultations, as named ``rules`` permissions.

- ``consultations.create_consultation``: agents of a verified institution (its managers and
  editors) and the moderators.
- ``consultations.manage_consultation``: the agents of the consultation's institution and the
  moderators: edit, publish, write the conclusion, read free-text answers, export.
- ``consultations.edit_questions``: the same, as long as nobody has answered.
- ``consultations.answer_consultation``: identified members of a target territory, while the
  consultation is open (``selectors.answer_refusal`` says why not). Superusers get every
  Django permission: code that decides whether someone may answer calls ``answer_refusal``
  (or the predicate ``may_answer``), never ``has_perm``.
- ``consultations.view_results``: everyone once results are public (live, or after closing),
  and the managers at any time.

Commenting is the comments app's (``parvis.comments.registrations``: identified members, on a
published consultation).

The Django model permissions (``consultations.change_consultation``...) are the moderators'
admin permissions and are not redefined here.
"""

import rules

from parvis.accounts.rules import is_active_member

from . import selectors
from .models import ConsultationStatus, Phase, ResultsVisibility


@rules.predicate
def is_institution_agent(user):
    return selectors.is_institution_agent(user)


@rules.predicate
def is_consultation_moderator(user):
    return selectors.is_consultation_moderator(user)


@rules.predicate
def runs_consultation(user, consultation):
    return consultation is not None and selectors.user_runs(user, consultation)


@rules.predicate
def has_no_responses(user, consultation):
    return consultation is not None and not consultation.responses.exists()


@rules.predicate
def may_answer(user, consultation):
    return consultation is not None and selectors.answer_refusal(consultation, user) is None


@rules.predicate
def results_are_public(user, consultation):
    return consultation is not None and results_public(consultation)


def results_public(consultation, now=None):
    """Whether anyone may read the results: published, and closed — or open with live
    results."""
    if consultation.status != ConsultationStatus.PUBLISHED:
        return False
    phase = consultation.phase(now)
    if phase == Phase.CLOSED:
        return True
    return phase == Phase.OPEN and consultation.results_visibility == ResultsVisibility.LIVE


can_manage = is_active_member & (runs_consultation | is_consultation_moderator)

rules.add_perm(
    "consultations.create_consultation",
    is_active_member & (is_institution_agent | is_consultation_moderator),
)
rules.add_perm("consultations.manage_consultation", can_manage)
rules.add_perm("consultations.edit_questions", can_manage & has_no_responses)
rules.add_perm("consultations.answer_consultation", may_answer)
rules.add_perm("consultations.view_results", results_are_public | can_manage)
