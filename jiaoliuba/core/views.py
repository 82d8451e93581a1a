from django.http import HttpRequest
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = ""):
    return render(request, "403_csrf.html", status=403)
