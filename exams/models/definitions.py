"""What the exam is (staff define it) and who may take it early (staff grants)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from exams.rules import FeedbackMode, choices
from lms import clock


class ExamDefinition(ClusterableModel):
    """The competency exam as staff set it up: the blueprint (items per topic), the time limit,
    pass mark, attempts and waiting period, what candidates see afterwards, and when it is open.
    Candidates get the newest active definition."""

    title = models.CharField(max_length=200, default="Case Management Competency Exam")
    instructions = models.TextField(blank=True, help_text="Shown before a candidate starts.")
    is_active = models.BooleanField(
        "active", default=False, help_text="Candidates take the newest active exam."
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        "pass mark (%)", default=75, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)]
    )
    retake_wait_hours = models.PositiveIntegerField(
        "waiting period between attempts (hours)", default=24
    )
    feedback = models.CharField(
        "after submitting, candidates see",
        max_length=16,
        choices=choices(FeedbackMode),
        default=FeedbackMode.TOPICS,
    )
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open now.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: no end.")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    panels = [
        FieldPanel("title"),
        FieldPanel("instructions"),
        FieldPanel("is_active"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_mark_percent")]),
                FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("retake_wait_hours")]),
                FieldPanel("feedback"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            ],
            heading="Rules",
        ),
        InlinePanel("blueprint", heading="Blueprint: items drawn per topic", min_num=1),
    ]

    class Meta:
        ordering = ["-is_active", "-pk"]
        verbose_name = "exam definition"

    def __str__(self) -> str:
        return self.title

    @property
    def item_count(self) -> int:
        return sum(row.item_count for row in self.blueprint.all())


class BlueprintRow(Orderable):
    definition = ParentalKey(ExamDefinition, on_delete=models.CASCADE, related_name="blueprint")
    topic = models.ForeignKey("exams.ExamTopic", on_delete=models.PROTECT, related_name="+")
    item_count = models.PositiveSmallIntegerField(
        "items drawn", default=5, validators=[MinValueValidator(1)]
    )

    panels = [FieldPanel("topic"), FieldPanel("item_count")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["definition", "topic"], name="one_row_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.item_count} × {self.topic}"


class ExamGrant(models.Model):
    """Staff opened the exam for an application before its classroom days were complete."""

    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.PROTECT, related_name="exam_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "exam access grant"

    def __str__(self) -> str:
        return f"Exam opened for application #{self.application_id}"
