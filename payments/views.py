import logging

import stripe
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.services import stripe_event_record
from payments.stripe_api import stripe_event_construct

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe calls this. Only a correctly signed event is read; anything else is a 400."""
    try:
        event = stripe_event_construct(request.body, request.headers.get("Stripe-Signature", ""))
    except (ValueError, stripe.SignatureVerificationError):
        logger.warning("Refused a Stripe webhook with a bad signature or payload.")
        return HttpResponseBadRequest("invalid signature")
    stripe_event_record(event=event)
    return HttpResponse("ok")
