"""Roles are groups with permissions. This module is the one place that says what each role may
see and do; the groups themselves are created (and kept in step) by migrations calling
`sync_role_groups`.
"""

from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "Applicant"
    CERTIFICATION_STAFF = "Certification staff"
    TRAINER = "Trainer"
    CONTENT_EDITOR = "Content editor"
    AGENCY = "Agency"


class Capability(StrEnum):
    """What a person may see, in the words of spec section 1."""

    OWN_RECORDS = "own_records"  # their own applications, payments, attempts, certificates
    ALL_APPLICANT_RECORDS = "all_applicant_records"  # every applicant's records
    OWN_ROSTERS = "own_rosters"  # rosters of the sessions they teach
    CURRICULA = "curricula"  # lessons, exam items, the degree list (no applicant data)
    AGENCY_STAFF = "agency_staff"  # certification status of the agency's own staff
    AUDIT_LOG = "audit_log"
    POLICY = "policy"  # the amounts, rates and periods of the rules
    ADMIN = "admin"  # the Wagtail admin at /admin/


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.APPLICANT: frozenset({Capability.OWN_RECORDS}),
    Role.CERTIFICATION_STAFF: frozenset(
        {
            Capability.ALL_APPLICANT_RECORDS,
            Capability.AUDIT_LOG,
            Capability.POLICY,
            Capability.ADMIN,
        }
    ),
    Role.TRAINER: frozenset({Capability.OWN_ROSTERS}),
    Role.CONTENT_EDITOR: frozenset({Capability.CURRICULA, Capability.ADMIN}),
    Role.AGENCY: frozenset({Capability.AGENCY_STAFF}),
}

# Django permissions ("app_label.codename") each role's group holds. Later capabilities add theirs
# here and ship a migration that calls `sync_role_groups` again.
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.APPLICANT: (),
    Role.CERTIFICATION_STAFF: (
        "wagtailadmin.access_admin",
        "lms.view_auditevent",
        "lms.view_outboxmessage",
        "lms.retry_outboxmessage",
        "enrollment.change_certificationpolicy",
        "enrollment.view_application",
        "enrollment.decide_application",
        "enrollment.view_applicationupload",
        "enrollment.add_qualifyingagency",
        "enrollment.change_qualifyingagency",
        "enrollment.view_qualifyingagency",
        "enrollment.view_approveddegree",
        "courses.view_lessonprogress",
        "courses.view_coursecompletion",
        "enrollment.add_classroomsession",
        "enrollment.change_classroomsession",
        "enrollment.view_classroomsession",
        "enrollment.view_registration",
        "enrollment.view_waitlistentry",
        "payments.view_payment",
        "exams.add_examdefinition",
        "exams.change_examdefinition",
        "exams.view_examdefinition",
        "exams.add_examgrant",
        "exams.view_examgrant",
        "exams.view_accommodationrequest",
        "exams.decide_accommodation",
        "exams.view_examattempt",
        "exams.view_statistics",
        "certification.view_verificationrequest",
        "certification.change_verificationrequest",
        "certification.view_agencymembership",
        "certification.add_agencymembership",
        "certification.change_agencymembership",
        "certification.delete_agencymembership",
        "certification.view_ceucategory",
        "certification.add_ceucategory",
        "certification.change_ceucategory",
        "certification.delete_ceucategory",
        "certification.view_ceucap",
        "certification.add_ceucap",
        "certification.change_ceucap",
        "certification.delete_ceucap",
        "certification.view_ceuconversion",
        "certification.add_ceuconversion",
        "certification.change_ceuconversion",
        "certification.delete_ceuconversion",
        "certification.view_auditseed",
        "certification.add_auditseed",
        "certification.change_auditseed",
        "certification.delete_auditseed",
        "certification.change_ceuwindow",
    ),
    Role.TRAINER: (),
    Role.CONTENT_EDITOR: (
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "enrollment.add_approveddegree",
        "enrollment.change_approveddegree",
        "enrollment.delete_approveddegree",
        "enrollment.view_approveddegree",
        "courses.add_learningobjective",
        "courses.change_learningobjective",
        "courses.delete_learningobjective",
        "courses.view_learningobjective",
        "exams.add_examitem",
        "exams.change_examitem",
        "exams.delete_examitem",
        "exams.view_examitem",
        "exams.import_items",
        "exams.view_statistics",
        "exams.add_examtopic",
        "exams.change_examtopic",
        "exams.delete_examtopic",
        "exams.view_examtopic",
    ),
    Role.AGENCY: (),
}

# Page-tree permissions (on the root page) for the roles that edit content.
ROLE_PAGE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.CONTENT_EDITOR: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}

# Image and document permissions (on the root collection: everything under it) for the roles that
# upload and choose media. Wagtail asks for these per collection; the group permissions above are
# not enough for the image and document choosers.
ROLE_COLLECTION_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.CONTENT_EDITOR: (
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
    ),
}

STAFF_ROLES = frozenset({Role.CERTIFICATION_STAFF, Role.TRAINER, Role.CONTENT_EDITOR})


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds (their groups that are roles). Anonymous users hold none."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_lms_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._lms_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)


def can(user, capability: Capability) -> bool:
    """Whether `user` may see or do `capability`. Superusers may do everything."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(capability in ROLE_CAPABILITIES[role] for role in roles_of(user))


def is_staff_role(user) -> bool:
    """Staff roles must use multi-factor authentication where the setting requires it."""
    return user.is_authenticated and (user.is_superuser or bool(roles_of(user) & STAFF_ROLES))


# Roles that must pass a second factor in every session, where LMS_REQUIRE_STAFF_MFA is on: they
# see other people's records (agencies their staff's certification status).
MFA_ROLES = STAFF_ROLES | {Role.AGENCY}


def requires_mfa(user) -> bool:
    """Superusers and the MFA roles must sign in with a second factor where the setting says so."""
    return user.is_authenticated and (user.is_superuser or bool(roles_of(user) & MFA_ROLES))


def sync_role_groups(apps, schema_editor=None) -> None:
    """Create each role's group and give it exactly the permissions listed above.

    Written for migrations (historical models through `apps`). Permissions whose model does not
    exist yet are skipped; the migration that adds the model calls this again.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
    _sync_page_permissions(apps)
    sync_collection_permissions(apps)


def _sync_page_permissions(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    for role, codenames in ROLE_PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        for codename in codenames:
            perm = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if perm is not None:
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)


def sync_collection_permissions(apps, schema_editor=None) -> None:
    """Give each role in ROLE_COLLECTION_PERMISSIONS its image and document permissions on the
    root collection (idempotent; for migrations, through `apps`)."""
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    for role, dotted_names in ROLE_COLLECTION_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=perm
                )
