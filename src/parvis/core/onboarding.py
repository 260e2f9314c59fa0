"""The first-week checklist of a member's home page: a few first steps (add a photo, give
one's commune, join a group, follow an organisation...), each ticked when done.

Core knows no domain app: each app registers the steps it answers for in its ``content.py``:

.. code-block:: python

    from parvis.core.onboarding import Step, onboarding_steps

    onboarding_steps.register(
        Step(
            key="group",
            label=_("Join a group"),
            url=lambda: reverse("groups:index"),
            done=lambda user: active_memberships(user).exists(),  # at most one query
            order=30,
        )
    )

The checklist shows during the member's first ``DAYS`` days, until every step is done or
the member hides it (``accounts.services.checklist_dismiss``). It is read outside the home
page's cached fragment (it changes as the member acts elsewhere): a step costs at most one
query, and only for the members who see the list; the others cost none.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

#: How long a new member sees the checklist.
DAYS = 7


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    url: Callable[[], str]
    done: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class StepState:
    key: str
    label: Any
    url: str
    done: bool


class StepRegistry:
    def __init__(self):
        self._steps: dict[str, Step] = {}

    def __contains__(self, key):
        return key in self._steps

    def register(self, step):
        if not isinstance(step, Step):
            raise TypeError(f"Register a Step, not {type(step).__name__}.")
        self._steps[step.key] = step
        return step

    def unregister(self, key):
        self._steps.pop(key, None)

    def steps(self):
        return sorted(self._steps.values(), key=lambda step: (step.order, step.key))


#: The registry of the checklist's steps.
onboarding_steps = StepRegistry()


def shows_checklist(user, now=None) -> bool:
    """Whether ``user`` is in their first week and has not hidden the checklist (no query)."""
    if not user.is_authenticated or user.checklist_dismissed_at is not None:
        return False
    now = now or timezone.now()
    return user.date_joined > now - dt.timedelta(days=DAYS)


def checklist(user, now=None):
    """The steps with their state, or ``None`` when the member does not see the list (outside
    their first week, hidden, or every step done)."""
    if not shows_checklist(user, now):
        return None
    states = [
        StepState(key=step.key, label=step.label, url=step.url(), done=bool(step.done(user)))
        for step in onboarding_steps.steps()
    ]
    if not states or all(state.done for state in states):
        return None
    return {"steps": states, "done": sum(state.done for state in states), "total": len(states)}
