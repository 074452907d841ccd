from django.db import migrations

INTRO = (
    "<p>Train, sit the competency exam and keep your certification as an Oklahoma "
    "Behavioral Health Case Manager, all in one place.</p>"
)


def create_homepage(apps, schema_editor):
    """Replace Wagtail's welcome page with the platform's editable home page, at the same place."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("lms", "HomePage")

    Page.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page", depth=2, slug="home"
    ).delete()
    content_type, _ = ContentType.objects.get_or_create(app_label="lms", model="homepage")
    home = HomePage.objects.create(
        title="Behavioral Health Case Manager Certification",
        draft_title="Behavioral Health Case Manager Certification",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=Locale.objects.order_by("pk").first(),
        intro=INTRO,
        live=True,
    )
    Page.objects.filter(depth=1).update(numchild=1)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        site.root_page_id = home.pk
        site.save()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0002_homepage_auditevent"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
