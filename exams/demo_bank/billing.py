"""Demo items: T1017 units, limits and modifiers; non-reimbursable activities."""

from exams.demo_bank import ma, mc, tf

ITEMS = [
    # --- T1017 units and limits ----------------------------------------------------------
    mc(
        "T1017",
        "T1017-1 Unit length",
        "What is the unit length of T1017 targeted case management?",
        "15 minutes",
        ["10 minutes", "30 minutes", "60 minutes"],
        "T1017 is billed in 15-minute units.",
        "Easy.",
    ),
    mc(
        "T1017",
        "T1017-2 Daily limit",
        "What is the daily limit of T1017 units?",
        "16 units",
        ["8 units", "24 units", "25 units"],
        "Every line of the T1017 table has a daily limit of 16 units.",
    ),
    mc(
        "T1017",
        "T1017-3 CM I modifier",
        "A certified CM I bills T1017 with which modifier?",
        "HM",
        ["HN", "HE", "TG"],
        "HM marks CM I; HN marks CM II. HE, HF and HV mark the program (mental health, "
        "substance abuse, gambling).",
    ),
    mc(
        "T1017",
        "T1017-4 CM II modifier",
        "A certified CM II (bachelor's or master's level) bills T1017 with which modifier?",
        "HN",
        ["HM", "HV", "TF"],
        "HN marks CM II; HM marks CM I.",
    ),
    ma(
        "T1017",
        "T1017-5 Monthly limits",
        "Which monthly unit limits appear in the T1017 table? (Choose all that apply.)",
        ["25 units", "56 units"],
        ["16 units", "40 units"],
        "Monthly limits are 25 or 56 units depending on the program and contract; 16 is the "
        "daily limit.",
        "Medium: daily and monthly limits are easy to mix up.",
    ),
    mc(
        "T1017",
        "T1017-6 Counting units",
        "A case manager spends 45 minutes face to face with a member on a covered activity. How "
        "many T1017 units is that?",
        "3",
        ["1", "2", "4"],
        "45 minutes ÷ 15 minutes per unit = 3 units.",
    ),
    tf(
        "T1017",
        "T1017-7 Sixteen units",
        "The 16-unit daily limit equals four hours of service.",
        True,
        "16 × 15 minutes = 240 minutes = 4 hours.",
    ),
    mc(
        "T1017",
        "T1017-8 The HF modifier",
        "On T1017, the modifier HF indicates…",
        "Substance abuse",
        ["Mental health", "Gambling", "A CM II"],
        "HE is mental health, HF substance abuse, HV gambling; HN and HM are the CM levels.",
    ),
    # --- Non-reimbursable activities -----------------------------------------------------
    ma(
        "NRA",
        "NRA-1 Not billable",
        "Which of these are NOT reimbursable as case management? (Choose all that apply.)",
        [
            "Physically transporting a member to an appointment",
            "Delivering bus tickets or food stamps",
            "Shopping or paying bills for the member",
        ],
        ["Crisis diversion by telephone", "Monitoring the plan of care with the member"],
        "Escorting or transporting, delivering tickets, food stamps or money, and shopping or "
        "paying bills are listed limitations; crisis diversion and monitoring are covered.",
    ),
    tf(
        "NRA",
        "NRA-2 Windshield time",
        'Case managers may bill separately for "windshield time" spent driving to a member.',
        False,
        "Travel is built into the rate; billing it again would be duplicative. Bill only the "
        "actual face-to-face time.",
    ),
    mc(
        "NRA",
        "NRA-3 Forms for the member",
        "Filling out forms or applications on a member's behalf is not reimbursable when…",
        "The member is not present",
        [
            "The member is present and taking part",
            "The form is a housing application",
            "It is done in the case manager's office",
        ],
        "Filling out forms, applications, etc. on behalf of the member when the member is not "
        "present is excluded.",
    ),
    mc(
        "NRA",
        "NRA-4 Who may receive it",
        "Which member may receive SoonerCare-compensable case management?",
        "An adult living in their own apartment",
        [
            "A resident of a nursing facility",
            "A resident of an ICF/MR facility",
            "A child living in a group home",
        ],
        "Members residing in nursing facilities, residential behavior management, group or "
        "foster homes or ICF/MRs may not receive compensable case management.",
        "Medium.",
    ),
    tf(
        "NRA",
        "NRA-5 Paperwork time",
        "Non-face-to-face time spent preparing the assessment document and service plan "
        "paperwork is reimbursable.",
        False,
        "That preparation time is listed among the limitations (item X).",
    ),
    mc(
        "NRA",
        "NRA-6 Waiting room",
        "Staying with a member during their doctor's appointment is…",
        "Not reimbursable as case management",
        [
            "Reimbursable if it lasts under one hour",
            "Reimbursable as crisis diversion",
            "Reimbursable with the HF modifier",
        ],
        "Staying with the member during an appointment is excluded, together with escorting and "
        "transporting.",
    ),
    mc(
        "NRA",
        "NRA-7 Why travel is not billed",
        "Why is travel time not billed as a separate T1017 service?",
        "The rate already assumes some travel to face-to-face services",
        [
            "Travel is billed under a different code by the member",
            "Travel counts only in rural counties",
            "Travel is paid by the agency's grant",
        ],
        "When the rate was calculated, travel was built into the average face-to-face time.",
    ),
    ma(
        "NRA",
        "NRA-8 Excluded services",
        "Which of these are excluded from reimbursable case management? (Choose all that apply.)",
        ["Psychotherapeutic or rehabilitative services", "Monitoring financial goals"],
        [
            "Gathering social information for the plan of care",
            "Meeting service providers face to face to carry out the plan",
        ],
        "Therapy, rehabilitation and monitoring financial goals are excluded; gathering "
        "information and meeting providers for the plan are covered.",
    ),
]
