"""Knowledge checks: the check blocks of a lesson, the ones a progress row has passed (its
`KnowledgeCheckPass` rows), and what the check template shows."""

from courses.models import KnowledgeCheckPass, LessonPage, LessonProgress

# The audit verb that records one knowledge check block passed (its id in `to_state`).
CHECK_PASSED_VERB = "lesson.check_passed"


def knowledge_check_ids(lesson: LessonPage) -> list[str]:
    """The stream ids of the lesson's knowledge check blocks, in order."""
    return [child.id for child in lesson.body if child.block_type == "knowledge_check"]


def knowledge_check_get(lesson: LessonPage, block_id: str):
    """The value (a StructValue) of the lesson's knowledge check `block_id`, or None."""
    for child in lesson.body:
        if child.block_type == "knowledge_check" and child.id == block_id:
            return child.value
    return None


def checks_passed_ids(progress: LessonProgress | None) -> set[str]:
    """The knowledge check blocks this progress row has passed at least once."""
    if progress is None or progress.pk is None:
        return set()
    return set(
        KnowledgeCheckPass.objects.filter(progress=progress).values_list("block_id", flat=True)
    )


_VERDICTS = {True: "Correct.", False: "Not quite."}  # as the template and lesson.js say them


def feedback_after_verdict(feedback: str, correct: bool) -> str:
    """The feedback shown after the verdict ("Correct." / "Not quite."), without repeating it
    when the editor's text already opens with the same words ("Not quite. Not quite. …")."""
    text = (feedback or "").strip()
    verdict = _VERDICTS[correct]
    if text.lower().startswith(verdict.lower()):
        return text[len(verdict) :].lstrip()
    return text


def knowledge_check_view(
    value, *, block_id: str, action: str, result=None, passed: bool = False
) -> dict:
    """What the knowledge check template shows: prompts and option texts, and, only for a graded
    submission (`result`, a `services.CheckResult`), the chosen option's verdict and feedback.
    Which option is correct never leaves the server before an answer."""
    questions = []
    graded = list(result.questions) if result is not None else []
    for qi, question in enumerate(value["questions"]):
        answer = graded[qi] if qi < len(graded) else None
        options = []
        for oi, option in enumerate(question["options"]):
            chosen = answer is not None and answer.chosen == oi
            options.append(
                {
                    "text": option["text"],
                    "chosen": chosen,
                    "verdict": ("correct" if answer.correct else "incorrect") if chosen else "",
                    "shown_feedback": feedback_after_verdict(answer.feedback, answer.correct)
                    if chosen
                    else "",
                }
            )
        questions.append(
            {
                "prompt": question["prompt"],
                "options": options,
                "unanswered": answer is not None and answer.chosen is None,
            }
        )
    return {
        "block_id": block_id,
        "action": action,
        "questions": questions,
        "result": result,
        "passed": passed,
    }
