"""Content editors upload and choose images and documents (collection permissions given by a
migration); without them Wagtail's upload screens and choosers refused editors."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_editors_upload_and_choose_images(client, editor):
    client.force_login(editor)
    assert client.get("/admin/images/multiple/add/").status_code == 200
    response = client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("chart.png", _png(), content_type="image/png")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200, response.content[:500]
    assert response.json()["success"], response.json()
    image = Image.objects.get()
    assert image.uploaded_by_user == editor
    chooser = client.get("/admin/images/chooser/")
    assert chooser.status_code == 200 and "chart" in chooser.content.decode()


def test_editors_upload_and_choose_documents(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/documents/multiple/add/",
        {
            "files[]": SimpleUploadedFile(
                "handout.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
            )
        },
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200, response.content[:500]
    assert response.json()["success"], response.json()
    assert Document.objects.get().uploaded_by_user == editor
    chooser = client.get("/admin/documents/chooser/")
    assert chooser.status_code == 200 and "handout" in chooser.content.decode()


def test_other_roles_still_cannot_upload(client, cert_staff):
    client.force_login(cert_staff)
    assert client.get("/admin/images/multiple/add/").status_code in (302, 403)
