"""The PDFs WeasyPrint makes on the server, read back with pdfium: the paper and the number of pages,
the project's own Chinese font embedded (and used for the Chinese), the names in the text layer, and
the names actually drawn on the rasterised page — not blank, not boxes of a missing glyph."""

import ctypes
import io
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont

from tests import factories

A4 = (595.3, 841.9)  # points
A3 = (841.9, 1190.6)
TOLERANCE = 2


def same_size(size, paper):
    return all(abs(a - b) <= TOLERANCE for a, b in zip(size, paper, strict=True))


def get_pdf(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return response.content


@pytest.fixture
def document():
    opened = []

    def open_(body):
        opened.append(pdfium.PdfDocument(body))
        return opened[-1]

    yield open_
    for doc in opened:
        doc.close()


def inflated(body):
    """The PDF's bytes followed by every Flate stream inflated (object streams hide the font dictionaries)."""
    parts = [body]
    for match in re.finditer(rb"stream\r?\n", body):
        start = match.end()
        end = body.find(b"endstream", start)
        try:
            parts.append(zlib.decompressobj().decompress(body[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _text(getter, handle):
    """A string from a pdfium getter that takes (handle, buffer, length) and returns the length it needs."""
    length = getter(handle, None, 0)
    buffer = ctypes.create_string_buffer(length)
    getter(handle, buffer, length)
    return buffer.value.decode()


def fonts_of(page):
    """{base font name: the embedded font file} of the fonts the page's text is drawn in."""
    found = {}
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
        font = raw.FPDFTextObj_GetFont(obj.raw)
        name = _text(raw.FPDFFont_GetBaseFontName, font)
        if name in found:
            continue
        assert raw.FPDFFont_GetIsEmbedded(font), f"{name} is not embedded"
        size = ctypes.c_size_t()
        raw.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size))
        data = (ctypes.c_uint8 * size.value)()
        raw.FPDFFont_GetFontData(font, data, size.value, ctypes.byref(size))
        found[name] = bytes(data)
    return found


def font_at(textpage, index):
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    raw.FPDFText_GetFontInfo(textpage, index, buffer, 256, ctypes.byref(flags))
    return buffer.value.decode()


def outlines(font_file):
    """A font file's cmap and the names of its glyphs that have an outline (a subset empties the rest)."""
    font = TTFont(io.BytesIO(font_file))
    glyf = font["glyf"]
    return font.getBestCmap(), {
        name for name in font.getGlyphOrder() if name != ".notdef" and glyf[name].numberOfContours
    }


def is_chinese(ch):
    return "\u4e00" <= ch <= "\u9fff"


def dark_share(image, box, page_height):
    """The share of dark pixels of a rendered page (scale 1: a pixel a point) inside a PDF box."""
    left, bottom, right, top = box
    area = image.convert("L").crop((int(left), int(page_height - top), int(right) + 1, int(page_height - bottom) + 1))
    pixels = list(area.get_flattened_data() if hasattr(area, "get_flattened_data") else area.getdata())
    return sum(1 for value in pixels if value < 128) / len(pixels)


@pytest.fixture
def g1_of_23(world):
    """G1 with 23 households (g1a, g1a_other, g1b and 20 more)."""
    for _ in range(20):
        factories.HouseholdFactory(group=world.places["g1b"], responsible_cadre=world.cadres["leader"])
    return world


def test_the_cards_of_23_households_are_three_a4_sheets(g1_of_23, login, document):
    body = get_pdf(login(g1_of_23.users["leader"]), "publicity:cards_pdf", "grids", g1_of_23.places["G1"].pk)
    pdf = document(body)
    assert len(pdf) == 3
    for page in pdf:
        assert same_size(page.get_size(), A4), page.get_size()
    heads = [pdf[i].get_textpage().get_text_range().count("郑荣村 第一网格") for i in range(3)]
    assert heads == [10, 10, 3]  # each card says where it belongs


def test_the_a3_bulletin_is_one_sheet_of_a3(world, login, document):
    pdf = document(get_pdf(login(world.users["leader"]), "publicity:bulletin_pdf", world.places["G1"].pk))
    assert len(pdf) == 1
    assert same_size(pdf[0].get_size(), A3), pdf[0].get_size()


def test_the_a4_bulletin_is_one_sheet_of_a4(world, login, document):
    pdf = document(get_pdf(login(world.users["leader"]), "publicity:bulletin_pdf", world.places["G1"].pk, size="A4"))
    assert len(pdf) == 1
    assert same_size(pdf[0].get_size(), A4), pdf[0].get_size()


def test_the_network_diagram_and_the_letters_print_on_their_paper(world, login, document):
    client = login(world.users["village"])
    network = document(get_pdf(client, "publicity:network_pdf", world.places["v1"].pk))
    assert len(network) == 1
    assert same_size(sorted(network[0].get_size()), A4)  # landscape or portrait, A4
    assert "郑荣村" in network[0].get_textpage().get_text_range()
    letters = document(get_pdf(client, "publicity:letters_pdf", "villages", world.places["v1"].pk))
    assert len(letters) == 4  # one page a household
    assert all(same_size(page.get_size(), A4) for page in letters)


@pytest.fixture
def bulletin(world, login, document):
    """The A3 bulletin of G1 as PDF bytes and the opened document."""
    body = get_pdf(login(world.users["leader"]), "publicity:bulletin_pdf", world.places["G1"].pk)
    return body, document(body)


def test_the_chinese_font_is_embedded(bulletin):
    body, _ = bulletin
    everything = inflated(body)
    assert b"/FontFile2" in everything
    names = set(re.findall(rb"/BaseFont\s*/([A-Z]{6}\+GridPrint[\w-]*)", everything))
    assert names, "no subset of GridPrint embedded"


def test_the_text_layer_holds_the_chinese_names(world, bulletin):
    _, pdf = bulletin
    text = pdf[0].get_textpage().get_text_range()
    for name in ("郑章木", "郑忠兴", "郑书记", "刘惠明", "青山乡", "第1组"):
        assert name in text, name
    assert world.cadres["leader"].phone in text


def test_every_chinese_character_is_drawn_from_the_projects_font_with_a_real_glyph(bulletin):
    _, pdf = bulletin
    page = pdf[0]
    textpage = page.get_textpage()
    fonts = {name: outlines(data) for name, data in fonts_of(page).items()}
    assert fonts and all(re.fullmatch(r"[A-Z]{6}\+GridPrint(-Bold)?", name) for name in fonts), sorted(fonts)
    for name, (_, drawn) in fonts.items():
        assert len(drawn) > 10, f"{name} keeps only {len(drawn)} glyphs"

    seen = set()
    for i in range(textpage.count_chars()):
        ch = chr(raw.FPDFText_GetUnicode(textpage, i))
        if not is_chinese(ch):
            continue
        name = font_at(textpage, i)
        assert name in fonts, f"{ch} is drawn in {name}"
        cmap, drawn = fonts[name]
        assert cmap.get(ord(ch)) in drawn, f"{ch} has no glyph in {name}: a box would be printed"
        seen.add(ch)
    assert {*"郑章木忠兴书记刘惠明青山乡荣村"} <= seen


def test_the_grid_leaders_name_is_drawn_on_the_page(bulletin):
    _, pdf = bulletin
    page = pdf[0]
    width, height = page.get_size()
    image = page.render(scale=1).to_pil()
    assert image.size == (round(width), round(height))

    textpage = page.get_textpage()
    index = textpage.get_text_range().index("郑章木")
    boxes = [textpage.get_charbox(i) for i in range(index, index + 3)]
    for box in boxes:
        assert box[2] - box[0] > 8, box  # a large name, not a hairline
        assert dark_share(image, box, height) > 0.1, box  # ink where each character stands

    # and none beside it, in the page's left margin: the ink is the name's, not the page's
    left, bottom, _, top = boxes[0]
    assert dark_share(image, (2, bottom, min(left, 30) - 2, top), height) < 0.01


def test_a_card_shows_its_grid_leader(g1_of_23, login, document):
    body = get_pdf(login(g1_of_23.users["leader"]), "publicity:cards_pdf", "grids", g1_of_23.places["G1"].pk)
    page = document(body)[2]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    assert text.count("郑章木") >= 3 and g1_of_23.cadres["leader"].phone in text
    height = page.get_size()[1]
    image = page.render(scale=1).to_pil()
    index = text.index("郑章木")
    for i in range(index, index + 3):
        assert dark_share(image, textpage.get_charbox(i), height) > 0.1
