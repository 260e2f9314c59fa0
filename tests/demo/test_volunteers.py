"""The demo's calls for volunteers: slots dated from the day of loading, places partly taken,
never beyond; loading again changes nothing."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from parvis.volunteers.models import Call, Slot


def test_demo_calls_have_slots_to_come_partly_taken(oise):
    call_command("load_demo", stdout=StringIO())
    assert Call.objects.exists()
    slots = list(Slot.objects.all())
    assert all(slot.taken == slot.signups.count() <= slot.places for slot in slots)
    assert any(slot.taken for slot in slots)
    dated = [slot for slot in slots if slot.starts_at]
    assert dated and all(slot.starts_at > timezone.now() for slot in dated)
    before = sorted(Slot.objects.values_list("pk", "taken"))
    call_command("load_demo", stdout=StringIO())
    assert sorted(Slot.objects.values_list("pk", "taken")) == before
