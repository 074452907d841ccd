"""Reading the parts of a slide python-pptx does not read by itself: the title placeholder at
any idx, SmartArt text (from the diagram's data part) and the media clips behind a picture.
Pure: shapes in, text out."""

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.shapes.base import BaseShape
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.picture import Picture
from pptx.slide import Slide

TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_DIAGRAM_URI = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
_DGM = _DIAGRAM_URI
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def title_shape(slide: Slide) -> BaseShape | None:
    """The slide's title: the first title placeholder (TITLE, CENTER_TITLE or VERTICAL_TITLE,
    whatever its idx) that holds text."""
    for shape in slide.placeholders:
        try:
            kind = shape.placeholder_format.type
        except (AttributeError, ValueError, KeyError):
            continue
        if kind in TITLE_TYPES and shape.has_text_frame:
            return shape
    return None


def title_text(slide: Slide) -> str:
    shape = title_shape(slide)
    return shape.text_frame.text if shape is not None else ""


_MEDIA_TAGS = {"audioFile": "sound", "wavAudioFile": "sound", "videoFile": "video"}


def media_kind(shape: BaseShape) -> str:
    """ "sound" or "video" when a picture shape is only the icon of a media clip, else ""."""
    if not isinstance(shape, Picture):
        return ""
    for element in shape._element.iter():
        local = etree.QName(element).localname if isinstance(element.tag, str) else ""
        if local in _MEDIA_TAGS:
            return _MEDIA_TAGS[local]
        if local == "quickTimeFile" or (local == "media" and "p14" in element.tag):
            return "sound or video"
    return ""


def is_smartart(shape: GraphicFrame) -> bool:
    return shape._element.graphicData_uri == _DIAGRAM_URI


def smartart_paragraphs(shape: GraphicFrame, max_level: int) -> list[tuple[str, int]]:
    """The text of a SmartArt diagram, read from its data part: one paragraph per text of each
    node, indented by the node's depth in the diagram."""
    rel_ids = list(shape._element.iter(f"{{{_DGM}}}relIds"))
    if not rel_ids:
        return []
    data = shape.part.related_part(rel_ids[0].get(f"{{{_R}}}dm"))
    root = etree.fromstring(data.blob)
    points = root.findall(f"{{{_DGM}}}ptLst/{{{_DGM}}}pt")
    parents = {
        c.get("destId"): c.get("srcId")
        for c in root.iter(f"{{{_DGM}}}cxn")
        if c.get("type") in (None, "parOf")
    }
    result = []
    for point in points:
        if point.get("type") not in (None, "node"):
            continue
        depth, node = 0, parents.get(point.get("modelId"))
        while node in parents and depth < max_level + 1:
            depth, node = depth + 1, parents[node]
        for paragraph in point.iter(f"{{{_A}}}p"):
            text = " ".join("".join(t.text or "" for t in paragraph.iter(f"{{{_A}}}t")).split())
            if text:
                result.append((text, min(depth, max_level)))
    return result
