from django.shortcuts import render
from django.utils import timezone

from .models import Item

MENU = ["Accueil", "Agenda", "Groupes", "Actualités", "Consultations", "Annuaire"]


def items(request):
    rows = (
        Item.objects.select_related("category")
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:20]
    )
    return render(request, "floor/items.html", {"items": rows, "menu": MENU})
