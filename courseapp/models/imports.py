from django.conf import settings
from django.db import models


class PendingImport(models.Model):
    """A file uploaded or pasted for import, kept until the instructor confirms its preview.

    Holding the text here (not in a session or in memory) lets the preview be an ordinary page
    that survives a reload and any web process answer the confirmation.
    """

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="What the import did, once applied.")

    class Meta:
        abstract = True
        ordering = ["-created_at"]
