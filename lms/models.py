from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail import blocks, hooks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from lms import clock


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in. People sign in with their email address; there is no username."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class HomePage(Page):
    """The site's front page, edited in the CMS."""

    intro = RichTextField(blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", icon="title")),
            ("paragraph", blocks.RichTextBlock(icon="pilcrow")),
        ],
        blank=True,
        use_json_field=True,
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        """`facts`: sentences the apps contribute through the "home_page_facts" hook
        (`fn() -> list[str]`), e.g. the fee and the deadline as the policy sets them now, so the
        home page never states an amount the policy no longer has."""
        context = super().get_context(request, *args, **kwargs)
        context["facts"] = [fact for fn in hooks.get_hooks("home_page_facts") for fact in fn()]
        return context


class AuditEvent(models.Model):
    """One state change: who did what to which record, from which state to which, and why.

    Written only through `lms.services.audit_record`; never edited or deleted.
    """

    actor = models.ForeignKey(
        "lms.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(max_length=64, blank=True)
    to_state = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.content_type.model} #{self.object_id}"

    def save(self, *args, **kwargs):
        # The log is append-only: an existing row is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")

    @property
    def actor_label(self) -> str:
        return self.actor.email if self.actor else "system"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed (gave up)"


class OutboxMessage(models.Model):
    """One outgoing email, written in the transaction of the change that causes it.

    Written only by `lms.services.email_send`; its status moves only through the outbox services
    (`outbox_claim`, `outbox_mark_sent`, `outbox_mark_error`, `outbox_retry`). A row marked sent is
    never sent again. `message_id` is the email's Message-ID header, the same on every attempt.
    """

    message_id = models.CharField(max_length=255, unique=True)
    template = models.CharField(max_length=100)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    # [[filename, base64 content, mimetype], ...] (e.g. the .ics files of classroom days)
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)
    # The sweep sends a pending row again from this moment on.
    next_attempt_at = models.DateTimeField(default=clock.now, db_index=True)
    # While `sending`, the claim is held until then; an expired claim (a worker died) is retaken.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("retry_outboxmessage", "Can send a failed email again")]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"

    @property
    def recipients_label(self) -> str:
        return ", ".join(self.recipients)
