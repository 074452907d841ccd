"""PowerPoint decks as other people make them (issue 17), built with python-pptx in the test:
title placeholders whose idx is not 0, tables, SmartArt, hidden slides, alt text, long
paragraphs, WMF pictures, sound clips, a picture in the title placeholder, files that are not
decks, the import report, and the export round trip."""

import copy
import io
import struct

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.util import Inches
from wagtail.images import get_image_model

from courses.models import LessonPage
from courses.pptx_export import lesson_export_pptx
from courses.pptx_import.lesson import lesson_import_pptx
from courses.pptx_import.package import OLD_OR_ENCRYPTED_MESSAGE
from courses.pptx_import.slides import BULLET_MAX_LENGTH, deck_read
from courses.pptx_report import DeckReport
from tests.factories.courses import course, docx_like_bytes, module, png_bytes

pytestmark = pytest.mark.django_db

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
IMPORT_URL = "/admin/training/import/"


@pytest.fixture
def cm_module():
    return module(course())


def _save(presentation) -> io.BytesIO:
    output = io.BytesIO()
    presentation.save(output)
    output.seek(0)
    output.name = "deck.pptx"
    return output


def _slide(presentation, title="", layout=1):
    slide = presentation.slides.add_slide(presentation.slide_layouts[layout])
    if slide.shapes.title is not None:
        slide.shapes.title.text = title
    return slide


def _wmf_bytes() -> bytes:
    """A placeable Windows Metafile header and an empty record list: Pillow can tell its size
    (so python-pptx embeds it) but cannot draw it away from Windows."""
    bbox = (0, 0, 1440, 1440)
    head = struct.pack("<IH4hHI", 0x9AC6CDD7, 0, *bbox, 1440, 0)
    checksum = 0
    for (word,) in struct.iter_unpack("<H", head):
        checksum ^= word
    header = struct.pack("<HHHIHIH", 1, 9, 0x300, 12, 0, 3, 0)
    return head + struct.pack("<H", checksum) + header + struct.pack("<IH", 3, 0)


def _pt(model_id, text: str, kind: str = "") -> str:
    typed = f' type="{kind}"' if kind else ""
    return (
        f'<dgm:pt modelId="{model_id}"{typed}><dgm:t><a:bodyPr/><a:p><a:r><a:t>{text}</a:t>'
        "</a:r></a:p></dgm:t></dgm:pt>"
    )


def _add_smartart(slide, items: list[tuple[str, list[str]]]) -> None:
    """A SmartArt graphic frame whose data part holds `items` (text, children)."""
    points, links, n = ['<dgm:pt modelId="0" type="doc"/>'], [], 0
    for text, children in items:
        n += 1
        parent = n
        points.append(_pt(parent, text))
        links.append(f'<dgm:cxn modelId="c{parent}" srcId="0" destId="{parent}"/>')
        for child in children:
            n += 1
            points.append(_pt(n, child))
            links.append(f'<dgm:cxn modelId="c{n}" srcId="{parent}" destId="{n}"/>')
        points.append(_pt(f"s{parent}", "NOT TEXT", "sibTrans"))
    xml = (
        f'<dgm:dataModel xmlns:dgm="{DGM}" xmlns:a="{A}"><dgm:ptLst>{"".join(points)}</dgm:ptLst>'
        f"<dgm:cxnLst>{''.join(links)}</dgm:cxnLst></dgm:dataModel>"
    )
    part = Part(
        PackURI(f"/ppt/diagrams/data{id(slide) % 10000}.xml"),
        "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml",
        slide.part.package,
        xml.encode(),
    )
    r_id = slide.part.relate_to(part, RT.DIAGRAM_DATA)
    frame = etree.fromstring(
        f'<p:graphicFrame xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}">'
        '<p:nvGraphicFramePr><p:cNvPr id="90" name="Diagram 1"/><p:cNvGraphicFramePr/><p:nvPr/>'
        '</p:nvGraphicFramePr><p:xfrm><a:off x="0" y="0"/><a:ext cx="100" cy="100"/></p:xfrm>'
        f'<a:graphic><a:graphicData uri="{DGM}"><dgm:relIds xmlns:dgm="{DGM}" r:dm="{r_id}" '
        'r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic></p:graphicFrame>'
    )
    slide.shapes._spTree.append(frame)


def _real_world_deck() -> io.BytesIO:
    presentation = Presentation()
    # 1: the title placeholder has idx 5 (Keynote and LibreOffice write such decks).
    first = _slide(presentation, "Intake at idx five")
    first.shapes.title._element.nvSpPr.nvPr.find(f"{{{P}}}ph").set("idx", "5")
    first.placeholders[1].text_frame.text = "Greet the member"
    # 2: a table and a picture with alt text.
    second = _slide(presentation, "Units", layout=5)
    table = second.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    for (r, c), text in zip(
        [(0, 0), (0, 1), (1, 0), (1, 1)], ["Code", "Unit", "T1017", "15 minutes"], strict=True
    ):
        table.cell(r, c).text = text
    picture = second.shapes.add_picture(io.BytesIO(png_bytes()), Inches(7), Inches(2), Inches(1))
    picture._element.nvPicPr.cNvPr.set("descr", "A care plan form, filled in")
    # 3: hidden.
    hidden = _slide(presentation, "Trainer only")
    hidden._element.set("show", "0")
    # 4: a paragraph longer than a bullet, a WMF picture and a sound clip.
    fourth = _slide(presentation, "Long")
    fourth.placeholders[1].text_frame.text = "word " * 900
    fourth.shapes.add_picture(io.BytesIO(_wmf_bytes()), Inches(1), Inches(1), Inches(1))
    sound = fourth.shapes.add_picture(
        io.BytesIO(png_bytes((0, 0, 200))), Inches(3), Inches(1), Inches(1)
    )
    sound._element.nvPicPr.nvPr.append(
        etree.fromstring(f'<a:audioFile xmlns:a="{A}" xmlns:r="{R}" r:link="rId99"/>')
    )
    # 5: SmartArt.
    fifth = _slide(presentation, "Steps", layout=5)
    _add_smartart(fifth, [("Assess", ["Strengths"]), ("Plan", [])])
    return _save(presentation)


def test_a_real_world_deck_keeps_its_content_and_the_report_says_what_was_left_out():
    report = DeckReport()
    slides = deck_read(_real_world_deck(), report=report)

    assert [s.title for s in slides] == ["Intake at idx five", "Units", "Long", "Steps"]
    assert slides[0].bullets == [("Greet the member", 0)]
    assert slides[1].tables == [[["Code", "Unit"], ["T1017", "15 minutes"]]]
    assert [p.alt for p in slides[1].pictures] == ["A care plan form, filled in"]
    text = " ".join(t for t, _ in slides[2].bullets)
    assert text == ("word " * 900).strip() and len(text) > BULLET_MAX_LENGTH  # split, not cut
    assert slides[2].pictures == []  # neither the WMF nor the speaker icon of the sound
    assert slides[3].bullets == [("Assess", 0), ("Strengths", 1), ("Plan", 0)]

    assert [(s.number, s.hidden) for s in report.slides] == [
        (1, False),
        (2, False),
        (3, True),
        (4, False),
        (5, False),
    ]
    assert report.slides[0].kept == ["the title", "1 paragraph"]
    assert report.slides[1].kept == ["the title", "1 table", "1 picture"]
    assert report.slides[4].kept == ["the title", "3 SmartArt items"]
    left_out = report.left_out
    assert left_out[0] == "Slide 3: the slide is hidden in the deck, so it was left out."
    assert any(
        line.startswith("Slide 4: a paragraph of 4,499 characters was split") for line in left_out
    )
    assert any(
        line.startswith("Slide 4: a WMF picture") and "not imported" in line for line in left_out
    )
    assert any(line.startswith("Slide 4: a sound clip") for line in left_out)


def test_the_lesson_keeps_tables_and_alt_text_and_the_export_round_trips(cm_module, editor):
    lesson = lesson_import_pptx(file=_real_world_deck(), module=cm_module, user=editor)
    units = lesson.body[1].value
    assert [list(map(list, t["rows"])) for t in units["tables"]] == [
        [["Code", "Unit"], ["T1017", "15 minutes"]]
    ]
    (image,) = units["images"]
    assert image.default_alt_text == "A care plan form, filled in"
    html = lesson.body[1].render()
    assert '<th scope="col">Code</th>' in html and 'alt="A care plan form, filled in"' in html

    again = deck_read(io.BytesIO(lesson_export_pptx(lesson)))
    by_title = {s.title: s for s in again}
    assert by_title["Units"].tables == [[["Code", "Unit"], ["T1017", "15 minutes"]]]
    assert [p.alt for p in by_title["Units"].pictures] == ["A care plan form, filled in"]
    assert by_title["Steps"].bullets == [("Assess", 0), ("Strengths", 1), ("Plan", 0)]
    assert " ".join(t for t, _ in by_title["Long"].bullets) == ("word " * 900).strip()
    assert by_title["Intake at idx five"].bullets == [("Greet the member", 0)]


def test_a_picture_in_the_title_placeholder_does_not_refuse_the_deck():
    presentation = Presentation()
    slide = _slide(presentation, "")
    title = slide.shapes.title._element
    picture = slide.shapes.add_picture(io.BytesIO(png_bytes()), Inches(1), Inches(1), Inches(1))
    picture._element.nvPicPr.nvPr.append(copy.deepcopy(title.nvSpPr.nvPr.find(f"{{{P}}}ph")))
    title.getparent().remove(title)
    slide.placeholders[1].text_frame.text = "Still here"
    slides = deck_read(_save(presentation))
    assert slides[0].bullets == [("Still here", 0)] and len(slides[0].pictures) == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, OLD_OR_ENCRYPTED_MESSAGE),
        (docx_like_bytes(), "This is a Word document, not a PowerPoint presentation."),
        (b"just text", "not a PowerPoint presentation"),
    ],
)
def test_a_file_that_cannot_be_read_gets_its_real_reason(data, says):
    file = io.BytesIO(data)
    file.name = "deck.pptx"
    with pytest.raises(ValidationError) as refused:
        deck_read(file)
    assert says in " ".join(refused.value.messages)


def test_the_editor_sees_the_report_before_the_draft_is_saved(client, cm_module, editor):
    client.force_login(editor)
    deck = _real_world_deck()
    preview = client.post(IMPORT_URL, {"module": cm_module.pk, "file": deck})
    page = preview.content.decode()
    assert preview.status_code == 200 and not LessonPage.objects.exists()
    assert not get_image_model().objects.exists()
    assert "5 slides in the deck, 4 imported, 1 hidden slide left out" in page
    assert "Slide 3: the slide is hidden in the deck, so it was left out." in page
    assert "a WMF picture" in page and "Save as a draft lesson" in page
    done = client.post(IMPORT_URL, {"preview": preview.context["token"]})
    lesson = LessonPage.objects.get()
    assert done.status_code == 302 and len(lesson.body) == 4
    assert client.post(IMPORT_URL, {"preview": preview.context["token"]}).status_code == 302
    assert LessonPage.objects.count() == 1  # a preview is saved once
