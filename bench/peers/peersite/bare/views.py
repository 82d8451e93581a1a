"""The floor of the comparison: a form field in, one row inserted, its id out. No
authentication, no validation beyond presence, no template."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from peersite.bare.models import Note


@csrf_exempt
@require_POST
def note_create(request: HttpRequest) -> JsonResponse:
    content = request.POST.get("content", "")
    if not content:
        return JsonResponse({"error": "content required"}, status=400)
    note = Note.objects.create(content=content)
    return JsonResponse({"id": note.pk}, status=201)
