from django.db import migrations

from lms.roles import sync_collection_permissions


class Migration(migrations.Migration):
    """Content editors upload and choose images and documents (root collection)."""

    dependencies = [
        ("lms", "0005_outbox"),
        ("wagtailcore", "0094_alter_page_locale"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(sync_collection_permissions, migrations.RunPython.noop)]
