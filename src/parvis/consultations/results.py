"""Results of a consultation: counts and percentages per question, and breakdowns by commune
and by intercommunality (EPCI) that never show a group of fewer than ``MIN_GROUP_SIZE``
respondents.

How the breakdowns protect anonymity (k-anonymity with k = 10):

1. a commune (or EPCI) gets its own column only when at least 10 of its residents answered;
2. the others are pooled in "Other communes" (or "Other intercommunalities");
3. since the totals are public, a pool of 1 to 9 respondents could be worked out by
   subtraction: while the pool is smaller than 10, the smallest shown group joins it; if no
   group is left, there is no breakdown at all. A pool of at least 10 is shown as such;
4. secondary suppression across the two breakdowns (``publishable_cells``): an
   intercommunality's total minus its communes shown on their own must not isolate fewer
   than 10 respondents either (nor the pool of the other intercommunalities minus its shown
   communes), so while that rest is 1 to 9, the smallest shown commune of that
   intercommunality joins "Other communes". Every set of respondents that can be worked out
   from the published figures (the page, the API, the CSV's commune and EPCI columns, free
   texts included) is then a union of cells of at least 10.

The page, the API (``compute_results``) and the CSV export (``export.py``) all take their
groups from ``publishable_cells``.

The whole computation costs a fixed number of queries (five, six with the free texts),
whatever the number of answers or communes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from .models import CHOICE_KINDS, SCALE_MAX, SCALE_MIN, Answer, QuestionKind, Response

#: No breakdown cell ever covers fewer respondents than this.
MIN_GROUP_SIZE = 10
#: Free-text answers listed on the results page per question (the CSV export has them all).
TEXTS_SHOWN = 200

OTHER = "other"


def _percent(count, total):
    return round(100 * count / total, 1) if total else 0.0


@dataclass
class Share:
    """One line of a question's results: an option (or a scale value) and how many chose it."""

    label: str
    count: int
    percent: float
    key: object = None


@dataclass
class QuestionResult:
    question: object
    answered: int = 0
    shares: list[Share] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] | None = None  # free texts, for the institution only
    text_count: int = 0
    #: ``[(title, [(group, QuestionResult)])]``: this question by commune, by EPCI.
    breakdowns: list = field(default_factory=list)

    @property
    def is_choice(self):
        return self.question.kind in CHOICE_KINDS

    @property
    def is_scale(self):
        return self.question.kind == QuestionKind.SCALE

    @property
    def is_text(self):
        return self.question.kind == QuestionKind.TEXT


@dataclass
class Group:
    """A column of a breakdown: a commune, an EPCI or the pool of the others."""

    key: object
    label: str
    respondents: int
    questions: dict = field(default_factory=dict)  # question pk -> QuestionResult

    @property
    def is_other(self):
        return self.key == OTHER


@dataclass
class Breakdown:
    title: str
    groups: list[Group]

    def __bool__(self):
        return bool(self.groups)

    def rows(self, question):
        """For the template: ``[(group, QuestionResult)]`` of one question."""
        return [(group, group.questions[question.pk]) for group in self.groups]


@dataclass
class Results:
    consultation: object
    respondents: int
    questions: list[QuestionResult]
    by_commune: Breakdown
    by_epci: Breakdown
    min_group_size: int = MIN_GROUP_SIZE


def shown_groups(sizes, *, k=MIN_GROUP_SIZE):
    """Which groups of ``sizes`` (``{key: respondents}``; the key ``None`` for respondents
    without a group) a breakdown may show on their own, and the size of the pool of the
    others. Returns ``(shown_keys, pool_size)``: every shown group has at least ``k``
    respondents, and the pool is 0 or at least ``k`` — else nothing is shown."""
    total = sum(sizes.values())
    shown = {key: size for key, size in sizes.items() if key is not None and size >= k}
    pool = total - sum(shown.values())
    while 0 < pool < k and shown:
        smallest = min(shown, key=lambda key: (shown[key], str(key)))
        pool += shown.pop(smallest)
    if 0 < pool < k:
        return set(), total
    return set(shown), pool


@dataclass
class Cells:
    """What the breakdowns may publish: the communes and EPCIs shown on their own, and the
    size of each pool of the others (0: no pool line). See ``publishable_cells``."""

    communes: set
    epcis: set
    commune_pool: int
    epci_pool: int

    def epci_of(self, commune, commune_epci):
        """The EPCI column ``commune`` is counted in: its EPCI, or ``OTHER``."""
        epci = commune_epci.get(commune)
        return epci if epci in self.epcis else OTHER


def publishable_cells(commune_sizes, commune_epci, *, k=MIN_GROUP_SIZE):
    """The groups the commune and EPCI breakdowns may show, together.

    ``commune_sizes``: ``{commune key: respondents}`` (``None``: respondents without a
    commune); ``commune_epci``: ``{commune key: EPCI key or None}``. Each breakdown is first
    k-anonymous on its own (``shown_groups``); then, within each EPCI column (a shown EPCI, or
    the pool of the other EPCIs), the respondents of its communes not shown on their own must
    be 0 or at least ``k``: else the smallest of its shown communes is hidden too, until they
    are (secondary suppression). So no difference of published figures (an EPCI minus its
    communes, the pool of communes minus those rests...) isolates fewer than ``k`` people."""
    total = sum(commune_sizes.values())
    epci_sizes = defaultdict(int)
    for key, size in commune_sizes.items():
        epci_sizes[commune_epci.get(key)] += size
    epcis, epci_pool = shown_groups(dict(epci_sizes), k=k)
    communes, _pool = shown_groups(commune_sizes, k=k)
    cells = Cells(communes=communes, epcis=epcis, commune_pool=0, epci_pool=epci_pool)
    while True:
        hidden = defaultdict(int)  # EPCI column -> respondents of its communes not shown
        shown = defaultdict(list)  # EPCI column -> its communes shown on their own
        for key, size in commune_sizes.items():
            column = cells.epci_of(key, commune_epci)
            if key in communes:
                shown[column].append(key)
            else:
                hidden[column] += size
        leaking = [column for column, rest in hidden.items() if 0 < rest < k and shown.get(column)]
        if not leaking:
            break
        for column in leaking:
            smallest = min(shown[column], key=lambda key: (commune_sizes[key], str(key)))
            communes.discard(smallest)
    cells.commune_pool = total - sum(commune_sizes[key] for key in communes)
    return cells


def _question_result(question, *, answered, option_counts, scale_counts):
    result = QuestionResult(question=question, answered=answered)
    if question.kind in CHOICE_KINDS:
        result.shares = [
            Share(
                label=option.label,
                count=option_counts.get(option.pk, 0),
                percent=_percent(option_counts.get(option.pk, 0), answered),
                key=option.pk,
            )
            for option in question.options.all()
        ]
    elif question.kind == QuestionKind.SCALE:
        counts = {value: scale_counts.get(value, 0) for value in range(SCALE_MIN, SCALE_MAX + 1)}
        result.shares = [
            Share(label=str(value), count=count, percent=_percent(count, answered), key=value)
            for value, count in counts.items()
        ]
        if answered:
            result.mean = round(sum(value * count for value, count in counts.items()) / answered, 2)
    return result


def compute_results(consultation, *, with_texts=False):
    """The results of ``consultation`` (its questions and options prefetched, as
    ``selectors.consultation_for_page`` gives it). ``with_texts``: also the free-text
    answers (for the institution's agents and the moderators only)."""
    questions = list(consultation.questions.all())

    # Respondents by commune, with the commune's EPCI (1 query).
    communes = {}
    epci_names = {}
    commune_epci = {}
    for row in (
        Response.objects.filter(consultation=consultation)
        .values("commune_id", "commune__name", "commune__epci_id", "commune__epci__name")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        communes[row["commune_id"]] = (row["commune__name"] or "", row["n"])
        commune_epci[row["commune_id"]] = row["commune__epci_id"]
        if row["commune__epci_id"]:
            epci_names[row["commune__epci_id"]] = row["commune__epci__name"]

    # Answers per question, options chosen and scale values, by commune (3 queries).
    answered = defaultdict(int)  # (question, commune) -> n
    for row in (
        Answer.objects.filter(response__consultation=consultation)
        .values("question_id", "response__commune_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        answered[row["question_id"], row["response__commune_id"]] += row["n"]
    chosen = defaultdict(int)  # (option, commune) -> n
    through = Answer.options.through
    for row in (
        through.objects.filter(answer__response__consultation=consultation)
        .values("option_id", "answer__response__commune_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        chosen[row["option_id"], row["answer__response__commune_id"]] += row["n"]
    scales = defaultdict(int)  # (question, value, commune) -> n
    for row in (
        Answer.objects.filter(response__consultation=consultation, scale__isnull=False)
        .values("question_id", "scale", "response__commune_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        scales[row["question_id"], row["scale"], row["response__commune_id"]] += row["n"]

    def results_for(commune_ids):
        """Per-question results over the respondents of ``commune_ids`` (None: all)."""
        keep = (lambda commune: True) if commune_ids is None else commune_ids.__contains__
        by_question = {}
        for question in questions:
            total = sum(n for (q, c), n in answered.items() if q == question.pk and keep(c))
            option_counts = defaultdict(int)
            for (option, commune), n in chosen.items():
                if keep(commune):
                    option_counts[option] += n
            scale_counts = defaultdict(int)
            for (q, value, commune), n in scales.items():
                if q == question.pk and keep(commune):
                    scale_counts[value] += n
            by_question[question.pk] = _question_result(
                question, answered=total, option_counts=option_counts, scale_counts=scale_counts
            )
        return by_question

    overall = results_for(None)
    respondents = sum(n for _name, n in communes.values())

    if with_texts:
        texts = defaultdict(list)
        text_questions = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
        for question_pk, text in (
            Answer.objects.filter(question_id__in=text_questions)
            .exclude(text="")
            .order_by("question_id", "pk")
            .values_list("question_id", "text")
        ):
            texts[question_pk].append(text)
        for question_pk in text_questions:
            overall[question_pk].text_count = len(texts[question_pk])
            overall[question_pk].texts = texts[question_pk][:TEXTS_SHOWN]

    # Breakdowns by commune and by EPCI, published together (``publishable_cells``).
    commune_sizes = {key: n for key, (_name, n) in communes.items()}
    cells = publishable_cells(commune_sizes, commune_epci)
    shown, pool = cells.communes, cells.commune_pool
    commune_groups = [
        Group(
            key=key,
            label=communes[key][0],
            respondents=commune_sizes[key],
            questions=results_for({key}),
        )
        for key in sorted(shown, key=lambda key: (-commune_sizes[key], communes[key][0]))
    ]
    if shown and pool:
        others = {key for key in commune_sizes if key not in shown}
        commune_groups.append(
            Group(
                key=OTHER,
                label=_("Other communes"),
                respondents=pool,
                questions=results_for(others),
            )
        )

    epci_sizes = defaultdict(int)
    for key, n in commune_sizes.items():
        epci_sizes[commune_epci.get(key)] += n
    shown_epcis, epci_pool = cells.epcis, cells.epci_pool
    epci_groups = []
    for epci in sorted(shown_epcis, key=lambda key: (-epci_sizes[key], epci_names[key])):
        members = {key for key in commune_sizes if commune_epci.get(key) == epci}
        epci_groups.append(
            Group(
                key=epci,
                label=epci_names[epci],
                respondents=epci_sizes[epci],
                questions=results_for(members),
            )
        )
    if shown_epcis and epci_pool:
        others = {key for key in commune_sizes if commune_epci.get(key) not in shown_epcis}
        epci_groups.append(
            Group(
                key=OTHER,
                label=_("Other intercommunalities"),
                respondents=epci_pool,
                questions=results_for(others),
            )
        )

    by_commune = Breakdown(title=_("By commune"), groups=commune_groups)
    by_epci = Breakdown(title=_("By intercommunality (EPCI)"), groups=epci_groups)
    for question in questions:
        if question.kind != QuestionKind.TEXT:
            overall[question.pk].breakdowns = [
                (breakdown.title, breakdown.rows(question))
                for breakdown in (by_commune, by_epci)
                if breakdown
            ]
    return Results(
        consultation=consultation,
        respondents=respondents,
        questions=[overall[question.pk] for question in questions],
        by_commune=by_commune,
        by_epci=by_epci,
    )
