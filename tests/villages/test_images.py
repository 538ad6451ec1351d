"""Cadres' photos: stripped of EXIF and GPS, turned upright, re-encoded, and anything else refused."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from villages import images
from villages.models import Cadre

GPS_IFD = ExifTags.IFD.GPSInfo  # 0x8825
ORIENTATION = ExifTags.Base.Orientation  # 0x0112

NOT_A_PICTURE = "This file is not a picture we can read. Upload a JPEG or PNG photo."
TOO_LARGE_TO_PROCESS = "The picture is too large to process."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def phone_photo(width=2400, height=1200):
    """A JPEG as a phone writes it: stored sideways (orientation 6) with the place it was taken.

    The stored top half is red and the bottom half blue, so after turning upright (90° clockwise)
    red is on the right and blue on the left."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width, height // 2))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (26.0, 4.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (119.0, 18.0, 12.25)
    gps[ExifTags.GPS.GPSMapDatum] = "WGS-84 GPS"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def bomb_png(width=20000, height=20000):
    """A tiny PNG whose header declares an enormous picture."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"\x00" + b"\x00" * 3 * 16)  # one short scanline: the rest is missing
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_the_fixture_photo_carries_what_must_be_removed():
    raw = phone_photo()
    source = Image.open(io.BytesIO(raw))

    assert b"GPS" in raw
    assert source.getexif()[ORIENTATION] == 6
    assert source.getexif().get_ifd(GPS_IFD)
    assert source.size == (2400, 1200)


# --- clean_photo --------------------------------------------------------------------------------


def test_a_phone_photo_is_re_encoded_upright_small_and_without_exif():
    cleaned = images.clean_photo(upload(phone_photo()))

    data = cleaned.read()
    photo = Image.open(io.BytesIO(data))
    assert photo.format == "JPEG"
    assert b"GPS" not in data
    assert b"Exif" not in data
    assert b"PhoneMaker" not in data
    exif = photo.getexif()
    assert GPS_IFD not in exif
    assert not exif.get_ifd(GPS_IFD)
    assert ORIENTATION not in exif
    assert photo.size == (600, 1200)  # turned upright: width and height swapped, longest side 1200
    rgb = photo.convert("RGB")
    red, _, blue = rgb.getpixel((photo.width * 9 // 10, photo.height // 2))
    assert red > 200 and blue < 60  # the stored top is now on the right
    red, _, blue = rgb.getpixel((photo.width // 10, photo.height // 2))
    assert blue > 200 and red < 60
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", cleaned.name)


def test_a_small_photo_is_not_enlarged():
    cleaned = images.clean_photo(upload(phone_photo(width=400, height=300)))

    assert Image.open(cleaned).size == (300, 400)


@pytest.mark.parametrize("kind", ["PNG", "GIF", "BMP", "WEBP"])
def test_other_picture_formats_become_jpeg(kind):
    out = io.BytesIO()
    Image.new("RGBA" if kind in ("PNG", "WEBP") else "RGB", (1600, 900), (10, 200, 30)).save(out, format=kind)

    cleaned = images.clean_photo(upload(out.getvalue(), name=f"p.{kind.lower()}"))

    photo = Image.open(cleaned)
    assert photo.format == "JPEG"
    assert photo.size == (1200, 675)


def test_each_photo_gets_a_new_name():
    raw = phone_photo(width=200, height=100)

    assert images.clean_photo(upload(raw)).name != images.clean_photo(upload(raw)).name


@pytest.mark.parametrize(
    "content",
    [
        b"These are the minutes of the meeting, not a picture.\n" * 20,
        b"",
        b"\xff\xd8\xff\xe0" + b"\x00" * 200,  # a JPEG start and nothing after
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
)
def test_a_file_that_is_not_a_picture_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        images.clean_photo(upload(content, name="photo.jpg"))

    assert caught.value.code == "photo_invalid"
    assert caught.value.messages == [NOT_A_PICTURE]


def test_a_picture_declaring_too_many_pixels_is_refused_without_decoding():
    raw = bomb_png()
    assert len(raw) < 200

    with pytest.raises(ValidationError) as caught:
        images.clean_photo(upload(raw, name="photo.png", content_type="image/png"))

    assert caught.value.code == "photo_bomb"
    assert caught.value.messages == [TOO_LARGE_TO_PROCESS]


def test_a_picture_just_over_the_pixel_limit_is_refused_too():
    # 7000 × 6000 = 42 M pixels: over the portal's 40 M, under Pillow's own warning threshold
    with pytest.raises(ValidationError) as caught:
        images.clean_photo(upload(bomb_png(7000, 6000), name="photo.png", content_type="image/png"))

    assert caught.value.code == "photo_bomb"


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1024 * 1024
    raw = phone_photo(width=64, height=64)
    oversized = raw + b"\x00" * (settings.PHOTO_MAX_UPLOAD_BYTES + 1 - len(raw))

    with pytest.raises(ValidationError) as caught:
        images.clean_photo(upload(oversized))

    assert caught.value.code == "photo_too_large"
    assert caught.value.messages == ["The photo is larger than 1 MB; choose a smaller one."]


# --- through the cadre edit page ----------------------------------------------------------------


@pytest.fixture
def township(world, login):
    return login(world.users["township"])


def edit(client, cadre, photo):
    return client.post(
        reverse("villages:cadre_edit", args=[cadre.pk]),
        {"name": cadre.name, "phone": cadre.phone, "duties": "负责网格巡查", "photo": photo},
    )


def photo_errors(response):
    assert response.status_code == 200
    return response.context["form"].errors.get("photo", [])


def test_township_staff_upload_a_phone_photo(world, township):
    cadre = world.cadres["leader"]

    response = edit(township, cadre, upload(phone_photo(), name="IMG_20240301_101500.jpg"))

    assert response.status_code == 302
    cadre.refresh_from_db()
    assert re.fullmatch(r"cadres/[0-9a-f]{32}\.jpg", cadre.photo.name)
    with cadre.photo.open("rb") as stored:
        data = stored.read()
    photo = Image.open(io.BytesIO(data))
    assert b"GPS" not in data
    assert not photo.getexif().get_ifd(GPS_IFD)
    assert GPS_IFD not in photo.getexif()
    assert photo.width < photo.height  # stored sideways, now upright
    assert max(photo.size) <= 1200
    assert cadre.duties == "负责网格巡查"


def test_the_stored_photo_is_served_as_jpeg(world, township, login):
    cadre = world.cadres["leader"]
    edit(township, cadre, upload(phone_photo()))
    cadre.refresh_from_db()
    with cadre.photo.open("rb") as stored:
        data = stored.read()

    response = login(world.users["member"]).get(reverse("villages:cadre_photo", args=[cadre.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == data
    assert reverse("villages:cadre_photo", args=[cadre.pk]) in township.get(cadre.get_absolute_url()).content.decode()


def test_the_photo_of_a_cadre_of_another_township_is_not_served(world, township, login):
    cadre = world.cadres["leader"]
    edit(township, cadre, upload(phone_photo(width=100, height=100)))

    response = login(world.users["other_township"]).get(reverse("villages:cadre_photo", args=[cadre.pk]))

    assert response.status_code == 404


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()]


def test_a_text_file_named_jpg_is_refused_on_the_page(world, township, tmp_path):
    cadre = world.cadres["leader"]

    response = edit(township, cadre, upload(b"just some text, honestly\n" * 40, name="photo.jpg"))

    assert NOT_A_PICTURE in photo_errors(response)
    assert "not a picture" in response.content.decode()
    cadre.refresh_from_db()
    assert not cadre.photo
    assert stored_files(tmp_path) == []


def test_a_decompression_bomb_is_refused_on_the_page(world, township):
    cadre = world.cadres["leader"]

    response = edit(township, cadre, upload(bomb_png(), name="photo.png", content_type="image/png"))

    assert TOO_LARGE_TO_PROCESS in photo_errors(response)
    assert TOO_LARGE_TO_PROCESS in response.content.decode()
    cadre.refresh_from_db()
    assert not cadre.photo


def test_a_file_over_the_upload_limit_is_refused_on_the_page(world, township, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 1024 * 1024
    cadre = world.cadres["leader"]
    raw = phone_photo(width=64, height=64)

    response = edit(township, cadre, upload(raw + b"\x00" * (1024 * 1024 + 1 - len(raw))))

    assert "The photo is larger than 1 MB; choose a smaller one." in photo_errors(response)
    cadre.refresh_from_db()
    assert not cadre.photo


def test_a_photo_within_a_small_limit_is_accepted(world, township, settings):
    raw = phone_photo(width=64, height=64)
    settings.PHOTO_MAX_UPLOAD_BYTES = len(raw)
    cadre = world.cadres["leader"]

    assert edit(township, cadre, upload(raw)).status_code == 302
    cadre.refresh_from_db()
    assert cadre.photo


def test_saving_without_a_new_photo_keeps_the_old_one(world, township):
    cadre = world.cadres["leader"]
    edit(township, cadre, upload(phone_photo(width=100, height=100)))
    cadre.refresh_from_db()
    before = cadre.photo.name

    response = township.post(
        reverse("villages:cadre_edit", args=[cadre.pk]), {"name": cadre.name, "phone": cadre.phone, "duties": ""}
    )

    assert response.status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).photo.name == before


def test_a_grid_leader_cannot_open_the_cadre_edit_page(world, login):
    client = login(world.users["leader"])

    response = edit(client, world.cadres["leader"], upload(phone_photo(width=100, height=100)))

    assert response.status_code == 403
    world.cadres["leader"].refresh_from_db()
    assert not world.cadres["leader"].photo
