"""Demo items: the strengths-based model, documentation, crisis diversion, caseload types."""

from exams.demo_bank import ma, mc, tf

ITEMS = [
    # --- Strengths-based model -----------------------------------------------------------
    mc(
        "SBM",
        "SBM-1 Focus of helping",
        "Under the ODMHSAS Strengths Based model, the helping process concentrates first on…",
        "The person's strengths, interests, abilities, knowledge and capacities",
        [
            "The person's diagnosis and symptom history",
            "The deficits that led to the referral",
            "The programs the agency happens to offer",
        ],
        "The model looks at what the person has and wants (strengths, interests, abilities, "
        "knowledge, capacities), not at diagnosis, weakness or deficits.",
        "Easy: recall of the model's core idea.",
    ),
    tf(
        "SBM",
        "SBM-2 Compensable only under the model",
        "For case management time to be compensable, the service must be delivered using the "
        "ODMHSAS Strengths Based model.",
        True,
        "The service requirement says so explicitly: compensable case management is performed "
        "utilizing the ODMHSAS Strengths Based model.",
    ),
    mc(
        "SBM",
        "SBM-3 The relationship",
        "Which phrase best describes the relationship between a member and the case manager in "
        "the strengths-based model?",
        "A partnership marked by mutuality and collaboration",
        [
            "A supervisory relationship in which the case manager directs the member",
            "A referral-only contact that ends once a service is found",
            "An expert–patient relationship centred on treatment compliance",
        ],
        "The model characterises the relationship by mutuality, collaboration and partnership.",
    ),
    mc(
        "SBM",
        "SBM-4 Where helping happens",
        "Where are strengths-based helping activities designed to take place primarily?",
        "In the community",
        ["In the case manager's office", "On an inpatient unit", "By telephone only"],
        "Helping activities occur primarily in the community; the office is used when it is "
        "more appropriate for that contact.",
    ),
    tf(
        "SBM",
        "SBM-5 Refusing case management",
        "A member who refuses case management may be kept from other services until they accept "
        "it.",
        False,
        "Members have the right to refuse case management and cannot be restricted from other "
        "services because they refuse it.",
    ),
    ma(
        "SBM",
        "SBM-6 Resources to secure",
        "Which kinds of resources does the strengths-based model help a person identify and "
        "secure? (Choose all that apply.)",
        [
            "Environmental resources, such as housing or transportation",
            "Personal resources, such as skills, interests and supports the person already has",
        ],
        ["Only services a psychiatrist has prescribed", "Only resources the agency itself runs"],
        "The model helps people secure the range of resources, environmental and personal, "
        "needed to live in a normally interdependent way in the community.",
        "Medium: both halves are needed.",
    ),
    mc(
        "SBM",
        "SBM-7 Using an interest",
        "A member mentions she loves gardening and used to volunteer at a community garden. In a "
        "strengths-based plan, this is best used to…",
        "Build a goal and community connections around that interest",
        [
            "Record it as unrelated to her mental-health needs",
            "Treat it as a way of avoiding her treatment goals",
            "Refer her to an occupational therapist before discussing it",
        ],
        "Interests and past roles are strengths; plans are built on them and on community "
        "connections rather than on deficits.",
        "Application of the model to a case.",
    ),
    mc(
        "SBM",
        "SBM-8 The aim",
        "The strengths-based model aims to help the person live…",
        "In a normally interdependent way in the community",
        [
            "Completely without any support from others",
            "In the most supervised setting available",
            "Under the case manager's daily direction",
        ],
        "Interdependence, not isolation or supervision, is the stated aim: the person lives in "
        "the community with the resources and relationships anyone relies on.",
    ),
    # --- Documentation -------------------------------------------------------------------
    ma(
        "DOC",
        "DOC-1 Note elements",
        "Which of these must the documentation of every case management session include? "
        "(Choose all that apply.)",
        ["The date", "Start and stop times for each service", "The credentials of the provider"],
        ["The member's Social Security number", "The case manager's mileage for the visit"],
        "Date, start and stop times, and the provider's credentials are among the eleven "
        "required elements; identifiers and mileage are not.",
    ),
    mc(
        "DOC",
        "DOC-2 Faxed signatures",
        "When an item was faxed, the service provider's original signature must be added to the "
        "clinical file within…",
        "30 days",
        ["24 hours", "7 days", "90 days"],
        "Element 4: original signatures for faxed items must be added within 30 days.",
    ),
    tf(
        "DOC",
        "DOC-3 Member response",
        "A progress note must record the member's (or, when applicable, the family's) response to "
        "the service.",
        True,
        "Element 9 of the note is the member (family when applicable) response to the service.",
    ),
    mc(
        "DOC",
        "DOC-4 Satisfaction",
        "Which of these is one of the required elements of a progress note?",
        "Member satisfaction with staff intervention",
        [
            "The case manager's opinion of the member's family",
            "A copy of the member's insurance card",
            "The route driven to the visit",
        ],
        "Element 11 is member satisfaction with staff intervention.",
    ),
    mc(
        "DOC",
        "DOC-5 Notes and the plan",
        "Progress notes must relate to…",
        "The service plan, describing the specific activities performed",
        [
            "The agency's monthly billing targets",
            "The member's diagnosis alone",
            "The case manager's weekly schedule",
        ],
        "Notes must relate to the service plan and describe the specific activities performed.",
    ),
    ma(
        "DOC",
        "DOC-6 Activities named in the note",
        "The note names the specific activities the case manager performed on the member's "
        "behalf. Which kinds of activity are meant? (Choose all that apply.)",
        ["Advocacy", "Linkage", "Referral", "Monitoring"],
        ["Psychotherapy"],
        "Element 7 covers activities related to advocacy, linkage, referral or monitoring; "
        "psychotherapy is not case management.",
        "Medium: four keys.",
    ),
    tf(
        "DOC",
        "DOC-7 New needs",
        "If a new need, goal or objective comes up during a session, the progress note should "
        "record it.",
        True,
        "Element 10: any new service plan needs, goals and/or objectives identified during the "
        "service.",
    ),
    mc(
        "DOC",
        "DOC-8 Plan development",
        "Service plan development is compensable time when…",
        "It involves the member, and the plan is reviewed and signed by the member, the case "
        "manager and a licensed behavioral health professional",
        [
            "The case manager writes it alone after the visit",
            "A supervisor signs it without the member",
            "It is copied forward from last year's plan",
        ],
        "Plan development counts only with the member's participation and the three signatures "
        "(member, case manager, licensed behavioral health professional).",
        "Harder: several conditions at once.",
    ),
    mc(
        "DOC",
        "DOC-9 How many elements",
        "Besides a complete service plan, how many elements must the documentation of each "
        "session include at a minimum?",
        "11",
        ["5", "8", "15"],
        "The requirement lists eleven elements, from the date to member satisfaction.",
    ),
    # --- Crisis diversion and covered services -------------------------------------------
    mc(
        "CRI",
        "CRI-1 Crisis diversion defined",
        "Crisis diversion is best described as…",
        "Supportive help in an unanticipated, unscheduled situation to resolve immediate "
        "problems before they become overwhelming",
        [
            "A scheduled monthly home visit",
            "An admission to an inpatient unit",
            "A psychiatric assessment by the case manager",
        ],
        "Crisis diversion is an unanticipated, unscheduled situation requiring supportive "
        "assistance to resolve immediate problems before they severely impair functioning.",
    ),
    tf(
        "CRI",
        "CRI-2 By telephone",
        "Crisis diversion may be provided by telephone as well as face to face.",
        True,
        "The definition says face-to-face or telephone.",
    ),
    mc(
        "CRI",
        "CRI-3 Purpose",
        "Crisis diversion is meant to keep the member from…",
        "Progressing to a higher level of care",
        [
            "Missing their next appointment",
            "Changing case managers",
            "Needing a service plan review",
        ],
        "It assists members from progression to a higher level of care.",
    ),
    mc(
        "CRI",
        "CRI-4 Outreach after a missed appointment",
        "A member misses an appointment you arranged through a referral. Aggressive outreach "
        "should happen within…",
        "Two business days",
        ["24 hours", "One week", "30 days"],
        "During follow-up, aggressive outreach is provided if appointments are missed, within two "
        "business days of the missed appointment.",
    ),
    mc(
        "CRI",
        "CRI-5 Home visits",
        "Community or home-based case management to assess needs must be scheduled at least…",
        "Once a month",
        ["Once a week", "Once a quarter", "Once a year"],
        "It is scheduled as the plan reflects, but not less than one time per month.",
    ),
    mc(
        "CRI",
        "CRI-6 Long institutional stays",
        "A member is in a covered institutional stay of 180 consecutive days or longer. During "
        "which period may they be considered to be transitioning to the community?",
        "The last 60 consecutive days",
        ["The last 14 days", "The last 30 days", "The whole stay"],
        "Long stays (180 days or more): the last 60 consecutive days; short stays: the last 14 "
        "days before discharge.",
        "Harder: two similar numbers.",
    ),
    mc(
        "CRI",
        "CRI-7 Short institutional stays",
        "For a covered institutional stay shorter than 180 consecutive days, transition case "
        "management may take place during…",
        "The last 14 days before discharge",
        ["The last 60 days", "The first 14 days", "Any 30 days of the stay"],
        "Short stays (under 180 days): the last 14 days before discharge.",
    ),
    ma(
        "CRI",
        "CRI-8 Covered activities",
        "Which of these are reimbursable case management activities? (Choose all that apply.)",
        [
            "Gathering psychological, educational, medical and social information for the plan",
            "Monitoring the plan of care to reassess goals and barriers",
            "Non-face-to-face communication with providers needed to carry out the plan",
        ],
        ["Delivering money to the member", "Driving the member to an appointment"],
        "Gathering information, monitoring and necessary communication with providers are listed "
        "as reimbursable; delivering money and transporting are excluded.",
    ),
    # --- Caseload types ------------------------------------------------------------------
    mc(
        "CLT",
        "CLT-1 Standard caseload",
        "Standard case management caseloads are…",
        "30 to 35 members",
        ["10 to 15 members", "8 to 10 families", "50 to 60 members"],
        "Standard: 30–35; intensive: 10–15; wraparound: 8–10 families.",
    ),
    mc(
        "CLT",
        "CLT-2 Intensive caseload",
        "Intensive case management caseloads are…",
        "10 to 15 members",
        ["30 to 35 members", "8 to 10 families", "20 to 25 members"],
        "Intensive caseloads are smaller, between 10 and 15.",
    ),
    mc(
        "CLT",
        "CLT-3 Wraparound caseload",
        "For a high-fidelity wraparound process, a facilitator typically serves…",
        "8 to 10 families",
        ["30 to 35 families", "10 to 15 families", "2 to 4 families"],
        "A facilitator can facilitate between 8 and 10 families.",
    ),
    tf(
        "CLT",
        "CLT-4 Around the clock",
        "Members in intensive case management typically have access to help 24 hours a day, "
        "7 days a week.",
        True,
        "Intensive case management (and wraparound) offers 24/7 access.",
    ),
    mc(
        "CLT",
        "CLT-5 Who intensive serves",
        "Intensive case management focuses on adults who…",
        "Are chronically or severely mentally ill and are high utilizers of mental health services",
        [
            "Have just received their first diagnosis",
            "Live in nursing facilities",
            "Need help only with paperwork",
        ],
        "It serves chronically or severely mentally ill adults identified as high utilizers who "
        "need extra help to remain in the community.",
    ),
    mc(
        "CLT",
        "CLT-6 Wraparound purpose",
        "Wraparound facilitation is designed to support…",
        "Children and youth with severe emotional disturbance, with their families",
        ["Adults leaving prison", "Older adults in assisted living", "Any member who asks for it"],
        "Wraparound builds on the strengths and culture of the child and family to keep the "
        "child out of long-term residential placement.",
    ),
    mc(
        "CLT",
        "CLT-7 Child population",
        'For case management, a "behavioral health child" is a member…',
        "Younger than 21",
        ["Younger than 18", "Younger than 16", "12 or younger"],
        "Target population: adults are 21 or older; children are younger than 21.",
        "Common error: 18.",
    ),
    mc(
        "CLT",
        "CLT-8 Annual hours",
        "In the staffing table, what are the annual hours per provider for a CM II wraparound "
        "facilitator?",
        "812",
        ["1141", "2080", "1000"],
        "Wraparound and intensive CM IIs: 812 hours; CM II and CM I: 1141 hours.",
        "Harder: detail recall.",
    ),
]
