from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import User


@login_required
def account_settings(request):
    return render(request, "accounts/settings.html")


def profile_detail(request, pk):
    member = get_object_or_404(User, pk=pk, is_active=True)
    return render(request, "accounts/profile_detail.html", {"member": member})
