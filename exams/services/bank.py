"""Writes on the item bank: create, change status, import, and flag items when the curriculum
changes. Every status change locks the row, is a no-op when already there, refuses a move
`ITEM_TRANSITIONS` does not allow, and writes an audit event."""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from exams import richtext, rules
from exams.models import ExamItem, ExamTopic, ItemOption, ItemStatus
from exams.models.bank import ITEM_TRANSITIONS
from exams.rules import RuleViolation
from exams.selectors import ImportPlan, editors_to_notify, items_linked_to_objectives
from exams.services.attempts import ready_papers_drop_holding
from lms.models import User
from lms.services import audit_record, audit_record_many, email_send

IS = ItemStatus


def item_create(
    *,
    topic: ExamTopic,
    kind: str,
    prompt: str,
    options: Sequence[tuple],
    title: str = "",
    text_format: str = richtext.PLAIN,
    rationale: str = "",
    difficulty_note: str = "",
    objectives: Iterable = (),
    status: ItemStatus = IS.DRAFT,
    actor: User | None = None,
    verb: str = "exam_item.created",
) -> ExamItem:
    """Create an item with its options and its first revision. Each option is (text, correct) or
    (text, correct, feedback, weight). An active item must pass `rules.activation_problems`; any
    item must pass `rules.item_problems` (RuleViolation)."""
    pairs = [(option[0], option[1]) for option in options]
    problems = rules.item_problems(kind, pairs)
    if status == IS.ACTIVE:
        problems = rules.activation_problems(kind, pairs, prompt=prompt, rationale=rationale)
    if problems:
        raise RuleViolation(" ".join(problems))
    with transaction.atomic():
        item = ExamItem(
            topic=topic,
            kind=kind,
            title=title[:200],
            prompt=prompt,
            text_format=text_format,
            rationale=rationale,
            difficulty_note=difficulty_note[:300],
            status=status,
        )
        item.options = [_option(*option) for option in options]
        item.objectives = list(objectives)
        item.save()
        item.save_revision(user=actor, clean=False)
        audit_record(actor=actor, verb=verb, obj=item, to_state=status)
    return item


def _option(text: str, correct: bool, feedback: str = "", weight=None) -> ItemOption:
    return ItemOption(text=text, is_correct=correct, feedback=feedback or "", weight=weight)


def item_status_set(
    *, item: ExamItem, to: ItemStatus | str, actor: User | None, reason: str = ""
) -> ExamItem:
    """Move an item along ITEM_TRANSITIONS (activate, retire, clear a review, back to draft).
    Activation requires a complete item. Raises RuleViolation when refused."""
    to = IS(to)
    with transaction.atomic():
        locked = ExamItem.objects.select_for_update().get(pk=item.pk)
        if locked.status == to:
            return locked
        if to not in ITEM_TRANSITIONS[IS(locked.status)]:
            raise RuleViolation(
                f"An item that is {locked.get_status_display().lower()} cannot become "
                f"{to.label.lower()}."
            )
        if to == IS.ACTIVE:
            problems = rules.activation_problems(
                locked.kind, locked.option_pairs(), prompt=locked.prompt, rationale=locked.rationale
            )
            if problems:
                raise RuleViolation("This item cannot be active yet: " + " ".join(problems))
        from_state = locked.status
        locked.status = to
        locked.save(update_fields=["status"])
        if from_state == IS.ACTIVE:
            # Papers drawn ahead that hold it are drawn again (Start checks them too).
            ready_papers_drop_holding([locked.pk])
        audit_record(
            actor=actor,
            verb=f"exam_item.{to}",
            obj=locked,
            from_state=from_state,
            to_state=to,
            reason=reason,
        )
    return locked


def items_import(
    *, plan: ImportPlan, actor: User, import_valid: bool = False, activate: bool = False
) -> list[ExamItem]:
    """Create the new items of an import plan, all or nothing. A plan with errors imports nothing
    unless `import_valid` is chosen, and then only the valid items. Duplicates (the same stem,
    options and keys, in the bank or earlier in the file) are skipped; options keep their
    feedback and weight, items their text format. With `activate`, complete items start
    active; the rest arrive as drafts."""
    if plan.errors and not import_valid:
        count = len(plan.errors)
        raise RuleViolation(
            f"The file has {count} error{'s' if count != 1 else ''}; nothing was imported. "
            "Correct the file, or choose to import the valid items only."
        )
    created = []
    with transaction.atomic():
        for planned in plan.new_items:
            parsed = planned.parsed
            created.append(
                item_create(
                    topic=planned.topic,
                    kind=parsed.kind,
                    title=parsed.title,
                    prompt=parsed.prompt,
                    text_format=parsed.text_format,
                    options=[(o.text, o.correct, o.feedback, o.weight) for o in parsed.options],
                    rationale=parsed.rationale,
                    status=IS.ACTIVE if activate and not planned.problems else IS.DRAFT,
                    actor=actor,
                    verb="exam_item.imported",
                )
            )
    return created


def items_flag_for_lesson(*, lesson, actor: User | None = None) -> list[int]:
    """A lesson was published: every ACTIVE item linked to one of its learning objectives needs
    review (it is not drawn until an editor clears it). Emails the Content editors the list.
    Set-based and safe to run twice (the second run finds nothing active)."""
    objective_ids = list(lesson.objectives.values_list("pk", flat=True))
    if not objective_ids:
        return []
    with transaction.atomic():
        linked = items_linked_to_objectives(objective_ids).filter(status=IS.ACTIVE)
        ids = list(linked.select_for_update().values_list("pk", flat=True))
        if not ids:
            return []
        ExamItem.objects.filter(pk__in=ids).update(status=IS.NEEDS_REVIEW)
        audit_record_many(
            actor=actor,
            verb="exam_item.needs_review",
            model=ExamItem,
            changes=[(pk, IS.ACTIVE, IS.NEEDS_REVIEW) for pk in ids],
            reason=f"Lesson “{lesson.title}” (page #{lesson.pk}) was published again.",
        )
        recipients = editors_to_notify()
        if recipients:
            items = list(ExamItem.objects.filter(pk__in=ids).select_related("topic"))
            email_send(
                template="exam_items_need_review",
                to=recipients,
                context={
                    "lesson": lesson,
                    "items": items,
                    "site_url": settings.WAGTAILADMIN_BASE_URL,
                    "listing_url": _items_listing_url(),
                },
            )
    return ids


def _items_listing_url() -> str:
    try:
        url = reverse(ExamItem.snippet_viewset.get_url_name("list"))
    except Exception:  # the admin is not routed (e.g. a bare test URLconf)
        return ""
    return f"{settings.WAGTAILADMIN_BASE_URL}{url}?status=needs_review"
