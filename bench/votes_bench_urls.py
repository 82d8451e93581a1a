"""The project's URLs plus POST /bench/bare: the floor of the comparison, one row inserted
by the same Django, middleware stack, settings and database as the vote; no sign-in, no
checks. The bench creates its table (bench_bare_insert) before starting the server."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.urls import urlpatterns as project_urls

TABLE = "bench_bare_insert"


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    content = request.POST.get("content", "")
    if not content:
        return JsonResponse({"error": "content required"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (content) VALUES (%s)", [content])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/bare", bare_insert), *project_urls]
