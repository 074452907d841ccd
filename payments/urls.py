from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    path("fees/", views.fees, name="fees"),
    path("<int:pk>/return/", views.payment_return, name="payment-return"),
    path("<int:pk>/status/", views.payment_status, name="payment-status"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/receipt.pdf", views.receipt_download, name="receipt-pdf"),
]
