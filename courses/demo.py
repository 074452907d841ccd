"""The demo curriculum (Case Management, Rehab) as plain data, and `seed_curriculum` to load it.

The content is written for the course from the seed documents: the ODMHSAS certification page,
the SoonerCare T1017 service manual and a case manager job description. Rules and numbers come
only from those documents; general practice advice is kept uncontroversial.

`seed_curriculum(home_page)` converges the page tree to this data: it looks pages up by slug
under their parent, creates what is missing, and saves and publishes a new revision only for a
page whose content differs from the data (or that is not live). Running it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from wagtail.blocks import StreamValue
from wagtail.models import Page

from courses.models import (
    CoursePage,
    LearningObjective,
    LessonPage,
    ModulePage,
    TrainingIndexPage,
)

Block = dict[str, Any]
PageT = TypeVar("PageT", bound=Page)


@dataclass(frozen=True)
class Objective:
    code: str
    text: str


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    minutes: int
    objectives: tuple[Objective, ...]
    body: list[Block]


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    summary: str
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    summary: str
    tracks: tuple[str, ...]
    classroom_days: tuple[int, ...]
    pass_mark: int
    modules: tuple[Module, ...]


# --- Small builders for StreamField blocks (raw JSON-ish form) ------------------------------


def _heading(text: str) -> Block:
    return {"type": "heading", "value": {"text": text}}


def _text(*html: str) -> Block:
    return {"type": "text", "value": "".join(html)}


def _p(text: str) -> str:
    return f"<p>{text}</p>"


def _ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _ol(*items: str) -> str:
    return "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"


def _callout(kind: str, *html: str) -> Block:
    return {"type": "callout", "value": {"kind": kind, "text": "".join(html)}}


def _slide(title: str, bullets: list[str | tuple[int, str]], notes: str) -> Block:
    """A slide; a bullet is its text (level 0) or a (level, text) pair."""
    items = []
    for bullet in bullets:
        level, text = (0, bullet) if isinstance(bullet, str) else bullet
        items.append({"text": text, "level": level})
    return {
        "type": "slide",
        "value": {"title": title, "bullets": items, "images": [], "notes": notes},
    }


def _right(text: str, feedback: str) -> dict[str, Any]:
    return {"text": text, "correct": True, "feedback": feedback}


def _wrong(text: str, feedback: str) -> dict[str, Any]:
    return {"text": text, "correct": False, "feedback": feedback}


def _q(prompt: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"prompt": prompt, "options": list(options)}


def _check(*questions: dict[str, Any]) -> Block:
    return {
        "type": "knowledge_check",
        "value": {"title": "Check your understanding", "questions": list(questions)},
    }


def _obj(code: str, text: str) -> Objective:
    return Objective(code, text)


# =============================================================================================
# Case Management (classroom Days 1 and 2)
# =============================================================================================

CM_WHAT = Lesson(
    slug="what-case-management-is",
    title="What behavioral health case management is",
    summary=(
        "The ODMHSAS and SoonerCare descriptions of the service: its purpose, where it happens, "
        "who it serves and the member's right to refuse it."
    ),
    minutes=20,
    objectives=(
        _obj(
            "CM-FND-1",
            "The learner can describe behavioral health case management as linkage, advocacy, "
            "referral and monitoring provided in partnership with the member and the supports "
            "the member identifies.",
        ),
        _obj(
            "CM-FND-2",
            "The learner can state the aims of the service (recovery, community tenure, "
            "self-sufficiency) and the member's right to refuse it.",
        ),
    ),
    body=[
        _heading("A service built on partnership"),
        _text(
            _p(
                "ODMHSAS describes behavioral health case management as a process of planned "
                "linkage, advocacy and referral assistance, provided in partnership with the "
                "consumer, family members, law enforcement personnel, community agencies and "
                "other supports as defined by the consumer. The partnership matters: the person "
                "receiving services decides who their supports are."
            ),
            _p(
                "The SoonerCare service manual for targeted case management (code T1017) says "
                "the service helps members gain access to needed medical, social, educational "
                "and other services essential to meeting basic human needs. The case manager "
                "provides <b>linkage, advocacy, referral and monitoring</b> on behalf of members, "
                "so that they can reach appropriate community resources and support."
            ),
        ),
        _heading("What the service is for"),
        _text(
            _p(
                "Case management connects a person with a continuum of care. That care may "
                "include mental health, substance abuse, prevention or other services, and its "
                "aim is to support the person in self-sufficiency and community tenure: living, "
                "working and taking part in their own community."
            ),
            _ul(
                "It is designed to <b>promote recovery</b> and to <b>maintain community "
                "tenure</b>.",
                "It helps people access services <b>for themselves</b>; it is not about doing "
                "things for them.",
                "It follows a treatment plan developed with and approved by the person and "
                "qualified staff, working toward the person's own goals.",
            ),
        ),
        _heading("Where it happens and whom it serves"),
        _text(
            _p(
                "Case management may take place in the person's home, in the community or in a "
                "facility. Under the Strengths-Based model, helping activities are designed to "
                "happen mainly in the community; the case manager's office is used when that is "
                "more appropriate."
            ),
            _p(
                "The service has two target populations: behavioral health adults (21 years or "
                "older) and behavioral health children (younger than 21 years)."
            ),
        ),
        _heading("Choice, and the limits of SoonerCare"),
        _text(
            _p(
                "The member has the right to refuse case management, and a person who refuses "
                "cannot be restricted from other services because of that refusal. When you "
                "refer a member for medical services, remember that the SoonerCare program is "
                "limited in scope. Not every service a person needs will be covered, so knowing "
                "other community resources is part of good referral work."
            )
        ),
        _callout(
            "key",
            _p(
                "Case management is something you do <b>with</b> a person, not <b>to</b> them. "
                "Their goals, their supports and their choices lead the work."
            ),
        ),
        _check(
            _q(
                "Who decides which people and agencies count as a member's supports?",
                _right(
                    "The member",
                    "Right. The ODMHSAS description speaks of supports “as defined by the "
                    "consumer”.",
                ),
                _wrong(
                    "The case manager",
                    "Not quite. The case manager helps find resources, but the member defines "
                    "who their supports are.",
                ),
                _wrong(
                    "The member's physician",
                    "No. A physician may be one of the supports, but the member decides who "
                    "their supports are.",
                ),
                _wrong(
                    "The agency's program director",
                    "No. Agency staff do not decide this; the member does.",
                ),
            ),
            _q(
                "A member tells you they do not want case management. What follows?",
                _wrong(
                    "They lose access to the agency's other services until they accept.",
                    "No. A member cannot be restricted from other services because they refuse "
                    "case management.",
                ),
                _right(
                    "They may refuse, and they keep access to other services.",
                    "Right. Refusing case management is the member's right and does not limit "
                    "their access to other services.",
                ),
                _wrong(
                    "You keep providing case management so the record stays open.",
                    "No. The member has the right to refuse case management.",
                ),
            ),
            _q(
                "Which pair of aims does the T1017 service description give for case management?",
                _right(
                    "Promote recovery and maintain community tenure",
                    "Right. The manual says case management is designed to promote recovery and "
                    "maintain community tenure.",
                ),
                _wrong(
                    "Diagnose mental illness and prescribe treatment",
                    "No. Diagnosis and prescribing are not case management; the case manager "
                    "links people to those who provide them.",
                ),
                _wrong(
                    "Manage the member's money and pay their bills",
                    "No. Monitoring financial goals and paying bills are listed as not "
                    "reimbursable case management.",
                ),
            ),
        ),
    ],
)

CM_STRENGTHS = Lesson(
    slug="strengths-based-model",
    title="The Strengths-Based model",
    summary=(
        "Why every compensable case management service must use the ODMHSAS Strengths-Based "
        "model, and what the model looks like in practice."
    ),
    minutes=25,
    objectives=(
        _obj(
            "CM-SB-1",
            "The learner can explain that T1017 case management is compensable only when it is "
            "performed using the ODMHSAS Strengths-Based model.",
        ),
        _obj(
            "CM-SB-2",
            "The learner can identify a person's strengths, interests, abilities, knowledge and "
            "capacities and use them, rather than diagnosis or deficits, to guide the work.",
        ),
        _obj(
            "CM-SB-3",
            "The learner can describe a helping relationship built on mutuality, collaboration "
            "and partnership.",
        ),
    ),
    body=[
        _heading("A requirement, not a preference"),
        _text(
            _p(
                "The SoonerCare service manual is direct: to be compensable, behavioral health "
                "case management must be performed using the <b>ODMHSAS Strengths-Based model "
                "of case management</b>. Strengths-based practice is also one of the required "
                "continuing-education categories when you renew your certification each year."
            )
        ),
        _heading("What the model does"),
        _text(
            _p(
                "The model helps people identify and secure the range of resources, "
                "environmental and personal, that they need to live in a normally "
                "interdependent way in the community. “Interdependent” is deliberate: nobody "
                "lives entirely alone. Everyone relies on family, friends, neighbors, work and "
                "community places. The goal is the ordinary give-and-take of community life, "
                "not isolation and not dependence on the mental health system."
            )
        ),
        _slide(
            "The Strengths-Based model at a glance",
            [
                "Focus on the person's strengths",
                (1, "Strengths, interests, abilities, knowledge and capacities"),
                (1, "Not diagnosis, weaknesses or deficits"),
                "A relationship of partners",
                (1, "Mutuality, collaboration and partnership"),
                "The community is the main setting",
                (1, "The office when it is more appropriate"),
                "Resources: environmental and personal",
            ],
            "The helping process starts from what the person can do and wants to do. A "
            "diagnosis tells us about an illness; it does not tell us who the person is or what "
            "they hope for. Ask about interests, skills and past successes first.",
        ),
        _heading("Strengths, not deficits"),
        _text(
            _p(
                "The focus of the helping process is on the strengths, interests, abilities, "
                "knowledge and capacities of each person, not on their diagnosis, weaknesses or "
                "deficits. In practice this means:"
            ),
            _ul(
                "asking what has gone well, what the person enjoys and what they have managed "
                "before, not only what is wrong;",
                "writing goals in terms of what the person wants to achieve;",
                "looking for resources in the person's own life (a relative, a congregation, a "
                "skill, a library card) as well as in formal services;",
                "using person-first language: “a person living with schizophrenia”, not "
                "“a schizophrenic”.",
            ),
        ),
        _heading("The relationship"),
        _text(
            _p(
                "The relationship between the member and the case manager is characterized by "
                "mutuality, collaboration and partnership. You bring knowledge of services and "
                "systems; the person brings knowledge of their own life, their goals and what "
                "works for them. Decisions are made together, and the person's choices are "
                "respected."
            )
        ),
        _callout(
            "example",
            _p(
                "Ms. R says she wants a job but “can't do anything”. Asking about her history, "
                "you learn she kept her congregation's food pantry organized for years. Instead "
                "of starting with her diagnosis, you start there: organization, reliability and "
                "care for others. Together you look at stocking and inventory jobs and at the "
                "vocational services that could help her apply."
            ),
        ),
        _check(
            _q(
                "Under the SoonerCare manual, what must be true for a T1017 service to be "
                "compensable?",
                _right(
                    "It is performed using the ODMHSAS Strengths-Based model.",
                    "Right. The manual says that, to be compensable, the service must be "
                    "performed using the ODMHSAS Strengths-Based model of case management.",
                ),
                _wrong(
                    "It takes place in the case manager's office.",
                    "No. Helping activities are designed to happen mainly in the community; the "
                    "office is used when it is more appropriate.",
                ),
                _wrong(
                    "It starts from the member's diagnosis.",
                    "No. The model focuses on strengths, interests, abilities, knowledge and "
                    "capacities, not on diagnosis or deficits.",
                ),
                _wrong(
                    "A physician attends the contact.",
                    "No. Nothing in the service requirement calls for a physician to attend.",
                ),
            ),
            _q(
                "Which words describe the relationship between member and case manager in the "
                "Strengths-Based model?",
                _right(
                    "Mutuality, collaboration and partnership",
                    "Right. These are the manual's own words for the relationship.",
                ),
                _wrong(
                    "Supervision, compliance and reporting",
                    "No. The member is a partner, not someone supervised for compliance.",
                ),
                _wrong(
                    "Expert and patient",
                    "No. The relationship is a partnership; both people bring knowledge to it.",
                ),
            ),
            _q(
                "Which goal is written in a strengths-based way?",
                _wrong(
                    "“Reduce symptoms of depression.”",
                    "Symptoms may matter, but this goal starts from a deficit and is not in the "
                    "person's own terms.",
                ),
                _wrong(
                    "“Mr. T will stop being non-compliant.”",
                    "No. This is deficit-focused language that blames the person and names no "
                    "strength or aim.",
                ),
                _right(
                    "“Mr. T wants to cook his own meals, building on the baking he enjoys.”",
                    "Right. It starts from the person's interest and ability and says what he "
                    "wants.",
                ),
            ),
        ),
    ],
)

CM_TYPES = Lesson(
    slug="types-and-caseloads",
    title="Types of case management and caseload sizes",
    summary=(
        "Standard and intensive case management and wraparound facilitation: whom each serves, "
        "their caseload sizes and the extra qualifications they require."
    ),
    minutes=20,
    objectives=(
        _obj(
            "CM-TYP-1",
            "The learner can state the caseload sizes for standard case management (30–35 "
            "members), intensive case management (10–15) and wraparound facilitation (8–10 "
            "families).",
        ),
        _obj(
            "CM-TYP-2",
            "The learner can describe whom intensive case management and wraparound "
            "facilitation serve and the additional qualifications each requires.",
        ),
    ),
    body=[
        _heading("Three types of case management"),
        _text(
            _p(
                "The SoonerCare service manual describes three types of behavioral health case "
                "management. They differ in whom they serve, how intensive the support is and "
                "how many people one case manager or facilitator works with."
            )
        ),
        _heading("Standard case management"),
        _text(
            _p(
                "Standard case management has caseloads of <b>30–35 members</b>. It provides "
                "the linkage, advocacy, referral and monitoring described in this course to "
                "adults and children who need help reaching community resources."
            )
        ),
        _heading("Intensive case management"),
        _text(
            _p(
                "Intensive case management focuses on adults living with chronic or severe "
                "mental illness who are also identified as high utilizers of mental health "
                "services, and who need extra help accessing services and developing the skills "
                "to remain in the community. Its primary functions are to make sure an adequate "
                "and appropriate range of services is provided, including:"
            ),
            _ul(
                "linkage with the mental health system;",
                "linkage with the needed support system;",
                "coordination of the various parts of the system to achieve a successful outcome;",
                "aggressive outreach; and",
                "member education and resource skills development.",
            ),
            _p(
                "Caseloads are smaller, <b>between 10 and 15</b>, and the person typically has "
                "access to the case manager 24 hours a day, 7 days a week. An intensive case "
                "manager meets the qualifications of a Case Manager II (or III), has at least 2 "
                "years of behavioral health case management experience and crisis diversion "
                "experience, and has attended the ODMHSAS 6-hour intensive case management "
                "training."
            ),
        ),
        _heading("Wraparound facilitation"),
        _text(
            _p(
                "Wraparound facilitation has been shown to be an effective way to support "
                "children and youth with severe emotional disturbance to live successfully in "
                "the community with their families. It identifies and builds on the strengths "
                "and culture of the child, family and support system to create integrated, "
                "individualized plans for the needs that put the child at risk of long-term "
                "residential placement. For a high-fidelity process a facilitator typically "
                "works with <b>8 to 10 families</b> and is available 24 hours a day, 7 days a "
                "week."
            ),
            _p(
                "A wraparound facilitator meets the CM II (or CM III) qualifications, completes "
                "the ODMHSAS wraparound facilitation training within six months of employment, "
                "takes part in ongoing coaching, completes the wraparound credentialing process "
                "within nine months of beginning it, and has direct supervision or immediate "
                "access to a Qualified Mental Health Professional, with at least one hour of "
                "clinical consultation a week."
            ),
        ),
        _callout(
            "key",
            _p(
                "Caseload sizes: standard <b>30–35 members</b>; intensive <b>10–15</b>; "
                "wraparound <b>8–10 families</b>. The manual's staffing table also lists annual "
                "hours per provider: 812 for CM II wraparound facilitators and intensive CM IIs, "
                "and 1,141 for CM IIs and CM Is."
            ),
        ),
        _check(
            _q(
                "What caseload size does the manual give for standard case management?",
                _wrong(
                    "8–10",
                    "No. That is the typical number of families for a high-fidelity wraparound "
                    "facilitator.",
                ),
                _wrong("10–15", "No. That is the caseload for intensive case management."),
                _right("30–35", "Right. Standard case management has caseloads of 30–35."),
                _wrong("50–60", "No. The manual gives 30–35 for standard case management."),
            ),
            _q(
                "Which requirement applies to an intensive case manager?",
                _right(
                    "2 years of case management experience, crisis diversion experience and the "
                    "ODMHSAS 6-hour intensive training",
                    "Right. These are added to the CM II (or III) qualifications.",
                ),
                _wrong(
                    "Wraparound credentialing within nine months",
                    "No. That requirement is for wraparound facilitators.",
                ),
                _wrong(
                    "A CM I certificate and 36 months of work experience",
                    "No. An intensive case manager must meet the CM II (or III) qualifications.",
                ),
            ),
            _q(
                "Wraparound facilitation is designed mainly for:",
                _right(
                    "Children and youth with severe emotional disturbance, and their families",
                    "Right. It helps them live successfully in the community with their families.",
                ),
                _wrong(
                    "Adults who are high utilizers of mental health services",
                    "No. That describes the people intensive case management serves.",
                ),
                _wrong(
                    "People living in nursing homes",
                    "No. Services to nursing home residents are not reimbursable case management.",
                ),
            ),
        ),
    ],
)

CM_LINKAGE = Lesson(
    slug="linkage-and-referral",
    title="Linkage and referral",
    summary=(
        "Identifying immediate needs with the member and connecting them to the medical, "
        "social, educational and community resources named in the service plan."
    ),
    minutes=20,
    objectives=(
        _obj(
            "CM-LNK-1",
            "The learner can distinguish linkage from referral and give an example of each.",
        ),
        _obj(
            "CM-LNK-2",
            "The learner can describe how needs are identified with the member and matched to "
            "the resources named in the service plan.",
        ),
    ),
    body=[
        _heading("Starting with immediate needs"),
        _text(
            _p(
                "The community-based case management agency coordinates with the member, by "
                "phone or face to face, to identify immediate needs. The case manager then "
                "provides linkage and referral to physicians and medication services, counseling "
                "services, and rehabilitation or support services as described in the case "
                "management service plan."
            ),
            _p(
                "Gathering the psychological, educational, medical and social information "
                "needed to develop the individual plan of care is itself a reimbursable case "
                "management activity. Use it to learn what the person wants and what they "
                "already have, not only what they lack."
            ),
        ),
        _heading("Referral and linkage are different"),
        _text(
            _ul(
                "<b>Referral</b> means finding a suitable resource and helping the person make "
                "contact: sharing the information, making the call together, sending the "
                "records the person has agreed to share.",
                "<b>Linkage</b> means making sure the connection actually happens and holds: "
                "the person and the provider have met, the service is under way, and both know "
                "how to reach you.",
            ),
            _p(
                "A referral that nobody follows up is only a phone number. Linkage is what turns "
                "it into a service the person uses."
            ),
        ),
        _heading("Know your community"),
        _text(
            _p(
                "Case managers connect people with a wide range of resources and community "
                "supports: mental health, health, educational, vocational and recreational "
                "services, as well as help with housing, food and transportation. Knowing local "
                "organizations lets you tell people about help they may not know exists, "
                "especially when the need is urgent. Because SoonerCare is limited in scope, "
                "community resources outside it are often part of the answer."
            )
        ),
        _callout(
            "caution",
            _p(
                "Help people access services <b>for themselves</b>. Filling out forms or "
                "applications on a member's behalf when the member is not present, and filling "
                "out SoonerCare forms or applications, are not reimbursable case management."
            ),
        ),
        _check(
            _q(
                "Which activity is linkage rather than referral?",
                _wrong(
                    "Giving a member the phone number of a food pantry",
                    "That is referral: finding a resource. Linkage checks that the connection "
                    "actually happens.",
                ),
                _right(
                    "Confirming with the member and the clinic that the first counseling "
                    "appointment took place and the next one is set",
                    "Right. Linkage makes sure the connection happened and holds.",
                ),
                _wrong(
                    "Copying the member's diagnosis onto an intake form",
                    "No. This is neither linkage nor referral.",
                ),
            ),
            _q(
                "A member wants to apply for a housing program. Which approach fits case "
                "management?",
                _right(
                    "Sit down with the member and complete the application together",
                    "Right. Case management helps people access services for themselves, with "
                    "the member present.",
                ),
                _wrong(
                    "Fill in the application alone at the office and mail it",
                    "No. Filling out applications on the member's behalf when the member is not "
                    "present is not reimbursable, and it takes the choice away from the person.",
                ),
                _wrong(
                    "Tell the member that housing is not a mental health need",
                    "No. Case management covers access to services essential to meeting basic "
                    "human needs; housing is one of them.",
                ),
            ),
            _q(
                "Which services does the manual name for linkage and referral, as the service "
                "plan describes?",
                _right(
                    "Physicians and medication services, counseling, and rehabilitation or "
                    "support services",
                    "Right. These are the services the manual lists.",
                ),
                _wrong(
                    "Only services paid for by SoonerCare",
                    "No. SoonerCare is limited in scope; community resources outside it are "
                    "often needed.",
                ),
                _wrong(
                    "Only services provided by the case manager's own agency",
                    "No. Linkage reaches across the community, not only within one agency.",
                ),
            ),
        ),
    ],
)

CM_ADVOCACY = Lesson(
    slug="advocacy",
    title="Advocacy",
    summary=(
        "Speaking and acting alongside a member so that providers and systems respond to the "
        "member's needs, while respecting autonomy and confidentiality."
    ),
    minutes=20,
    objectives=(
        _obj(
            "CM-ADV-1",
            "The learner can describe advocacy tasks: interpreting a member's needs to "
            "providers, helping resolve barriers and pressing for adaptations and "
            "accommodations.",
        ),
        _obj(
            "CM-ADV-2",
            "The learner can advocate in ways that respect the member's autonomy, "
            "confidentiality and informed consent.",
        ),
    ),
    body=[
        _heading("What advocacy is"),
        _text(
            _p(
                "Advocacy is speaking and acting alongside a member so that systems, resources "
                "and providers respond to the member's needs. It includes:"
            ),
            _ul(
                "interpreting the person's needs to providers, so that a service fits the "
                "person and not only the program;",
                "offering consultation and technical assistance to address barriers, for "
                "example explaining to a landlord what support the person has;",
                "making assertive efforts to secure adaptations and accommodations.",
            ),
            _p(
                "Most advocacy is cooperative. Sometimes it has to be firmer, pressing a "
                "system, resource or provider to meet the person's needs. Either way, the goal "
                "is the member's goal."
            ),
        ),
        _heading("Advocacy with the person, not instead of them"),
        _text(
            _p(
                "The best advocacy builds the person's own voice. Before a meeting, plan "
                "together what the person wants to say and what you will add. During it, let "
                "the person speak first and back them up. Afterwards, talk over what worked so "
                "they can do more of it next time. When a person cannot speak for themselves "
                "for a while, for example during a crisis, advocacy should still follow what "
                "you know of their wishes."
            )
        ),
        _heading("Ethics in advocacy"),
        _text(
            _p(
                "Advocates hold high ethical and professional standards. Common pitfalls are "
                "avoided by:"
            ),
            _ul(
                "understanding what a multiple relationship is, and avoiding one;",
                "protecting confidentiality: sharing only what the person has agreed to share, "
                "with the people they agreed to;",
                "respecting autonomy and making sure decisions are made with full informed "
                "consent;",
                "being clear about who your client is and what your role is, to keep "
                "professional boundaries.",
            ),
        ),
        _callout(
            "example",
            _p(
                "A clinic keeps cancelling Mr. J's appointments because he arrives late on the "
                "bus. With his permission, you explain the bus schedule to the clinic and ask "
                "for a later appointment time, and the clinic agrees. That is advocacy: "
                "interpreting the person's need to a provider and securing an accommodation."
            ),
        ),
        _check(
            _q(
                "Which of these is an advocacy task?",
                _right(
                    "Explaining a member's needs to a provider and asking for an accommodation",
                    "Right. Interpreting needs to providers and seeking accommodations is "
                    "advocacy.",
                ),
                _wrong(
                    "Driving the member to an appointment and waiting with them",
                    "No. Escorting or transporting a member, or staying with them during an "
                    "appointment, is not reimbursable case management.",
                ),
                _wrong(
                    "Delivering bus tickets to the member's home",
                    "No. Delivering bus tickets, food stamps or money is not reimbursable case "
                    "management.",
                ),
            ),
            _q(
                "Before telling a landlord about a member's support needs, you must:",
                _right(
                    "Have the member's informed consent to share that information",
                    "Right. Confidentiality and informed consent come first.",
                ),
                _wrong(
                    "Tell the landlord the member's diagnosis so they understand",
                    "No. Sharing a diagnosis without consent breaks confidentiality, and it is "
                    "rarely needed.",
                ),
                _wrong(
                    "Decide on your own what is best to share",
                    "No. The member decides what is shared, and with whom.",
                ),
            ),
            _q(
                "What is the best way to build a member's own voice?",
                _wrong(
                    "Speak for the member in every meeting",
                    "This may get a quick result, but it does not help the person advocate for "
                    "themselves.",
                ),
                _right(
                    "Plan together, let the member speak first and back them up",
                    "Right. This builds the person's confidence and skill.",
                ),
                _wrong(
                    "Avoid meetings with providers",
                    "No. Meetings with providers are often where advocacy happens.",
                ),
            ),
        ),
    ],
)

CM_MONITORING = Lesson(
    slug="monitoring-and-follow-up",
    title="Monitoring and follow-up",
    summary=(
        "Checking that services are reached and keep helping: the monthly community contact, "
        "reviewing the plan, and outreach after a missed appointment."
    ),
    minutes=20,
    objectives=(
        _obj(
            "CM-MON-1",
            "The learner can describe monitoring of access to services and of the plan of care, "
            "including the community or home-based contact at least once a month.",
        ),
        _obj(
            "CM-MON-2",
            "The learner can state when aggressive outreach is required after a missed "
            "appointment or contact (within two business days).",
        ),
    ),
    body=[
        _heading("Why monitoring matters"),
        _text(
            _p(
                "The case manager must monitor the member's progress in gaining access to "
                "services and the continued appropriate use of necessary community resources. "
                "Monitoring the individual plan of care, to reassess goals and objectives and to "
                "assess progress or barriers to progress, is a reimbursable case management "
                "activity. It is how you and the person find out whether the plan is working "
                "and what to change."
            )
        ),
        _heading("How often"),
        _text(
            _p(
                "Community or home-based case management to assess the need for services is "
                "scheduled as the case management service plan says, but <b>not less than once "
                "a month</b>. Many people need more frequent contact, especially early on or "
                "during a hard period; the plan should say so."
            )
        ),
        _heading("When an appointment is missed"),
        _text(
            _p(
                "During the follow-up phase of a referral or link, the case manager provides "
                "aggressive outreach when an appointment or contact is missed, <b>within two "
                "business days</b> of the missed appointment. A missed appointment is "
                "information, not a failure: the person may have had no ride, felt unwell, lost "
                "the date or changed their mind about the service. Outreach finds out which, "
                "and what to do next."
            )
        ),
        _heading("What to look at"),
        _text(
            _ul(
                "Did the person get the service? Is it still going?",
                "Is it helping, in the person's own view?",
                "What barriers have come up: cost, transportation, child care, stigma, side "
                "effects?",
                "Are there new needs, goals or objectives?",
            ),
            _p(
                "Record what you find in the progress note. Progress or barriers, the person's "
                "response and any new needs belong in the record and in the next plan review."
            ),
        ),
        _callout(
            "key",
            _p(
                "Two numbers to remember: a community or home-based contact at least <b>once a "
                "month</b>, and outreach within <b>two business days</b> of a missed "
                "appointment or contact."
            ),
        ),
        _check(
            _q(
                "A member misses a first appointment at a new clinic on Monday. When does the "
                "manual expect aggressive outreach?",
                _right(
                    "Within two business days of the missed appointment",
                    "Right. Outreach follows within two business days.",
                ),
                _wrong(
                    "At the next monthly contact",
                    "No. A month is too long; outreach is expected within two business days.",
                ),
                _wrong(
                    "Only if the clinic asks for it",
                    "No. Follow-up is the case manager's responsibility.",
                ),
                _wrong(
                    "Never; missing it means the member refused the service",
                    "No. A missed appointment has many possible causes; outreach finds out.",
                ),
            ),
            _q(
                "At minimum, how often is community or home-based case management to assess "
                "the need for services scheduled?",
                _wrong(
                    "Once a week",
                    "The plan may call for weekly contact, but the manual's minimum is once a "
                    "month.",
                ),
                _right("Not less than once a month", "Right. This is the manual's minimum."),
                _wrong("Once every three months", "No. The minimum is once a month."),
            ),
            _q(
                "Which of these is part of monitoring the plan of care?",
                _right(
                    "Reassessing goals and objectives and assessing progress or barriers",
                    "Right. This is how the manual describes monitoring the plan of care.",
                ),
                _wrong(
                    "Paying the member's bills so they do not fall behind",
                    "No. Providing services such as paying bills is not reimbursable case "
                    "management.",
                ),
                _wrong(
                    "Monitoring the member's financial goals",
                    "No. Monitoring financial goals is listed as not reimbursable.",
                ),
            ),
        ),
    ],
)

CM_CRISIS = Lesson(
    slug="crisis-diversion",
    title="Crisis diversion",
    summary=(
        "Supporting a person through an unanticipated situation so that an immediate problem "
        "is resolved before it becomes overwhelming."
    ),
    minutes=25,
    objectives=(
        _obj(
            "CM-CRI-1",
            "The learner can define crisis diversion as the SoonerCare manual does and explain "
            "its aim of preventing progression to a higher level of care.",
        ),
        _obj(
            "CM-CRI-2",
            "The learner can describe calm, collaborative steps for resolving an immediate "
            "problem and know when to involve crisis or emergency services.",
        ),
    ),
    body=[
        _heading("The definition"),
        _text(
            _p(
                "Crisis diversion is a reimbursable case management activity. The manual "
                "defines it as help with an <b>unanticipated, unscheduled situation requiring "
                "supportive assistance, face to face or by telephone, to resolve immediate "
                "problems before they become overwhelming and severely impair the individual's "
                "ability to function or maintain in the community</b>. Its purpose is to help "
                "the member avoid progression to a higher level of care."
            )
        ),
        _slide(
            "Crisis diversion",
            [
                "Unanticipated and unscheduled",
                "Supportive assistance",
                (1, "Face to face or by telephone"),
                "Resolve immediate problems",
                (1, "Before they become overwhelming"),
                (1, "Before they severely impair functioning in the community"),
                "Aim: avoid progression to a higher level of care",
            ],
            "Crisis diversion is about the problem in front of the person today: an eviction "
            "notice, running out of medication, a family conflict. Resolving it early keeps a "
            "hard day from turning into a hospital stay.",
        ),
        _heading("In practice"),
        _text(
            _p(
                "People living with serious mental illness may face unexpected crises. A case "
                "manager who stays calm and thinks clearly helps the person settle and solve "
                "the problem. Useful steps:"
            ),
            _ul(
                "<b>Listen first.</b> Let the person say what is happening and what they need "
                "right now.",
                "<b>Check safety.</b> Ask directly about any risk to the person or others.",
                "<b>Focus on the immediate problem.</b> Break it into the next few steps the "
                "person can take today.",
                "<b>Use the person's own plan and strengths.</b> If they have a crisis or "
                "coping plan, use it: what has helped before, and whom they want involved.",
                "<b>Link quickly.</b> Contact the treatment provider, prescriber or supports "
                "the person names.",
                "<b>Follow up.</b> Check back when agreed and record what happened.",
            ),
        ),
        _callout(
            "caution",
            _p(
                "Crisis diversion is supportive assistance, not emergency treatment. If anyone "
                "is in immediate danger, follow your agency's emergency procedures and contact "
                "crisis or emergency services at once."
            ),
        ),
        _heading("Intensive case management and crises"),
        _text(
            _p(
                "People in intensive case management typically have access to their case "
                "manager 24 hours a day, 7 days a week, and intensive case managers must have "
                "crisis diversion experience. In any program, make sure each person knows whom "
                "to call outside office hours."
            )
        ),
        _check(
            _q(
                "Which situation best fits the manual's definition of crisis diversion?",
                _right(
                    "A member calls unexpectedly after an eviction notice and is becoming "
                    "overwhelmed",
                    "Right. It is unanticipated and unscheduled, and the immediate problem can "
                    "be resolved before it becomes overwhelming.",
                ),
                _wrong(
                    "A scheduled monthly home visit to review the service plan",
                    "No. Crisis diversion is for unanticipated, unscheduled situations; this is "
                    "routine monitoring.",
                ),
                _wrong(
                    "Preparing service plan paperwork at your desk",
                    "No. Non face-to-face time preparing the assessment and service plan "
                    "paperwork is not reimbursable.",
                ),
            ),
            _q(
                "What is the stated aim of crisis diversion?",
                _right(
                    "To help the member avoid progression to a higher level of care",
                    "Right. That is the purpose the manual gives.",
                ),
                _wrong(
                    "To admit the member to a hospital quickly",
                    "No. The aim is the opposite: to resolve problems so that a higher level of "
                    "care is not needed.",
                ),
                _wrong(
                    "To provide psychotherapy during the crisis",
                    "No. Psychotherapeutic services are not reimbursable case management.",
                ),
            ),
            _q(
                "Can crisis diversion be provided by telephone?",
                _right(
                    "Yes; the definition covers face-to-face or telephone assistance",
                    "Right. Both are named in the definition.",
                ),
                _wrong(
                    "No; it must always be face to face",
                    "No. The definition says face to face or telephone.",
                ),
                _wrong(
                    "Only if the member lives in a facility",
                    "No. Crisis diversion helps people keep living in the community.",
                ),
            ),
        ),
    ],
)

CM_TRANSITIONS = Lesson(
    slug="transitions-to-the-community",
    title="Transitions from institutions to the community",
    summary=(
        "When a person leaving an institution may receive case management for the move home, "
        "and how that work differs from the institution's discharge planning."
    ),
    minutes=15,
    objectives=(
        _obj(
            "CM-TRN-1",
            "The learner can state when a person leaving an institution may be considered to "
            "be transitioning to the community, and who is excluded.",
        ),
        _obj(
            "CM-TRN-2",
            "The learner can distinguish transition case management from the institution's "
            "discharge planning.",
        ),
    ),
    body=[
        _heading("Why transitions matter"),
        _text(
            _p(
                "Leaving a hospital or other institution is a time of high risk and high hope. "
                "Housing, income, medication, treatment appointments and daily routines all "
                "need to be in place on the first day home. Case management can begin before "
                "discharge so that these links are ready."
            )
        ),
        _heading("The time windows"),
        _text(
            _p(
                "The SoonerCare manual lists transitioning from institutions to the community "
                "as a reimbursable activity, within these windows:"
            ),
            _ul(
                "For a covered, <b>long-term</b> institutional stay of <b>180 consecutive days "
                "or longer</b>, a person may be considered to be transitioning during the "
                "<b>last 60 consecutive days</b> of the stay.",
                "For a covered, <b>short-term</b> stay of <b>less than 180 consecutive "
                "days</b>, a person may be considered to be transitioning during the <b>last 14 "
                "days</b> before discharge.",
            ),
            _p(
                "The provision does not apply to people aged 22 to 64 who reside in an "
                "institution for mental diseases (IMD), or to people who are inmates of public "
                "institutions."
            ),
        ),
        _heading("Not discharge planning"),
        _text(
            _p(
                "The time limits exist to distinguish case management from the institution's "
                "own discharge planning. Discharge planning is the institution's job; "
                "transition case management is the community side: connecting the person with "
                "the community resources, providers and supports they will need, especially "
                "people with complex, chronic medical needs. Discharge itself is listed among "
                "the activities that are not reimbursable as case management."
            )
        ),
        _heading("Working the transition"),
        _text(
            _ul(
                "Meet the person and learn their goals for life after discharge.",
                "Coordinate with the institution's staff so that efforts are not duplicated.",
                "Set up first appointments with community providers and prescribers, with dates "
                "the person knows.",
                "Plan the first week home with the person: where they will live, how they will "
                "get food and medication, whom they can call.",
            )
        ),
        _callout(
            "key",
            _p(
                "Long stay (180 consecutive days or more): the last <b>60</b> consecutive days. "
                "Short stay (under 180 days): the last <b>14</b> days before discharge."
            ),
        ),
        _check(
            _q(
                "A member is in a covered institutional stay of 200 consecutive days. When may "
                "they be considered to be transitioning to the community?",
                _right(
                    "During the last 60 consecutive days of the stay",
                    "Right. That is the window for stays of 180 consecutive days or longer.",
                ),
                _wrong(
                    "During the last 14 days before discharge",
                    "No. That window is for short stays of less than 180 consecutive days.",
                ),
                _wrong(
                    "Throughout the whole stay",
                    "No. The manual limits the transition period to keep it separate from the "
                    "institution's discharge planning.",
                ),
            ),
            _q(
                "Who is excluded from the transition provision?",
                _right(
                    "A person aged 22 to 64 residing in an institution for mental diseases (IMD)",
                    "Right. People aged 22 to 64 in an IMD, and inmates of public institutions, "
                    "are excluded.",
                ),
                _wrong(
                    "A person aged 19 in a general hospital for 20 days",
                    "No. This person is not in an excluded group; the short-stay window applies.",
                ),
                _wrong(
                    "Any adult over 21",
                    "No. The exclusions are people aged 22 to 64 in an IMD and inmates of "
                    "public institutions.",
                ),
            ),
            _q(
                "Why do the transition time limits exist?",
                _right(
                    "To distinguish case management from the institution's discharge planning",
                    "Right. The manual says so directly.",
                ),
                _wrong(
                    "To limit how long a person may stay in an institution",
                    "No. They govern when case management counts as transition work, not the "
                    "length of the stay.",
                ),
                _wrong(
                    "To set the number of units billed per day",
                    "No. Unit limits are separate; the daily limit is 16 units.",
                ),
            ),
        ),
    ],
)

CM_SERVICE_PLAN = Lesson(
    slug="service-plan",
    title="The service plan",
    summary=(
        "What the case management service plan contains, who takes part in it and signs it, "
        "and how progress notes relate to it."
    ),
    minutes=20,
    objectives=(
        _obj(
            "CM-DOC-1",
            "The learner can describe what a case management service plan must contain and who "
            "must take part in and sign it.",
        ),
        _obj(
            "CM-DOC-2",
            "The learner can explain when service plan development is compensable time and how "
            "progress notes must relate to the plan.",
        ),
    ),
    body=[
        _heading("The plan at the center"),
        _text(
            _p(
                "Every case management service flows from the service plan. The plan must "
                "include general goals and objectives pertinent to the overall recovery needs "
                "of the member. Progress notes must relate to the service plan and describe the "
                "specific activities performed. If an activity cannot be connected to a need, "
                "goal or objective in the plan, ask whether the plan needs updating."
            )
        ),
        _heading("Who takes part"),
        _text(
            _p(
                "Developing the case management service plan is compensable time when the time "
                "is spent communicating with the member, with the member's participation, and "
                "the plan is reviewed and signed by:"
            ),
            _ul(
                "the member;",
                "the behavioral health case manager; and",
                "a licensed behavioral health professional (as defined at OAC 317:30-5-240).",
            ),
            _p(
                "Non face-to-face time spent preparing the assessment document and the service "
                "plan paperwork is not reimbursable."
            ),
        ),
        _heading("The plan sets the rhythm of contact"),
        _text(
            _p(
                "Community or home-based case management to assess the need for services is "
                "scheduled as the service plan says, but not less than once a month. Write down "
                "how often and where you will meet, and which linkage, advocacy, referral and "
                "monitoring activities are planned, so that every later progress note can point "
                "back to a specific need, goal or objective."
            )
        ),
        _heading("Writing a plan that belongs to the person"),
        _text(
            _ul(
                "Use the person's own words for their goals wherever you can.",
                "Build objectives on the person's strengths and the resources they already have.",
                "Make objectives specific enough that progress can be seen and recorded.",
                "Name the supports the person has chosen to involve.",
                "Review the plan with the person when new needs, goals or objectives come up.",
            )
        ),
        _callout(
            "key",
            _p(
                "All behavioral health case management services rendered must be reflected by "
                "documentation in the records. A service that is not documented cannot be "
                "shown to have happened, and it cannot be billed."
            ),
        ),
        _check(
            _q(
                "Who must review and sign the case management service plan for its development "
                "to be compensable?",
                _right(
                    "The member, the case manager and a licensed behavioral health professional",
                    "Right. All three review and sign the plan.",
                ),
                _wrong(
                    "The case manager alone",
                    "No. The member and a licensed behavioral health professional must also "
                    "review and sign it.",
                ),
                _wrong(
                    "The member's family and the case manager",
                    "No. Family may take part if the member wishes, but the manual names the "
                    "member, the case manager and a licensed behavioral health professional.",
                ),
            ),
            _q(
                "Is time spent alone at your desk preparing service plan paperwork reimbursable?",
                _wrong(
                    "Yes; all planning time is billable",
                    "No. Non face-to-face time preparing the paperwork is listed as not "
                    "reimbursable.",
                ),
                _right(
                    "No; non face-to-face time preparing the assessment and plan paperwork is "
                    "not reimbursable",
                    "Right. Compensable plan development is time spent with the member's "
                    "participation.",
                ),
                _wrong(
                    "Yes, if it takes less than 15 minutes",
                    "No. The length is not the issue; this activity is not reimbursable at all.",
                ),
            ),
            _q(
                "How must progress notes relate to the service plan?",
                _right(
                    "They relate to the plan and describe the specific activities performed",
                    "Right. That is the manual's requirement.",
                ),
                _wrong(
                    "They repeat the plan's goals word for word",
                    "No. Notes must describe the specific activities performed, not only "
                    "restate goals.",
                ),
                _wrong(
                    "They need not mention the plan",
                    "No. The manual requires progress notes to relate to the service plan.",
                ),
            ),
        ),
    ],
)

#: The documentation requirements for each session, worded exactly as the T1017 manual lists them.
PROGRESS_NOTE_ELEMENTS: tuple[str, ...] = (
    "date",
    "person(s) to whom services are rendered",
    "start and stop times for each service",
    "original signature of the service provider (original signatures for faxed items must be "
    "added to the clinical file within 30 days)",
    "credentials of the service provider",
    "specific service plan needs, goals and/or objectives addressed",
    "specific activities performed by the behavioral health case manager on behalf of the child "
    "related to advocacy, linkage, referral, or monitoring used to address needs, goals and/or "
    "objectives",
    "progress or barriers made towards goals and/or objectives",
    "member (family when applicable) response to the service",
    "any new service plan needs, goals, and/or objectives identified during the service",
    "member satisfaction with staff intervention",
)

CM_PROGRESS_NOTES = Lesson(
    slug="progress-notes",
    title="The 11 elements of a progress note",
    summary=(
        "The 11 elements the SoonerCare manual requires in the documentation of every case "
        "management session, with a worked example."
    ),
    minutes=30,
    objectives=(
        _obj(
            "CM-DOC-3",
            "The learner can list the 11 elements that the documentation of every case "
            "management session must include.",
        ),
        _obj(
            "CM-DOC-4",
            "The learner can review a progress note and identify any missing required element.",
        ),
    ),
    body=[
        _heading("What every note must contain"),
        _text(
            _p(
                "In addition to a complete case management service plan, the documentation of "
                "each session must include, but is not limited to, these 11 elements:"
            ),
            _ol(*PROGRESS_NOTE_ELEMENTS),
            _p(
                "Element 7 is worded for children's services in the manual; it covers the "
                "advocacy, linkage, referral or monitoring you performed on behalf of any "
                "member."
            ),
        ),
        _slide(
            "A progress note, element by element",
            [
                "Who, when and how long",
                (1, "Date; person(s) served; start and stop times"),
                "Who provided it",
                (1, "Original signature; credentials"),
                "What and why",
                (1, "Service plan needs, goals or objectives addressed"),
                (1, "Advocacy, linkage, referral or monitoring activities performed"),
                "What happened",
                (1, "Progress or barriers; the member's (family's) response"),
                (1, "New needs, goals or objectives; member satisfaction"),
            ],
            "Group the eleven elements into four questions as you write: who and when, who "
            "provided it, what and why, and what happened. A note that answers all four will "
            "usually contain all eleven elements.",
        ),
        _heading("Why each element matters"),
        _text(
            _p(
                "Start and stop times show how many 15-minute units were provided. The original "
                "signature and credentials show that a certified case manager provided the "
                "service. Linking the activity to a specific need, goal or objective shows why "
                "it was necessary. The member's response, their satisfaction and any barriers "
                "tell the next reader, and the member, how the plan is working."
            )
        ),
        _heading("An example"),
        _callout(
            "example",
            _p(
                "<b>Date:</b> March 4. <b>Served:</b> Ms. L (member). <b>Time:</b> 10:00–10:45. "
                "<b>Plan goal addressed:</b> Goal 2, “find a primary care doctor”. "
                "<b>Activity:</b> linkage; met Ms. L at her home, together we called two clinics "
                "accepting SoonerCare, she chose one, and an appointment is set for March 11. "
                "<b>Progress or barriers:</b> appointment made; Ms. L is unsure of the bus "
                "route. <b>Response:</b> Ms. L said she felt relieved. <b>New need:</b> "
                "transportation to appointments, to add at plan review. <b>Satisfaction:</b> "
                "Ms. L said the visit was helpful. <b>Signed:</b> original signature, "
                "J. Doe, CM II."
            ),
        ),
        _callout(
            "caution",
            _p(
                "Faxed items need original signatures added to the clinical file within "
                "<b>30 days</b>."
            ),
        ),
        _check(
            _q(
                "Which of these is one of the 11 required progress-note elements?",
                _right(
                    "Member satisfaction with staff intervention",
                    "Right. It is element 11.",
                ),
                _wrong(
                    "The member's full diagnostic history",
                    "No. The note records the service; a diagnostic history is not one of the "
                    "11 elements.",
                ),
                _wrong(
                    "The miles driven to the visit",
                    "No. Travel time is not billed, and mileage is not a required element.",
                ),
                _wrong(
                    "The member's monthly budget",
                    "No. A budget is not a required element, and monitoring financial goals is "
                    "not reimbursable case management.",
                ),
            ),
            _q(
                "A note records the date, the member, the activity, the goal addressed, the "
                "member's response and satisfaction, and is signed with credentials. What is "
                "missing?",
                _right(
                    "Start and stop times, progress or barriers, and any new needs, goals or "
                    "objectives",
                    "Right. These three required elements are missing.",
                ),
                _wrong(
                    "Nothing; the note is complete",
                    "No. Check the list: start and stop times, progress or barriers, and new "
                    "needs, goals or objectives are missing.",
                ),
                _wrong(
                    "The member's date of birth",
                    "No. That is not one of the 11 elements, and three required elements are "
                    "missing.",
                ),
            ),
            _q(
                "A signed item was faxed. By when must the original signature be added to the "
                "clinical file?",
                _right("Within 30 days", "Right. The manual allows 30 days."),
                _wrong(
                    "Within 2 business days",
                    "No. Two business days is the outreach window after a missed appointment.",
                ),
                _wrong(
                    "At the next certification renewal",
                    "No. The manual requires the original signature within 30 days.",
                ),
            ),
        ),
    ],
)

CM_UNITS = Lesson(
    slug="units-limits-modifiers",
    title="Units, limits and modifiers",
    summary=(
        "How case management is billed under T1017: 15-minute units, the daily limit of 16 "
        "units, monthly limits of 25 or 56 units, and the HM and HN modifiers."
    ),
    minutes=25,
    objectives=(
        _obj(
            "CM-BIL-1",
            "The learner can convert documented start and stop times into T1017 units of 15 "
            "minutes.",
        ),
        _obj(
            "CM-BIL-2",
            "The learner can state the daily limit of 16 units and the monthly limits of 25 or "
            "56 units by program.",
        ),
        _obj(
            "CM-BIL-3",
            "The learner can choose the modifier for their certification level: HM for CM I, "
            "HN for CM II.",
        ),
    ),
    body=[
        _heading("The code and the unit"),
        _text(
            _p(
                "Targeted case management is billed to SoonerCare under code <b>T1017</b>. The "
                "unit length is <b>15 minutes</b>. The start and stop times in the progress "
                "note are the basis for the units billed: 30 minutes of service is 2 units and "
                "45 minutes is 3 units. Follow your agency's billing procedures for time that "
                "is not a whole number of units."
            )
        ),
        _heading("Daily and monthly limits"),
        _text(
            _p(
                "The manual's rate table sets a daily limit of <b>16 units</b> (four hours) on "
                "every T1017 line. Monthly limits depend on the program:"
            ),
            _ul(
                "<b>25 units a month</b>: CM I (less than a bachelor's degree); CM II at the "
                "master's or bachelor's level in outpatient behavioral health (OPBH); and CM II "
                "intensive case management at a community mental health center (CMHC);",
                "<b>56 units a month</b>: the CM II “SOC” line for members aged 0–20 at a "
                "CMHC, and PACT.",
            ),
        ),
        _slide(
            "T1017 at a glance",
            [
                "Code T1017; one unit is 15 minutes",
                "Daily limit: 16 units",
                "Monthly limit: 25 or 56 units, by program",
                (1, "25: CM I; CM II (OPBH); CM II intensive (CMHC)"),
                (1, "56: CM II SOC, ages 0–20 (CMHC); PACT"),
                "Modifiers",
                (1, "HM: CM I"),
                (1, "HN: CM II"),
                (1, "HE mental health; HF substance abuse; HV gambling"),
            ],
            "Bill actual service time in 15-minute units, within the daily and monthly limits. "
            "Your modifier follows your certification: HM for CM I, HN for CM II.",
        ),
        _heading("Modifiers"),
        _text(
            _p("The modifier on the claim shows the level of the case manager:"),
            _ul("<b>HM</b>: Case Manager I;", "<b>HN</b>: Case Manager II."),
            _p(
                "The table also lists HE (mental health), HF (substance abuse) and HV "
                "(gambling) on every T1017 line, and TF or TG on two CM II lines (the ages 0–20 "
                "SOC line and the intensive line). Your agency will show you how they appear "
                "on its claims."
            ),
        ),
        _heading("Travel time and certification status"),
        _text(
            _p(
                "Travel time is already built into the T1017 rate, which assumes some travel "
                "to reach the member for face-to-face service. Bill only the actual face-to-face "
                "time with the member, never “windshield time”; billing travel would be "
                "duplicative."
            ),
            _p(
                "Only a currently certified case manager may bill. A certification whose renewal "
                "is not complete by June 30 is suspended, and a suspended case manager cannot "
                "bill. If the renewal is still not complete by December 30, the certification is "
                "terminated on January 1."
            ),
        ),
        _callout(
            "caution",
            _p(
                "Keep a running count. The limits are <b>16 units a day</b> and <b>25 or 56 "
                "units a month</b> depending on the program; plan contacts across the month so "
                "that the person's needs are met within them."
            ),
        ),
        _check(
            _q(
                "You provided 45 minutes of face-to-face case management. How many T1017 units "
                "is that?",
                _wrong("1", "No. One unit is 15 minutes; 45 minutes is 3 units."),
                _right("3", "Right. 45 minutes divided by 15-minute units is 3 units."),
                _wrong("45", "No. T1017 is billed in 15-minute units, not in minutes."),
                _wrong("4", "No. Four units would be 60 minutes."),
            ),
            _q(
                "What is the daily limit for T1017?",
                _right("16 units", "Right. Every T1017 line has a daily limit of 16 units."),
                _wrong(
                    "25 units",
                    "No. 25 is the monthly limit for several programs, not the daily limit.",
                ),
                _wrong(
                    "56 units",
                    "No. 56 is the monthly limit for some programs, not the daily limit.",
                ),
            ),
            _q(
                "Which modifier does a certified CM II use?",
                _wrong("HM", "No. HM is the modifier for CM I."),
                _right("HN", "Right. HN identifies a Case Manager II."),
                _wrong("HV", "No. HV marks gambling services, not the case manager's level."),
            ),
        ),
    ],
)

CM_NOT_REIMBURSABLE = Lesson(
    slug="reimbursable-and-not",
    title="What is reimbursable, and what is not",
    summary=(
        "The activities SoonerCare reimburses as behavioral health case management, the "
        "activities and settings it does not, and how to meet needs the reimbursable way."
    ),
    minutes=25,
    objectives=(
        _obj(
            "CM-BIL-4",
            "The learner can list the activities SoonerCare reimburses as behavioral health "
            "case management.",
        ),
        _obj(
            "CM-BIL-5",
            "The learner can identify activities and living situations for which case "
            "management is not reimbursable.",
        ),
    ),
    body=[
        _heading("Reimbursable activities"),
        _text(
            _p("SoonerCare reimbursable behavioral health case management includes:"),
            _ul(
                "gathering the psychological, educational, medical and social information "
                "needed to develop the individual plan of care;",
                "face-to-face meetings with the member and/or the parent, guardian or family "
                "member to carry out activities in the plan of care;",
                "face-to-face meetings with treatment or service providers, needed to carry "
                "out the plan;",
                "supportive activities such as non face-to-face communication with the member;",
                "non face-to-face communication with treatment or service providers, needed to "
                "carry out the plan;",
                "monitoring the plan of care to reassess goals and objectives and assess "
                "progress or barriers;",
                "crisis diversion;",
                "transitioning from institutions to the community, within the time windows.",
            ),
        ),
        _heading("Not reimbursable"),
        _text(
            _p("Reimbursable case management does not include:"),
            _ol(
                "physically escorting or transporting a member to scheduled appointments, or "
                "staying with the member during an appointment;",
                "monitoring financial goals;",
                "providing specific services such as shopping or paying bills;",
                "delivering bus tickets, food stamps, money, etc.;",
                "services to nursing home residents;",
                "psychotherapeutic or rehabilitative services, psychiatric assessment, or "
                "discharge;",
                "filling out forms, applications, etc., on behalf of the member when the member "
                "is not present;",
                "filling out SoonerCare forms, applications, etc.;",
                "services to members residing in ICF/MR facilities;",
                "non face-to-face time that case managers spend preparing the assessment "
                "document and the service plan paperwork.",
            ),
            _p("Travel (“windshield”) time is not billed either: the rate already includes it."),
        ),
        _callout(
            "caution",
            _p(
                "SoonerCare members who reside in nursing facilities, residential behavior "
                "management services, group or foster homes, or ICF/MRs may not receive "
                "SoonerCare-compensable case management services. Check where a person lives "
                "before you bill."
            ),
        ),
        _heading("Meeting needs the reimbursable way"),
        _text(
            _p(
                "The needs behind these activities are often real; the question is how the "
                "case manager meets them. Instead of driving a member to an appointment, link "
                "them with transportation and plan the route together. Instead of filling in a "
                "housing application alone, complete it with the member present. Instead of "
                "providing therapy or skills training yourself, link the person to the "
                "counseling or rehabilitation services in their plan and monitor how it goes."
            )
        ),
        _check(
            _q(
                "Which activity is reimbursable as case management?",
                _right(
                    "A phone call with the member's counselor needed to carry out the plan of care",
                    "Right. Non face-to-face communication with treatment providers needed for "
                    "the plan is reimbursable.",
                ),
                _wrong(
                    "Driving the member to a doctor's appointment",
                    "No. Escorting or transporting a member to appointments is not reimbursable.",
                ),
                _wrong(
                    "Delivering food stamps to the member",
                    "No. Delivering bus tickets, food stamps or money is not reimbursable.",
                ),
                _wrong(
                    "Filling out a SoonerCare application for the member",
                    "No. Filling out SoonerCare forms and applications is not reimbursable.",
                ),
            ),
            _q(
                "A member lives in an ICF/MR facility. Can you bill T1017 case management for "
                "them?",
                _wrong(
                    "Yes, if the contact is face to face",
                    "No. Services to members residing in ICF/MR facilities are not "
                    "reimbursable, whatever the kind of contact.",
                ),
                _right(
                    "No; services to members residing in ICF/MR facilities are not reimbursable",
                    "Right. The manual excludes them.",
                ),
                _wrong(
                    "Yes, up to 16 units a day",
                    "No. The daily limit does not matter here; the service is not reimbursable "
                    "for this member.",
                ),
            ),
            _q(
                "You drove 30 minutes to a member's home and met with them for 30 minutes. What "
                "may you bill?",
                _right(
                    "2 units: the 30 minutes of face-to-face time",
                    "Right. Travel is built into the rate; bill the face-to-face time only.",
                ),
                _wrong(
                    "4 units: the travel and the visit",
                    "No. Billing travel time would be duplicative, because the rate already "
                    "includes it.",
                ),
                _wrong(
                    "Nothing, because the visit was at the member's home",
                    "No. Home visits are reimbursable; case management may take place in the home.",
                ),
            ),
        ),
    ],
)

CASE_MANAGEMENT = Course(
    slug="case-management",
    title="Case Management",
    summary=(
        "Behavioral health case management as ODMHSAS and SoonerCare describe it: the "
        "Strengths-Based model; linkage, advocacy, referral and monitoring; crisis diversion; "
        "the service plan and the 11 elements of a progress note; and billing T1017 (units, "
        "limits, modifiers and what is not reimbursable). Prepares you for classroom Days 1 "
        "and 2."
    ),
    tracks=("cm1", "cm2", "cm2_cprp"),
    classroom_days=(1, 2),
    pass_mark=80,
    modules=(
        Module(
            slug="foundations",
            title="Foundations of case management",
            summary=(
                "What behavioral health case management is, the Strengths-Based model every "
                "compensable service uses, and the types of case management with their "
                "caseload sizes."
            ),
            lessons=(CM_WHAT, CM_STRENGTHS, CM_TYPES),
        ),
        Module(
            slug="core-functions",
            title="Linkage, advocacy, referral and monitoring",
            summary=(
                "The work a case manager does on a member's behalf, and the follow-up that "
                "keeps people connected to the services they chose."
            ),
            lessons=(CM_LINKAGE, CM_ADVOCACY, CM_MONITORING),
        ),
        Module(
            slug="crisis-and-transitions",
            title="Crisis diversion and transitions",
            summary=(
                "Helping a person through an unanticipated crisis before it overwhelms them, "
                "and supporting the move from an institution back to the community."
            ),
            lessons=(CM_CRISIS, CM_TRANSITIONS),
        ),
        Module(
            slug="documentation",
            title="Documentation",
            summary="The service plan, and the 11 elements every progress note must contain.",
            lessons=(CM_SERVICE_PLAN, CM_PROGRESS_NOTES),
        ),
        Module(
            slug="billing-t1017",
            title="Billing T1017",
            summary=(
                "Units, daily and monthly limits, modifiers, and the activities and settings "
                "that are not reimbursable."
            ),
            lessons=(CM_UNITS, CM_NOT_REIMBURSABLE),
        ),
    ),
)


# =============================================================================================
# Rehab (classroom Days 3 and 4)
# =============================================================================================

RH_RECOVERY = Lesson(
    slug="what-recovery-means",
    title="What recovery means",
    summary=(
        "Recovery as a personal process led by the person's own goals, and how case management "
        "and respectful language support it."
    ),
    minutes=20,
    objectives=(
        _obj(
            "RH-REC-1",
            "The learner can describe recovery as a personal process directed by the person's "
            "own goals, and case management's role in promoting it.",
        ),
        _obj(
            "RH-REC-2",
            "The learner can use person-first, respectful language that conveys hope and choice.",
        ),
    ),
    body=[
        _heading("Recovery is the goal of the service"),
        _text(
            _p(
                "The SoonerCare manual says behavioral health case management is designed to "
                "promote recovery and to maintain community tenure. ODMHSAS describes the "
                "certified case manager's work the same way: working with the consumer and "
                "their identified supports, under a treatment plan developed with and approved "
                "by the person and qualified staff, to reach the consumer's goals and remain "
                "successful in their recovery."
            )
        ),
        _heading("What recovery looks like"),
        _text(
            _p(
                "Recovery does not always mean that symptoms are gone. For many people it "
                "means a satisfying, hopeful life in the community, with or without ongoing "
                "symptoms: a home, relationships, work or study, and a sense of purpose. It is "
                "personal, and it is rarely a straight line; setbacks are part of it and do not "
                "mean failure."
            ),
            _ul(
                "<b>Hope:</b> the belief that things can get better, sometimes held first by "
                "someone else.",
                "<b>Choice:</b> the person directs their own goals and services.",
                "<b>Strengths:</b> recovery builds on what the person already has.",
                "<b>Connection:</b> family, friends, peers and community matter as much as "
                "services.",
            ),
        ),
        _slide(
            "Recovery-oriented case management",
            [
                "The person's goals lead",
                (1, "Plans developed with and approved by the person"),
                "Build on strengths",
                (1, "Interests, abilities, knowledge and capacities"),
                "Aim for a life in the community",
                (1, "Community tenure and self-sufficiency"),
                "Expect ups and downs",
                (1, "A setback is information, not failure"),
            ],
            "Recovery orientation is not a separate program; it is how every contact is "
            "carried out. Ask whose goal this is, what strength it builds on, and how it moves "
            "the person toward the life they want in the community.",
        ),
        _heading("Language that supports recovery"),
        _text(
            _p("Words shape expectations. Use person-first language and the person's own words:"),
            _ul(
                "“a person living with bipolar disorder”, not “a bipolar”;",
                "“a person who uses substances” or “a person in recovery”, not “an addict”;",
                "“has concerns about the medication”, not “non-compliant”;",
                "“the person's goal”, not “our goal for them”.",
            ),
        ),
        _callout(
            "key",
            _p(
                "Ask “What do you want your life to look like?” before “What is wrong?”. The "
                "answer is where the plan starts."
            ),
        ),
        _check(
            _q(
                "According to the SoonerCare manual, behavioral health case management is "
                "designed to:",
                _right(
                    "Promote recovery and maintain community tenure",
                    "Right. These are the aims the manual names.",
                ),
                _wrong(
                    "Replace treatment with case management",
                    "No. Case management links people to treatment; it does not replace it.",
                ),
                _wrong(
                    "Keep people in institutions where they are safe",
                    "No. The aim is community tenure: living in the community.",
                ),
            ),
            _q(
                "Which phrase uses person-first, recovery-oriented language?",
                _wrong(
                    "“The schizophrenic in room 3”",
                    "No. This defines the person by a diagnosis.",
                ),
                _right(
                    "“A person living with schizophrenia”",
                    "Right. The person comes first, not the diagnosis.",
                ),
                _wrong(
                    "“A non-compliant client”",
                    "No. This blames the person and hides their reasons; describe what happened "
                    "and their concerns instead.",
                ),
            ),
            _q(
                "A member who had been doing well misses two weeks of work after a hard month. "
                "A recovery-oriented response is to:",
                _right(
                    "Treat it as a setback, review what helped before and adjust the plan together",
                    "Right. Setbacks are part of recovery, and the person stays in charge of "
                    "the plan.",
                ),
                _wrong(
                    "Close the case because the plan failed",
                    "No. Recovery is rarely a straight line; a setback is not a failure.",
                ),
                _wrong(
                    "Set new goals for the member without asking",
                    "No. The person directs their own goals.",
                ),
            ),
        ),
    ],
)

RH_COMMUNITY = Lesson(
    slug="community-tenure",
    title="Community tenure and self-sufficiency",
    summary=(
        "Living in the community of one's choice, with the natural and community supports "
        "that make an ordinary, interdependent life possible."
    ),
    minutes=20,
    objectives=(
        _obj(
            "RH-COM-1",
            "The learner can explain community tenure and self-sufficiency as aims of case "
            "management.",
        ),
        _obj(
            "RH-COM-2",
            "The learner can identify natural and community supports that help a person live in "
            "a normally interdependent way.",
        ),
    ),
    body=[
        _heading("Two aims"),
        _text(
            _p(
                "ODMHSAS describes case management as a continuum of care that supports the "
                "consumer in <b>self-sufficiency</b> and <b>community tenure</b>. Community "
                "tenure means that a person lives, and keeps living, in the community of their "
                "choice rather than in a hospital or other institution. Self-sufficiency means "
                "that the person manages more of their own life, with the supports they choose."
            )
        ),
        _heading("Interdependent, not alone"),
        _text(
            _p(
                "The Strengths-Based model aims for people to live in a normally interdependent "
                "way in the community. Everyone depends on others: family, friends, neighbors, "
                "co-workers, faith communities and local services. Self-sufficiency does not "
                "mean doing everything alone; it means having the skills, resources and "
                "relationships to manage life, and to ask for help when it is needed."
            )
        ),
        _heading("Supports to look for"),
        _text(
            _ul(
                "<b>Natural supports:</b> family, friends, neighbors, faith and cultural "
                "communities, peers in recovery.",
                "<b>Community resources:</b> health, educational, vocational and recreational "
                "services; help with housing, food and transportation.",
                "<b>Formal services:</b> physicians and medication services, counseling, and "
                "the rehabilitation and support services named in the plan.",
            ),
            _p(
                "Formal services matter, but a person whose life is only services is not yet "
                "fully part of the community. Look for ties that will last after case "
                "management ends."
            ),
        ),
        _callout(
            "example",
            _p(
                "After a hospital stay, Mr. D wants to keep his apartment. Together you link him "
                "with a prescriber close to home, he rejoins a weekly fishing group at the "
                "community center, and his sister agrees to be his first call when things get "
                "hard. Each link makes it easier for him to stay at home."
            ),
        ),
        _heading("Signs of growing independence"),
        _text(
            _p(
                "Over time, the person may make their own appointments, solve problems that "
                "once led to a crisis, and rely more on natural supports than on the case "
                "manager. Notice and celebrate these changes, and plan the next step with the "
                "person, including, when they are ready, ending case management."
            )
        ),
        _check(
            _q(
                "What does community tenure mean?",
                _right(
                    "Living, and continuing to live, in the community of one's choice rather "
                    "than in an institution",
                    "Right. That is what maintaining community tenure aims for.",
                ),
                _wrong(
                    "How long a case manager has worked at an agency",
                    "No. The term is about the person served, not the worker.",
                ),
                _wrong(
                    "Owning a home in the community",
                    "No. Community tenure is about living in the community, whether the person "
                    "owns, rents or lives with others.",
                ),
            ),
            _q(
                "Which of these is a natural support?",
                _right(
                    "A sister the member calls when things get hard",
                    "Right. Natural supports are people and places in everyday life.",
                ),
                _wrong(
                    "The member's psychiatrist",
                    "No. A psychiatrist is a formal service.",
                ),
                _wrong(
                    "The case management agency",
                    "No. The agency is a formal service, not a natural support.",
                ),
            ),
            _q(
                "The Strengths-Based model aims for people to live in the community in a way "
                "that is:",
                _wrong(
                    "Completely independent of other people",
                    "No. Nobody lives entirely alone; the model says interdependent.",
                ),
                _right(
                    "Normally interdependent",
                    "Right. The goal is the ordinary give-and-take of community life.",
                ),
                _wrong(
                    "Dependent on the mental health system",
                    "No. The aim is community life, not dependence on services.",
                ),
            ),
        ),
    ],
)

RH_DAILY_LIVING = Lesson(
    slug="daily-living-skills",
    title="Daily-living skills",
    summary=(
        "The everyday skills that support independence, how the person chooses which to build, "
        "and where case management ends and rehabilitation begins."
    ),
    minutes=25,
    objectives=(
        _obj(
            "RH-DLS-1",
            "The learner can describe daily-living skills that support independence and how a "
            "person chooses which to build.",
        ),
        _obj(
            "RH-DLS-2",
            "The learner can explain that rehabilitative services are not T1017 case management "
            "and link people to the rehabilitation services in their plan.",
        ),
    ),
    body=[
        _heading("Managing daily life"),
        _text(
            _p(
                "Behavioral health case managers help people living with mental illness manage "
                "their daily lives and develop the skills and strategies to do so. The aim is "
                "functioning and independence: the person gaining autonomy and a better quality "
                "of life. Daily-living skills include:"
            ),
            _ul(
                "running a home: cooking, cleaning, laundry, small repairs;",
                "looking after health: making and keeping appointments, taking medication as "
                "prescribed, knowing when to call a doctor;",
                "handling money: budgeting, paying bills on time, banking;",
                "getting around: using the bus, planning routes, arranging rides;",
                "community skills: shopping, using the library, joining groups.",
            ),
        ),
        _heading("The person chooses"),
        _text(
            _p(
                "Which skills to build, and in what order, is the person's choice, tied to "
                "their goals. Someone whose goal is to keep their apartment may start with "
                "budgeting and paying rent; someone whose goal is to see their children more "
                "often may start with using the bus. Start from strengths: a person who cooks "
                "well already plans, shops and follows steps."
            )
        ),
        _heading("Case management and rehabilitation"),
        _text(
            _p(
                "Under the SoonerCare T1017 service, psychotherapeutic or rehabilitative "
                "services are not reimbursable as case management, and neither are providing "
                "services such as shopping or paying bills or monitoring financial goals. "
                "Skills training is provided by rehabilitation services. The case manager's "
                "role is to:"
            ),
            _ul(
                "help the person identify the skills they want to build;",
                "link them with the rehabilitation or support services described in the "
                "service plan;",
                "monitor whether the service is helping, and advocate for changes when it is not.",
            ),
        ),
        _callout(
            "caution",
            _p(
                "Doing a task <b>for</b> a person, such as shopping for them or paying their "
                "bills, does not build a skill, and it is not reimbursable case management. "
                "Link the person to services that help them learn to do it themselves."
            ),
        ),
        _check(
            _q(
                "Which approach best supports daily-living skills within case management?",
                _right(
                    "Link the member to the rehabilitation service in their plan and monitor "
                    "their progress",
                    "Right. Linkage and monitoring are the case manager's part.",
                ),
                _wrong(
                    "Do the member's grocery shopping each week",
                    "No. Providing services such as shopping is not reimbursable, and it does "
                    "not build the member's skill.",
                ),
                _wrong(
                    "Pay the member's bills so they do not fall behind",
                    "No. Paying bills for the member is not reimbursable and does not build "
                    "independence.",
                ),
            ),
            _q(
                "Who decides which daily-living skill to work on first?",
                _right(
                    "The member, in line with their own goals",
                    "Right. The person chooses, and the plan follows their goals.",
                ),
                _wrong(
                    "The case manager, based on the member's deficits",
                    "No. Goals are the person's, and the work builds on strengths rather than "
                    "deficits.",
                ),
                _wrong(
                    "Whichever skill is easiest to document",
                    "No. Documentation follows the person's goals, not the other way round.",
                ),
            ),
            _q(
                "Under T1017, rehabilitative services are:",
                _wrong(
                    "Reimbursable as case management when a CM II provides them",
                    "No. They are not reimbursable as case management at any certification level.",
                ),
                _right(
                    "Not reimbursable as case management; the case manager links to them",
                    "Right. The case manager links the person to rehabilitation services and "
                    "monitors them.",
                ),
                _wrong(
                    "Reimbursable as case management only in the member's home",
                    "No. The setting does not change this.",
                ),
            ),
        ),
    ],
)

RH_COPING = Lesson(
    slug="coping-and-crisis-plans",
    title="Coping skills and crisis plans",
    summary=(
        "Helping a person recognize warning signs, use the coping strategies that work for "
        "them, and plan ahead for a crisis."
    ),
    minutes=25,
    objectives=(
        _obj(
            "RH-COP-1",
            "The learner can help a person identify warning signs, coping strategies and "
            "supports, and record them in a coping plan.",
        ),
        _obj(
            "RH-COP-2",
            "The learner can describe a crisis plan developed with the person and how it "
            "supports crisis diversion.",
        ),
    ),
    body=[
        _heading("Why plan ahead"),
        _text(
            _p(
                "Part of a case manager's role is developing crisis plans and helping people "
                "develop ways of coping with challenging situations. A plan made on a calm day, "
                "in the person's own words, is far more useful in a hard moment than decisions "
                "made in a hurry. It also keeps the person in charge of what happens if things "
                "get difficult."
            )
        ),
        _heading("Building coping skills"),
        _text(
            _p(
                "Everyone copes with stress somehow. Start by asking what already works for the "
                "person: a walk, music, prayer, calling a friend, a routine. Then build on it:"
            ),
            _ul(
                "notice early warning signs, such as poor sleep, pulling away from people, "
                "racing thoughts or skipped meals;",
                "name the triggers, such as anniversaries, conflict, money worries or a change "
                "in medication;",
                "list strategies to try, starting with the person's own;",
                "practice them on ordinary days so they are familiar when they are needed.",
            ),
        ),
        _slide(
            "A coping and crisis plan",
            [
                "My warning signs",
                "What helps me",
                (1, "Things I can do on my own"),
                (1, "People I can call"),
                "When I need more help",
                (1, "My case manager and my treatment providers"),
                (1, "A crisis line or emergency services"),
                "What I want others to do, and not do",
            ],
            "Write the plan in the person's words and give them a copy. Review it after any "
            "crisis: what helped, what did not, and what to change.",
        ),
        _heading("What a crisis plan contains"),
        _text(
            _p(
                "A crisis plan is written with the person and, if they wish, with the supports "
                "they identify. It usually records their warning signs, what helps, whom to "
                "contact and in what order, their treatment providers and medications, and "
                "their preferences if they need more help. Share it only with the people the "
                "person agrees to."
            ),
            _p(
                "The plan supports crisis diversion. When an unanticipated situation arises, "
                "the case manager and the person can use it to resolve the immediate problem "
                "before it becomes overwhelming, helping the person avoid progression to a "
                "higher level of care."
            ),
        ),
        _callout(
            "key",
            _p(
                "Stay calm and think clearly. A steady, respectful presence helps a crisis "
                "settle and lets the person use the coping skills they have practiced."
            ),
        ),
        _check(
            _q(
                "When is the best time to write a crisis plan?",
                _right(
                    "On a calm day, with the person, in their own words",
                    "Right. Plans made ahead, together, are the most useful.",
                ),
                _wrong(
                    "During a crisis, so that it reflects what is happening",
                    "No. In a crisis there is little time to think; plans are more useful when "
                    "made ahead.",
                ),
                _wrong(
                    "After a hospital discharge, by the case manager alone",
                    "No. The plan is written with the person, not for them.",
                ),
            ),
            _q(
                "Which item belongs in a coping plan?",
                _right(
                    "The person's early warning signs and what helps them",
                    "Right. These are the core of a coping plan.",
                ),
                _wrong(
                    "The case manager's caseload list",
                    "No. The plan is about the person, and other members' information is "
                    "confidential.",
                ),
                _wrong(
                    "The member's billing history",
                    "No. Billing records are not part of a coping plan.",
                ),
            ),
            _q(
                "How does a crisis plan support crisis diversion?",
                _right(
                    "It guides quick action to resolve the immediate problem before it becomes "
                    "overwhelming",
                    "Right. That is the purpose of crisis diversion.",
                ),
                _wrong(
                    "It replaces contacting emergency services when someone is in danger",
                    "No. If anyone is in immediate danger, contact crisis or emergency services.",
                ),
                _wrong(
                    "It allows the case manager to bill extra units",
                    "No. A plan does not change the daily or monthly unit limits.",
                ),
            ),
        ),
    ],
)

RH_PLANNING = Lesson(
    slug="person-centered-planning",
    title="Person-centered planning",
    summary=(
        "Planning with the person and the supports they identify: turning hopes into goals and "
        "objectives built on strengths, and respecting choice."
    ),
    minutes=25,
    objectives=(
        _obj(
            "RH-PCP-1",
            "The learner can describe planning that is developed with and approved by the "
            "person, together with the supports they identify.",
        ),
        _obj(
            "RH-PCP-2",
            "The learner can write recovery goals and objectives in the person's terms that "
            "build on their strengths.",
        ),
    ),
    body=[
        _heading("Planning with, not for"),
        _text(
            _p(
                "A certified case manager works with the consumer and their identified "
                "supports, under a treatment plan developed with and approved by the person and "
                "qualified staff. The person is at the center of planning: their goals, their "
                "preferences and their choice of who else takes part. Supports can include "
                "family members, law enforcement personnel, community agencies and other "
                "supports as defined by the consumer."
            )
        ),
        _heading("From hopes to objectives"),
        _text(
            _p(
                "The case management service plan must include general goals and objectives "
                "pertinent to the person's overall recovery needs. A useful way to build one:"
            ),
            _ol(
                "Ask what the person wants, in their own words (“I want my own place”).",
                "Explore strengths and resources that can help (“I kept a job for three "
                "years”; “my cousin can help me move”).",
                "Agree on objectives: concrete steps that show progress (“apply to two housing "
                "programs by the end of the month”).",
                "Agree who does what: the person, their supports and the case manager.",
                "Agree when to review.",
            ),
        ),
        _heading("Signing and reviewing"),
        _text(
            _p(
                "The service plan is reviewed and signed by the member, the case manager and a "
                "licensed behavioral health professional. Review it with the person when new "
                "needs, goals or objectives come up (progress notes record them), and as often "
                "as your agency requires."
            )
        ),
        _callout(
            "example",
            _p(
                "Goal, in her words: “I want to get back to church on Sundays.” Strengths: she "
                "knows the pastor and loves the choir. Objective: with her sister, plan the bus "
                "route and attend one service this month. Case manager's part: link her to "
                "transportation resources and check in after the first Sunday."
            ),
        ),
        _heading("Respecting choice"),
        _text(
            _p(
                "People have the right to make choices others might not make, and the right to "
                "refuse case management without losing other services. When a person's choice "
                "worries you, say so honestly, talk through the risks together, and respect the "
                "decision unless there is an immediate danger that your agency's procedures "
                "require you to act on."
            )
        ),
        _check(
            _q(
                "Who approves the treatment plan that an ODMHSAS-certified case manager works "
                "under?",
                _right(
                    "The person receiving services and qualified staff",
                    "Right. The plan is developed with and approved by the person and qualified "
                    "staff.",
                ),
                _wrong(
                    "The case manager alone",
                    "No. The person must take part in and approve their own plan.",
                ),
                _wrong(
                    "The person's family, without the person",
                    "No. Family may be involved if the person wishes, but the person approves "
                    "their own plan.",
                ),
            ),
            _q(
                "Which objective is best written?",
                _wrong("“Improve housing situation.”", "No. This is too vague to show progress."),
                _right(
                    "“Apply to two housing programs by the end of the month, with the case "
                    "manager's help finding them.”",
                    "Right. It is concrete, time-bound and says who helps.",
                ),
                _wrong(
                    "“Member will comply with housing rules.”",
                    "No. This is deficit-focused and not in the person's terms.",
                ),
            ),
            _q(
                "Who can be part of a person's identified supports?",
                _right(
                    "Family members, law enforcement, community agencies and others the person "
                    "chooses",
                    "Right. ODMHSAS names all of these, as defined by the consumer.",
                ),
                _wrong(
                    "Only licensed professionals",
                    "No. ODMHSAS describes a wide range of supports, defined by the consumer.",
                ),
                _wrong(
                    "Only people the case manager selects",
                    "No. The consumer defines their supports.",
                ),
            ),
        ),
    ],
)

RH_COORDINATION = Lesson(
    slug="coordinating-with-treatment",
    title="Coordinating with treatment",
    summary=(
        "Working with physicians, counselors and other providers so that care is continuous, "
        "and knowing which coordination contacts are reimbursable."
    ),
    minutes=20,
    objectives=(
        _obj(
            "RH-CRD-1",
            "The learner can describe how a case manager coordinates with treatment providers "
            "to support continuity of care.",
        ),
        _obj(
            "RH-CRD-2",
            "The learner can identify reimbursable coordination contacts with treatment or "
            "service providers.",
        ),
    ),
    body=[
        _heading("Part of the team"),
        _text(
            _p(
                "Behavioral health case managers work closely with physicians, counselors and "
                "other behavioral health professionals to coordinate and support a person's "
                "overall care. They help choose the resources that meet the person's needs, "
                "make referrals, and coordinate and monitor the person's use of services so "
                "that the person stays engaged with the clinical and community services they "
                "have chosen."
            ),
            _p(
                "The manual names the services a case manager links people to, as the service "
                "plan describes: physicians and medication services, counseling services, and "
                "rehabilitation or support services. Once the person is linked, coordination "
                "keeps these services working toward the same goals. The case manager is often "
                "the one person who sees the whole picture, so share what you learn, with the "
                "person's consent, and ask providers to do the same."
            ),
        ),
        _heading("Continuity of care"),
        _text(
            _ul(
                "<b>Communicate regularly</b> with the person, not only at the first assessment "
                "but throughout their services.",
                "<b>Collaborate</b> with the programs and providers involved, so that their "
                "efforts support each other and the person is not asked the same questions "
                "again and again.",
                "<b>Use shared plans</b> built around the person's goals, where they exist.",
                "<b>Evaluate</b> whether services are working, and adjust with the person when "
                "they are not.",
                "<b>Stay organized:</b> track appointments, referrals and follow-ups so that "
                "nothing is missed.",
            )
        ),
        _heading("Reimbursable coordination"),
        _text(
            _p(
                "Face-to-face meetings with treatment or service providers, and non "
                "face-to-face communication with them, are reimbursable when they are needed to "
                "carry out the activities in the individual plan of care. Record each contact "
                "in a progress note that shows the plan need addressed, the activity and the "
                "result."
            ),
            _p(
                "Know the boundary: psychotherapeutic services and psychiatric assessment are "
                "not part of reimbursable case management. When the person needs them, link the "
                "person to qualified providers and follow up."
            ),
        ),
        _callout(
            "caution",
            _p(
                "Coordination depends on consent. Share information with providers only as the "
                "person has agreed, and tell the person what was shared."
            ),
        ),
        _check(
            _q(
                "Which contact with a treatment provider is reimbursable case management?",
                _right(
                    "A phone call with the member's counselor needed to carry out the plan of care",
                    "Right. Non face-to-face communication with providers needed for the plan "
                    "is reimbursable.",
                ),
                _wrong(
                    "A social lunch with a colleague at the clinic",
                    "No. It is not tied to any activity in the member's plan of care.",
                ),
                _wrong(
                    "Carrying out a psychiatric assessment yourself",
                    "No. Psychiatric assessment is not reimbursable case management.",
                ),
            ),
            _q(
                "Before sharing a member's information with a new provider, you should:",
                _right(
                    "Have the member's consent and tell them what will be shared",
                    "Right. Coordination depends on consent.",
                ),
                _wrong(
                    "Share everything so that the provider has the full picture",
                    "No. Share only what the person has agreed to share.",
                ),
                _wrong(
                    "Wait until the provider complains about missing information",
                    "No. Talk about sharing with the person early so coordination is not delayed.",
                ),
            ),
            _q(
                "What helps continuity of care most?",
                _right(
                    "Regular communication with the person and providers, and tracking "
                    "referrals and follow-ups",
                    "Right. Continuity depends on steady communication and organization.",
                ),
                _wrong(
                    "Contact only at the first assessment",
                    "No. Communication matters throughout services, not only at the start.",
                ),
                _wrong(
                    "Leaving each provider to work alone",
                    "No. Collaboration between programs is key to comprehensive care.",
                ),
            ),
        ),
    ],
)

REHAB = Course(
    slug="rehab",
    title="Rehab",
    summary=(
        "Recovery and psychiatric rehabilitation for case managers: a recovery orientation, "
        "community tenure and self-sufficiency, daily-living and coping skills, crisis and "
        "coping plans, planning with the person and the supports they identify, and "
        "coordination with treatment. Prepares you for classroom Days 3 and 4."
    ),
    tracks=("cm1_upgrade", "cm2"),
    classroom_days=(3, 4),
    pass_mark=80,
    modules=(
        Module(
            slug="recovery-orientation",
            title="Recovery orientation",
            summary=(
                "What recovery means for the people we serve, and how case management supports "
                "a life in the community."
            ),
            lessons=(RH_RECOVERY, RH_COMMUNITY),
        ),
        Module(
            slug="daily-living-and-coping",
            title="Daily-living and coping skills",
            summary=(
                "Supporting people as they build the skills to manage daily life and cope with "
                "hard times, and planning ahead for crises."
            ),
            lessons=(RH_DAILY_LIVING, RH_COPING),
        ),
        Module(
            slug="planning-and-coordination",
            title="Planning and coordination",
            summary=(
                "Person-centered planning with the person and their supports, and coordinating "
                "case management with treatment."
            ),
            lessons=(RH_PLANNING, RH_COORDINATION),
        ),
    ),
)

CURRICULUM: tuple[Course, ...] = (CASE_MANAGEMENT, REHAB)

INDEX_TITLE = "Web-based training"
INDEX_SLUG = "training"
INDEX_INTRO = (
    "<p>The web-based training for ODMHSAS Behavioral Health Case Manager certification. "
    "Complete the courses your track requires; classroom registration opens once your "
    "web-based training is complete and approved.</p>"
)


# =============================================================================================
# Loading
# =============================================================================================


@transaction.atomic
def seed_curriculum(home_page: Page) -> TrainingIndexPage:
    """Create or update the training index, courses, modules, lessons and objectives.

    Idempotent: pages are looked up by slug under their parent and objectives by code; a page
    gets a new published revision only when its content differs from `CURRICULUM` or it is not
    live. Raises `django.core.exceptions.ValidationError` if a lesson body is not valid for
    `LessonStreamBlock`.
    """
    index = _converge(
        home_page,
        TrainingIndexPage,
        INDEX_SLUG,
        {"title": INDEX_TITLE, "intro": INDEX_INTRO},
    )
    for course in CURRICULUM:
        course_page = _converge(
            index,
            CoursePage,
            course.slug,
            {
                "title": course.title,
                "summary": course.summary,
                "tracks": list(course.tracks),
                "classroom_days": list(course.classroom_days),
                "pass_mark": course.pass_mark,
            },
        )
        for module in course.modules:
            module_page = _converge(
                course_page,
                ModulePage,
                module.slug,
                {"title": module.title, "summary": module.summary},
            )
            for lesson in module.lessons:
                objectives = [
                    LearningObjective.objects.update_or_create(
                        code=o.code, defaults={"text": o.text}
                    )[0]
                    for o in lesson.objectives
                ]
                _converge(
                    module_page,
                    LessonPage,
                    lesson.slug,
                    {
                        "title": lesson.title,
                        "summary": lesson.summary,
                        "estimated_minutes": lesson.minutes,
                        "body": _lesson_body(lesson.body),
                    },
                    objectives=objectives,
                )
    return index


def _lesson_body(raw: list[Block]) -> StreamValue:
    """The raw blocks validated and normalised (ListBlock items in {"type": "item"} form)."""
    stream_block = LessonPage._meta.get_field("body").stream_block
    return stream_block.clean(stream_block.to_python(raw))


def _canonical(value: StreamValue) -> list[Block]:
    """A StreamValue as JSON-ish data without block ids, for comparing content."""
    return _without_ids(
        [
            {"type": child.block_type, "value": child.block.get_prep_value(child.value)}
            for child in value
        ]
    )


def _without_ids(data: Any) -> Any:
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    if isinstance(data, dict):
        return {k: _without_ids(v) for k, v in data.items() if not (k == "id" and "type" in data)}
    return data


def _differs(page: Page, name: str, wanted: Any) -> bool:
    current = getattr(page, name)
    if isinstance(wanted, StreamValue):
        return _canonical(current) != _canonical(wanted)
    return current != wanted


def _converge(
    parent: Page,
    model: type[PageT],
    slug: str,
    fields: dict[str, Any],
    *,
    objectives: list[LearningObjective] | None = None,
) -> PageT:
    """The `model` page with `slug` under `parent`, created or updated to `fields` and live."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is None:
        page = model(slug=slug, live=False, **fields)
        if objectives is not None:
            page.objectives.set(objectives)
        parent.add_child(instance=page)
    else:
        page = existing.specific
        if not isinstance(page, model):
            raise ValueError(
                f"{parent.url_path}{slug}/ is a {type(page).__name__}, not a {model.__name__}."
            )
        wanted_objectives = {o.pk for o in objectives or []}
        changed = (
            not page.live
            or any(_differs(page, name, value) for name, value in fields.items())
            or (
                objectives is not None
                and set(page.objectives.values_list("pk", flat=True)) != wanted_objectives
            )
        )
        if not changed:
            return page
        for name, value in fields.items():
            setattr(page, name, value)
        if objectives is not None:
            page.objectives.set(objectives)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)
