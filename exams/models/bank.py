"""The item bank: topics (competency areas) and items, kept in the CMS as snippets with revisions.

An item's `status` changes only through `exams.services.bank` along `ITEM_TRANSITIONS`; editing an
item's content in the admin makes a new Wagtail revision, and every attempt keeps the content
(and the revision) it was served.
"""

from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, RevisionMixin

from exams import richtext
from exams.admin_forms import ExamItemForm
from exams.rules import ItemKind, choices
from lms import clock


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    NEEDS_REVIEW = "needs_review", "Needs review"
    RETIRED = "retired", "Retired"


IS = ItemStatus
# Only active items are drawn into exams; "needs review" waits until an editor clears it.
ITEM_TRANSITIONS: dict[ItemStatus, frozenset[ItemStatus]] = {
    IS.DRAFT: frozenset({IS.ACTIVE, IS.RETIRED}),
    IS.ACTIVE: frozenset({IS.NEEDS_REVIEW, IS.RETIRED}),
    IS.NEEDS_REVIEW: frozenset({IS.ACTIVE, IS.RETIRED}),
    IS.RETIRED: frozenset({IS.DRAFT}),
}


class ExamTopic(models.Model):
    """A competency area. Exam blueprints draw a number of items per topic."""

    code = models.CharField(max_length=16, unique=True, help_text="A short id, e.g. DOC.")
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["code"]
        verbose_name = "exam topic"

    def __str__(self) -> str:
        return self.name


class ExamItem(RevisionMixin, ClusterableModel):
    """One exam question: single answer, multiple answer, or true/false."""

    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="A short name editors recognise (not shown to candidates).",
    )
    topic = models.ForeignKey(ExamTopic, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=16, choices=choices(ItemKind), default=ItemKind.SINGLE)
    prompt = models.TextField("question")
    text_format = models.CharField(
        "text format",
        max_length=8,
        choices=richtext.FORMATS,
        default=richtext.PLAIN,
        editable=False,
        help_text="HTML items (imported from GIFT [html]) keep their markup, sanitized.",
    )
    rationale = models.TextField(
        blank=True, help_text="Why the key is right; candidates read it in review."
    )
    difficulty_note = models.CharField(max_length=300, blank=True)
    objectives = ParentalManyToManyField(
        "courses.LearningObjective",
        blank=True,
        related_name="exam_items",
        verbose_name="learning objectives",
    )
    status = models.CharField(
        max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT, editable=False
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    base_form_class = ExamItemForm
    panels = [
        FieldPanel("title"),
        FieldPanel("topic"),
        FieldPanel("kind"),
        FieldPanel("prompt"),
        InlinePanel("options", heading="Options", label="Option", min_num=2),
        FieldPanel("rationale"),
        MultiFieldPanel(
            [FieldPanel("difficulty_note"), FieldPanel("objectives")], heading="For editors"
        ),
    ]

    class Meta:
        ordering = ["topic__code", "pk"]
        verbose_name = "exam item"
        permissions = [
            ("import_items", "Can import and export exam items (GIFT, Aiken)"),
            ("view_statistics", "Can see exam and item statistics"),
        ]
        indexes = [models.Index(fields=["status", "topic"])]

    def __str__(self) -> str:
        return self.title or self.prompt[:80]

    def option_pairs(self) -> list[tuple[str, bool]]:
        return [(o.text, o.is_correct) for o in self.options.all()]


class ItemOption(Orderable):
    item = ParentalKey(ExamItem, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("correct", default=False)
    feedback = models.TextField(
        blank=True, help_text="What a candidate who chose this option reads in review."
    )
    weight = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text="GIFT's percentage weight (multiple answer), kept for export.",
    )

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")]

    def __str__(self) -> str:
        return self.text
