"""A candidate's attempt at the exam, with the items it drew exactly as they were served."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from exams.rules import FeedbackMode, ItemKind, choices
from lms import clock


class AttemptStatus(models.TextChoices):
    READY = "ready", "Drawn ahead, not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted and graded"
    CLOSED = "closed", "Closed without grading (application expired)"


class AttemptVia(models.TextChoices):
    CANDIDATE = "candidate", "Submitted by the candidate"
    TIME = "time", "Time ran out"
    TASK = "task", "Closed by the overdue-attempts task"
    EXPIRY = "expiry", "The application expired"


class AttemptManager(models.Manager):
    """Attempts that have started: a paper drawn ahead (READY) is nobody's attempt yet, so every
    list, count, export and statistic leaves it out without having to say so."""

    def get_queryset(self):
        return super().get_queryset().exclude(status=AttemptStatus.READY)


class ExamAttempt(models.Model):
    """One sitting. The deadline is fixed at the start (limit + the person's allowance) and kept by
    the server; the pass mark and feedback are copied from the definition so later changes to the
    definition do not change a sitting already under way.

    A person's next paper is drawn ahead, when the exam opens for them, as an attempt in status
    READY with its items and its page (Open edX's `ready_to_start`): pressing Start only stamps
    the number, the time, the deadline and the definition's terms on it (one UPDATE). Its
    `started_at` and `deadline_at` until then are the moment it was drawn, nothing more. Only
    `all_objects` sees READY attempts; `objects` (and every related manager) never does."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exam_attempts"
    )
    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.PROTECT, related_name="exam_attempts"
    )
    definition = models.ForeignKey(
        "exams.ExamDefinition", on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(default=clock.now)
    time_limit_minutes = models.PositiveSmallIntegerField()
    extra_minutes = models.PositiveSmallIntegerField(default=0)
    deadline_at = models.DateTimeField()
    pass_mark_percent = models.PositiveSmallIntegerField()
    feedback = models.CharField(max_length=16, choices=choices(FeedbackMode))
    last_position = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_via = models.CharField(max_length=16, choices=AttemptVia.choices, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    topic_scores = models.JSONField(default=dict, blank=True)  # topic name → [correct, items]

    all_objects = models.Manager()  # READY ones included (the draw and Start use it)
    objects = AttemptManager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "exam attempt"
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="in_progress"),
                name="one_active_attempt_per_person",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="ready"), name="one_ready_paper_per_person"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline_at"])]

    # Not stored: set by Start on the attempt it has just served from a ready paper (the page's
    # HTML and how many items), so that the first page needs no read.
    served_page: tuple[str, int] | None = None

    def __str__(self) -> str:
        return f"Exam attempt #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptItem(models.Model):
    """One item as served in one attempt: its prompt, its options in the shuffled order, and the
    keys, copied at the start. `options` entries are {"key", "text", "src"}: `key` is a random
    token shown to the candidate, `src` the option's place in the item (for statistics).
    `correct_keys` and `rationale` never leave the server while the attempt is open."""

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    item = models.ForeignKey(
        "exams.ExamItem", on_delete=models.PROTECT, related_name="attempt_items"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.ForeignKey("exams.ExamTopic", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=choices(ItemKind))
    prompt = models.TextField()
    text_format = models.CharField(max_length=8, default="plain")  # exams.richtext format
    options = models.JSONField()
    correct_keys = models.JSONField()
    rationale = models.TextField(blank=True)
    response = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    # Stamped at grading with is_correct (rules.chosen_places): the chosen options' places in the
    # item ("0,2"; "" blank), so statistics count choices without reading `options`. None: not
    # graded.
    chosen = models.TextField(null=True, blank=True)  # noqa: DJ001  (None ≠ "" here)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="one_item_per_position")
        ]

    def __str__(self) -> str:
        return f"Item {self.position + 1} of attempt #{self.attempt_id}"

    @property
    def public_options(self) -> list[dict[str, str]]:
        """What the candidate may see of the options: key and text, nothing else."""
        return [{"key": o["key"], "text": o["text"]} for o in self.options]

    @property
    def option_keys(self) -> list[str]:
        return [o["key"] for o in self.options]


class AttemptPage(models.Model):
    """The attempt's questions as its page shows them, rendered once when the paper was drawn
    (exams.attempt_page): each visit marks the saved answers on it instead of rendering forty
    questions again. Kept apart from the attempt so that lists of attempts never load it."""

    attempt = models.OneToOneField(
        ExamAttempt, on_delete=models.CASCADE, primary_key=True, related_name="page"
    )
    html = models.TextField()

    class Meta:
        verbose_name = "attempt page"

    def __str__(self) -> str:
        return f"Page of attempt #{self.attempt_id}"
