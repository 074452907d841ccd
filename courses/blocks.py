"""The blocks a lesson is made of. One StreamBlock (`LessonStreamBlock`) serves every lesson."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading inside a lesson; a PowerPoint export starts a new slide at each one."""

    text = blocks.CharBlock(max_length=200)

    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"
        description = "A section heading"


class ImageBlock(blocks.StructBlock):
    """A picture with the text alternative people who cannot see it will hear."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250, help_text="Describe the picture for screen readers."
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        description = "A picture"


class VideoBlock(blocks.StructBlock):
    """An embedded video (YouTube, Vimeo…) with a transcript for people who can't hear it."""

    video = EmbedBlock(help_text="The video's web address")
    transcript = blocks.RichTextBlock(required=False, features=["bold", "italic", "ol", "ul"])

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        description = "An embedded video"


class DocumentBlock(blocks.StructBlock):
    """A file learners can download (a handout, a form)."""

    document = DocumentChooserBlock()
    label = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/document.html"
        description = "A downloadable document"


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: a key point, a caution, or an example from practice."""

    kind = blocks.ChoiceBlock(
        choices=[("key", "Key point"), ("caution", "Caution"), ("example", "Example")],
        default="key",
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"
        description = "A highlighted note"


class BulletBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=2000)
    level = blocks.IntegerBlock(min_value=0, max_value=4, default=0)

    class Meta:
        icon = "list-ul"


class SlideTableBlock(blocks.StructBlock):
    """A table of a slide: rows of cell texts, the first row a header when `header` is set."""

    rows = blocks.ListBlock(blocks.ListBlock(blocks.CharBlock(required=False)), default=[])
    header = blocks.BooleanBlock(
        required=False, default=True, help_text="The first row is a header."
    )

    class Meta:
        icon = "table"


class SlideBlock(blocks.StructBlock):
    """One slide of a deck: its title, bullets with their indent levels, pictures and the
    speaker's notes. PowerPoint import makes these; export turns each back into a slide."""

    title = blocks.CharBlock(max_length=250, required=False)
    bullets = blocks.ListBlock(BulletBlock(), default=[])
    images = blocks.ListBlock(ImageChooserBlock(), default=[])
    tables = blocks.ListBlock(SlideTableBlock(), default=[])
    notes = blocks.TextBlock(required=False, help_text="Speaker notes (shown to learners too).")

    class Meta:
        icon = "placeholder"
        template = "courses/blocks/slide.html"
        description = "A slide from a deck"


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)
    correct = blocks.BooleanBlock(required=False)
    feedback = blocks.CharBlock(
        max_length=500, help_text="What the learner reads after choosing this option."
    )

    class Meta:
        icon = "radio-full"


class QuestionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=500)
    options = blocks.ListBlock(OptionBlock(), min_num=2)

    class Meta:
        icon = "help"


class KnowledgeCheckBlock(blocks.StructBlock):
    """Multiple-choice questions answered inline, with feedback for each option. A lesson
    completes only when its checks are passed (the pass mark is a course setting)."""

    title = blocks.CharBlock(max_length=200, default="Check your understanding")
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/knowledge_check.html"
        description = "Questions with feedback"


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(icon="pilcrow", template="courses/blocks/text.html")
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    slide = SlideBlock()
    knowledge_check = KnowledgeCheckBlock()
