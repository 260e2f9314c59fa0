"""The demo's consultations: one closed with its conclusion, one open, answered by the demo
members; loading again changes nothing."""

from io import StringIO

from django.core.management import call_command

from parvis.comments.models import Comment
from parvis.consultations.models import Consultation, Response
from parvis.consultations.results import compute_results
from parvis.consultations.selectors import consultation_for_page


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def rows():
    return (
        sorted(Consultation.objects.values_list("pk", "title", "opens_at", "closes_at")),
        sorted(Response.objects.values_list("consultation_id", "member_id", "commune_id")),
        Comment.objects.count(),
    )


def test_demo_has_an_open_and_a_closed_consultation_with_answers(oise):
    output = load_demo()
    assert "consultations: 2" in output

    closed, opened = (
        consultation_for_page(c.pk) for c in Consultation.objects.order_by("closes_at")
    )
    assert closed.is_closed and closed.has_conclusion
    assert opened.is_open
    assert closed.organisation.name.startswith("Conseil départemental")
    for consultation in (closed, opened):
        assert consultation.response_count == consultation.responses.count() > 0
        assert not consultation.responses.filter(member__is_staff=True).exists()
    # Its discussion is the comments app's, the council's agent answering a member.
    comments = Comment.objects.filter(target=f"consultations.consultation:{opened.pk}")
    assert comments.filter(parent__isnull=True).exists()
    assert comments.filter(parent__isnull=False, author=opened.created_by).exists()

    before = rows()
    assert "nothing changed" in load_demo()
    assert rows() == before


# The real Oise: 680 communes, the demo's 180 members.
def test_demo_breaks_results_down_by_commune_and_epci(db):
    call_command("import_territory", "60", stdout=StringIO())
    load_demo()
    for consultation in Consultation.objects.all():
        results = compute_results(consultation_for_page(consultation.pk))
        epcis = [g for g in results.by_epci.groups if not g.is_other]
        # A commune shows only when the rest of its intercommunality is 0 or at least 10
        # (secondary suppression): with the demo's 180 members, the intercommunalities show.
        assert len(epcis) >= 3
        assert all(g.respondents >= 10 for g in results.by_commune.groups + results.by_epci.groups)
