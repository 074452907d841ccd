"""Curricula as a Wagtail page tree (Training index → Course → Module → Lesson), the learning
objectives exam items link to, and each application's progress through the lessons."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonStreamBlock
from enrollment.rules import Track
from lms import clock

TRACK_CHOICES = [(t.value, t.label) for t in Track]
DAY_CHOICES = [(d, f"Day {d}") for d in (1, 2, 3, 4)]


class LearningObjective(index.Indexed, models.Model):
    """Something a learner can do after a lesson. Exam items link to objectives, so publishing a
    lesson can flag the items that test it for review."""

    code = models.CharField(max_length=32, unique=True, help_text="A short id, e.g. CM-DOC-1.")
    text = models.CharField(max_length=300)

    panels = [FieldPanel("code"), FieldPanel("text")]
    search_fields = [index.SearchField("code"), index.SearchField("text")]

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.text}"


class TrainingIndexPage(Page):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["lms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_list_for

        context = super().get_context(request, *args, **kwargs)
        context["course_cards"] = course_list_for(request.user, under=self)
        return context


class CoursePageForm(WagtailAdminPageForm):
    tracks = forms.MultipleChoiceField(
        choices=TRACK_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="The tracks whose applicants must complete this course.",
    )
    classroom_days = forms.TypedMultipleChoiceField(
        choices=DAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="The classroom day(s) this course prepares for.",
    )


class CoursePage(Page):
    summary = models.TextField(help_text="The outline everyone sees in the public catalogue.")
    tracks = models.JSONField(default=list, blank=True)
    classroom_days = models.JSONField(default=list, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        "knowledge check pass mark (%)",
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    base_form_class = CoursePageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("tracks"), FieldPanel("classroom_days"), FieldPanel("pass_mark")],
            heading="Who takes it",
        ),
    ]
    parent_page_types = ["courses.TrainingIndexPage"]
    subpage_types = ["courses.ModulePage"]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    def serve(self, request, *args, **kwargs):
        from courses.selectors import course_access

        access = course_access(request.user, self)
        if not access.can_see:
            raise Http404
        response = super().serve(request, *args, access=access, **kwargs)
        add_never_cache_headers(response)  # it shows the viewer's own progress
        return response

    def get_context(self, request, *args, access=None, **kwargs):
        from courses.selectors import course_access, course_page_context

        context = super().get_context(request, *args, **kwargs)
        access = access or course_access(request.user, self)
        context.update(course_page_context(self, access=access))
        return context


class ModulePage(Page):
    summary = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    def serve(self, request, *args, **kwargs):
        from courses.selectors import lesson_access

        course, access = lesson_access(request.user, self)
        if not access.can_see:
            raise Http404
        response = super().serve(request, *args, course=course, access=access, **kwargs)
        add_never_cache_headers(response)  # it shows the viewer's own progress
        return response

    def get_context(self, request, *args, course=None, access=None, **kwargs):
        from courses.selectors import lesson_access, module_page_context

        context = super().get_context(request, *args, **kwargs)
        if access is None:
            course, access = lesson_access(request.user, self)
        context.update(module_page_context(self, course=course, access=access))
        return context


class LessonPage(Page):
    summary = models.TextField(blank=True)
    body = StreamField(LessonStreamBlock(), blank=True)
    objectives = ParentalManyToManyField(
        LearningObjective, blank=True, related_name="lessons", verbose_name="learning objectives"
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=15)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [index.SearchField("summary")]

    def serve(self, request, *args, **kwargs):
        """The lesson for those who may open it (recording the visit on their application);
        the course outline and why it is closed for everyone else who may see the course."""
        from courses.selectors import lesson_access
        from courses.services import lesson_progress_open

        course, access = lesson_access(request.user, self)
        if not access.can_see:
            raise Http404
        if access.can_open and access.application is not None:
            lesson_progress_open(application=access.application, lesson=self)
        response = super().serve(request, *args, course=course, access=access, **kwargs)
        add_never_cache_headers(response)  # it shows the viewer's own progress
        return response

    def get_context(self, request, *args, course=None, access=None, check=None, **kwargs):
        """`check`: (block id, `services.CheckResult`) of a knowledge check just submitted
        without JavaScript, shown with its feedback."""
        from courses.selectors import lesson_access, lesson_context

        context = super().get_context(request, *args, **kwargs)
        if access is None:
            course, access = lesson_access(request.user, self)
        context.update(lesson_context(self, course=course, access=access, check=check))
        return context


class DeckImportStatus(models.TextChoices):
    """queued → running → read → confirmed → saving → done; read → cancelled (by the editor, or
    when left unconfirmed for a day); running or saving → failed."""

    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Reading the deck"
    READ = "read", "Read: waiting for your confirmation"
    CONFIRMED = "confirmed", "Confirmed: waiting to save"
    SAVING = "saving", "Saving the draft lesson"
    DONE = "done", "Imported"
    FAILED = "failed", "Refused"
    CANCELLED = "cancelled", "Cancelled"


class DeckImport(models.Model):
    """A big PowerPoint deck being imported by Celery tasks: who asked, into which module, how
    far the task has read, the import report the editor confirms or cancels, and how it ended.
    The deck itself waits in private storage under `storage_name` until the draft is saved, the
    import is refused or cancelled."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deck_imports"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=255, blank=True)
    file_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=DeckImportStatus.choices, default=DeckImportStatus.QUEUED
    )
    slides_done = models.PositiveIntegerField(default=0)
    slides_total = models.PositiveIntegerField(default=0)
    lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    report = models.JSONField(default=dict, blank=True)  # courses.pptx_report.DeckReport
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)  # the report was ready to confirm
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Deck import #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            DeckImportStatus.DONE,
            DeckImportStatus.FAILED,
            DeckImportStatus.CANCELLED,
        )

    @property
    def is_working(self) -> bool:
        """A task is (or is about to be) at work on it: its status page reloads itself."""
        return self.status in (
            DeckImportStatus.QUEUED,
            DeckImportStatus.RUNNING,
            DeckImportStatus.CONFIRMED,
            DeckImportStatus.SAVING,
        )


class LessonProgress(models.Model):
    """One application's progress through one lesson. A lesson completes when it has been read
    to the end and its knowledge checks are passed."""

    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    opened_at = models.DateTimeField(default=clock.now)
    last_seen_at = models.DateTimeField(default=clock.now)
    reached_end_at = models.DateTimeField(null=True, blank=True)
    check_score = models.PositiveSmallIntegerField(null=True, blank=True)  # percent, best so far
    checks_passed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "enrollment.Application",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when staff carried this progress over from an expired application.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "lesson"], name="one_progress_per_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"Progress of application #{self.application_id} in lesson #{self.lesson_id}"


class CourseCompletion(models.Model):
    """When an application completed a course (all its lessons)."""

    application = models.ForeignKey(
        "enrollment.Application", on_delete=models.CASCADE, related_name="course_completions"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "course"], name="one_completion_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"Application #{self.application_id} completed course #{self.course_id}"


class KnowledgeCheckPass(models.Model):
    """A knowledge check block of a lesson passed (once) by the application the progress row
    belongs to. `block_id` is the StreamField block's id in the lesson body."""

    progress = models.ForeignKey(
        LessonProgress, on_delete=models.CASCADE, related_name="check_passes"
    )
    block_id = models.CharField(max_length=64)
    passed_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["progress", "block_id"], name="one_pass_per_check")
        ]

    def __str__(self) -> str:
        return f"Check {self.block_id} passed in progress #{self.progress_id}"
