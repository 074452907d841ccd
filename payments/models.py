from django.db import models

from lms import clock


class StripeEvent(models.Model):
    """A verified Stripe webhook event, stored once by its id so a redelivery is a no-op."""

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=128)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
