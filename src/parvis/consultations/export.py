"""The CSV export of a consultation's answers, for its institution's agents and the moderators.

One row per response, no member identity: a running number, the commune and the EPCI (each
only when the results page shows it on its own — at least ``MIN_GROUP_SIZE`` respondents —
else "Other communes" / "Other intercommunalities"), then one column per question. No dates:
the order of the answers does not say who answered when. Cells that a spreadsheet would run as
a formula (starting with =, +, -, @, tab or carriage return) are prefixed with an apostrophe.
"""

import csv
from collections import defaultdict

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from parvis.core.spreadsheets import safe_cell

from .models import CHOICE_KINDS, Answer, Option, QuestionKind, Response
from .results import shown_groups

CHUNK = 1000


class Echo:
    """A file-like object that returns what is written (for a streaming response)."""

    def write(self, value):
        return value


def _labels(consultation):
    """Commune and EPCI labels for each commune primary key, as the breakdowns show them."""
    rows = list(
        Response.objects.filter(consultation=consultation)
        .values("commune_id", "commune__name", "commune__epci_id", "commune__epci__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    commune_sizes = {row["commune_id"]: row["n"] for row in rows}
    shown, _pool = shown_groups(commune_sizes)
    epci_sizes = defaultdict(int)
    for row in rows:
        epci_sizes[row["commune__epci_id"]] += row["n"]
    shown_epcis, _epci_pool = shown_groups(dict(epci_sizes))
    other_commune, other_epci = _("Other communes"), _("Other intercommunalities")
    labels = {}
    for row in rows:
        labels[row["commune_id"]] = (
            row["commune__name"] if row["commune_id"] in shown else other_commune,
            row["commune__epci__name"] if row["commune__epci_id"] in shown_epcis else other_epci,
        )
    return labels


def export_rows(consultation):
    """The CSV rows (header first) of ``consultation`` (questions and options prefetched)."""
    questions = list(consultation.questions.all())
    yield [
        _("Response"),
        _("Commune"),
        _("Intercommunality (EPCI)"),
        *[f"{number}. {question.text}" for number, question in enumerate(questions, start=1)],
    ]
    labels = _labels(consultation)
    responses = (
        Response.objects.filter(consultation=consultation)
        .order_by("commune__name", "pk")
        .only("pk", "commune_id")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.only(
                    "pk", "response_id", "question_id", "scale", "text"
                ).prefetch_related(
                    Prefetch("options", queryset=Option.objects.order_by("order", "pk"))
                ),
            )
        )
    )
    for number, response in enumerate(responses.iterator(chunk_size=CHUNK), start=1):
        answers = {answer.question_id: answer for answer in response.answers.all()}
        cells = []
        for question in questions:
            answer = answers.get(question.pk)
            if answer is None:
                cells.append("")
            elif question.kind in CHOICE_KINDS:
                cells.append(" ; ".join(option.label for option in answer.options.all()))
            elif question.kind == QuestionKind.SCALE:
                cells.append(answer.scale)
            else:
                cells.append(answer.text)
        commune, epci = labels.get(response.commune_id, (_("Other communes"), ""))
        yield [number, commune, epci, *cells]


def export_csv_lines(consultation):
    writer = csv.writer(Echo())
    yield "\ufeff"  # a BOM, so that spreadsheets read the file as UTF-8
    for row in export_rows(consultation):
        yield writer.writerow([safe_cell("" if cell is None else str(cell)) for cell in row])
