"""The CSV export of a consultation's answers, for its institution's agents and the moderators.

One row per response, no member identity: a running number, the commune and the EPCI (each
only when the results page shows it on its own — at least ``MIN_GROUP_SIZE`` respondents —
else "Other communes" / "Other intercommunalities", the same cells as the page and the API:
``results.publishable_cells``), then one column per question. No dates, and the rows come in
an order drawn from a keyed hash of each response (neither the order of the answers nor that
of the communes inside "Other communes"): the order says neither who answered when nor which
rows of a pool come from the same commune. Cells that a spreadsheet would run as
a formula (starting with =, +, -, @, tab or carriage return) are prefixed with an apostrophe.
"""

import csv
import hashlib

from django.conf import settings
from django.db.models import CharField, Count, Prefetch, Value
from django.db.models.functions import MD5, Cast, Concat
from django.utils.translation import gettext as _

from parvis.core.spreadsheets import safe_cell

from .models import CHOICE_KINDS, Answer, Option, QuestionKind, Response
from .results import OTHER, publishable_cells

CHUNK = 1000


class Echo:
    """A file-like object that returns what is written (for a streaming response)."""

    def write(self, value):
        return value


def _labels(consultation):
    """Commune and EPCI labels for each commune primary key, as the breakdowns show them
    (``results.publishable_cells``: the same cells as the page and the API)."""
    rows = list(
        Response.objects.filter(consultation=consultation)
        .values("commune_id", "commune__name", "commune__epci_id", "commune__epci__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    commune_sizes = {row["commune_id"]: row["n"] for row in rows}
    commune_epci = {row["commune_id"]: row["commune__epci_id"] for row in rows}
    cells = publishable_cells(commune_sizes, commune_epci)
    other_commune, other_epci = _("Other communes"), _("Other intercommunalities")
    labels = {}
    for row in rows:
        labels[row["commune_id"]] = (
            row["commune__name"] if row["commune_id"] in cells.communes else other_commune,
            row["commune__epci__name"]
            if cells.epci_of(row["commune_id"], commune_epci) != OTHER
            else other_epci,
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
    salt = hashlib.sha256(f"{settings.SECRET_KEY}:export:{consultation.pk}".encode()).hexdigest()
    responses = (
        Response.objects.filter(consultation=consultation)
        .annotate(shuffle=MD5(Concat(Cast("pk", CharField()), Value(salt[:32]))))
        .order_by("shuffle", "pk")
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
