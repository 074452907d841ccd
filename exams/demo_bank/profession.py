"""Demo items: qualifications and certification; ethics and professional practice."""

from exams.demo_bank import ma, mc, tf

ITEMS = [
    # --- Qualifications and certification ------------------------------------------------
    mc(
        "QUAL",
        "QUAL-1 CM I experience",
        "A CM I needs a high school diploma or GED and either 60 college credit hours or…",
        "36 months of verifiable mental-health work experience",
        [
            "12 months of any work experience",
            "24 months of volunteer work",
            "A bachelor's degree in any field",
        ],
        "CM I: 60 college credit hours, or 36 months of experience with persons who have a "
        "mental illness, documented with ODMHSAS.",
    ),
    ma(
        "QUAL",
        "QUAL-2 Routes to CM II",
        "Which of these can qualify a person as a CM II? (Choose all that apply.)",
        [
            "A bachelor's degree in a behavioral health field",
            "A current Oklahoma RN license with behavioral health experience",
            "Current certification as an alcohol and drug counselor in Oklahoma",
        ],
        ["An associate degree in any field", "A high school diploma with 36 months of experience"],
        "Behavioral-health degree, Oklahoma RN with experience, or certified alcohol and drug "
        "counselor; the diploma-and-experience route is CM I.",
        "Medium.",
    ),
    mc(
        "QUAL",
        "QUAL-3 Intensive case manager",
        "To work as an Intensive Case Manager, a CM II needs a minimum of…",
        "2 years of behavioral health case management experience and the 6-hour ODMHSAS "
        "intensive training",
        [
            "6 months of experience and no extra training",
            "5 years of experience and a master's degree",
            "The 14-hour CM I training only",
        ],
        "Intensive: at least 2 years of BHCM and crisis diversion experience, plus the ODMHSAS "
        "6-hour intensive case management training.",
    ),
    mc(
        "QUAL",
        "QUAL-4 Wraparound training",
        "A wraparound facilitator must complete the DMHSAS wraparound training…",
        "Within six months of employment",
        ["Before applying for CM I", "Within two years of employment", "Only when renewing"],
        "Training within six months of employment; credentialing within nine months of "
        "beginning the process.",
    ),
    tf(
        "QUAL",
        "QUAL-5 Suspended certification",
        "A case manager whose certification is suspended may keep billing T1017 until the "
        "certification is terminated.",
        False,
        "A suspended certification may not bill; only an active certification may.",
    ),
    mc(
        "QUAL",
        "QUAL-6 Renewal deadline",
        "To avoid suspension, a renewal must be complete and approved by…",
        "June 30",
        ["January 1", "December 31", "The anniversary of the first certificate"],
        "Renewals open January 1 and must be complete by June 30; from July 1 the certification "
        "is suspended.",
    ),
    mc(
        "QUAL",
        "QUAL-7 Renewal CEUs",
        "How many CEU hours does a yearly renewal need?",
        "12 hours, including at least 3 in ethics and 3 in strengths-based practice",
        [
            "6 hours of any topic",
            "12 hours of general topics only",
            "20 hours, including 10 in ethics",
        ],
        "12 hours: 3 ethics, 3 strengths-based and 6 general, dated July 1 to June 30.",
    ),
    mc(
        "QUAL",
        "QUAL-8 Counselor route training",
        "A certified alcohol and drug counselor who qualifies as CM II must also complete…",
        "7 hours of ODMHSAS-specified case management training",
        ["14 hours of ODMHSAS training", "A master's degree", "Nothing more"],
        "The counselor route requires 7 hours of specified CM training (CM I requires 14).",
        "Harder: 7 versus 14.",
    ),
    # --- Ethics and professional practice ------------------------------------------------
    mc(
        "ETH",
        "ETH-1 Social media request",
        "A member on your caseload sends you a friend request on social media. The best "
        "response is to…",
        "Decline politely and explain the professional boundary",
        [
            "Accept it to build rapport",
            "Accept it but never post anything",
            "Ignore it and say nothing",
        ],
        "Clear boundaries protect the member and the relationship; explaining them respects "
        "the member.",
    ),
    tf(
        "ETH",
        "ETH-2 Informed consent",
        "Informed consent means the member decides with an understanding of the options and "
        "their consequences.",
        True,
        "Respecting autonomy means decisions are made with full informed consent.",
    ),
    mc(
        "ETH",
        "ETH-3 Sharing information",
        "Before you share a member's information with another provider, you should normally…",
        "Have the member's written consent, unless the law allows disclosure without it",
        [
            "Share whatever the provider asks for",
            "Ask your supervisor only",
            "Share it if the provider is in the same city",
        ],
        "Protecting confidentiality is a core duty; disclosure needs consent or a legal basis.",
    ),
    mc(
        "ETH",
        "ETH-4 Multiple relationships",
        "Which of these is a multiple (dual) relationship a case manager should avoid?",
        "Renting a room in your house to a member on your caseload",
        [
            "Referring a member to a food pantry",
            "Meeting a member at a library",
            "Calling a member's landlord with the member's consent",
        ],
        "Becoming the member's landlord adds a second, conflicting role to the professional one.",
    ),
    ma(
        "ETH",
        "ETH-5 Avoiding pitfalls",
        "Which practices help a case manager avoid common ethical pitfalls? (Choose all that "
        "apply.)",
        [
            "Protecting confidentiality",
            "Respecting the member's autonomy",
            "Being clear about who the client is and what your role is",
        ],
        [
            "Making decisions for the member to save time",
            "Accepting personal gifts to strengthen rapport",
        ],
        "Confidentiality, autonomy with informed consent, and a clear role avoid most pitfalls.",
    ),
    mc(
        "ETH",
        "ETH-6 A choice you doubt",
        "A member chooses a goal you think is unwise but that is legal and safe. You should…",
        "Respect the choice and help the member plan for it",
        [
            "Refuse to include it in the plan",
            "Ask the family to overrule the member",
            "Close the case",
        ],
        "Strengths-based, person-centred practice follows the member's own goals.",
    ),
    tf(
        "ETH",
        "ETH-7 Assertive advocacy",
        "Advocacy sometimes requires assertive efforts to make a system or provider meet a "
        "member's needs.",
        True,
        "Advocacy ranges from interpreting needs to providers to assertive, even adversarial, "
        "efforts for adaptations and accommodations.",
    ),
    mc(
        "ETH",
        "ETH-8 Burnout",
        "You notice you dread work and feel exhausted every day. The first step against burnout "
        "is to…",
        "Recognise it by honestly assessing your feelings, behaviour and health",
        [
            "Wait for it to pass on its own",
            "Take on more cases to stay busy",
            "Stop documenting until you feel better",
        ],
        "Burnout is addressed by first identifying it, then acting: support, balance, health, "
        "peers.",
    ),
]
