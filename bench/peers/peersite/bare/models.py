from django.db import models


class Note(models.Model):
    """The floor: one row of text, nothing else."""

    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.content[:40]
