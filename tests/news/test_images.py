"""Tests for news.images: validation by content, EXIF rotation, metadata stripping, renditions.

Every input is generated here with Pillow (no fixture files, no numpy), and each test first
checks that its input really has the property under test (GPS present, frames present…),
so a test cannot pass because the input was already "clean".
"""

import io
import struct
import time
import zlib

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, ImageDraw, ImageOps
import pytest

from news.images import MAX_UPLOAD_BYTES, RENDITIONS, ImageRejected, ProcessedImage, image_process

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
RED = (220, 20, 20)
GREY = (120, 120, 120)
# Strings planted in the input's metadata that must appear in no output byte.
SECRET_MAKE = "SecretPhoneMaker"
SECRET_XMP = b"SecretXmpLocation"
SECRET_COMMENT = b"SecretJpegComment"


# --- helpers --------------------------------------------------------------------------------


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def reopen(content_file):
    content_file.seek(0)
    data = content_file.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


def all_outputs(result: ProcessedImage):
    yield "original", result.original
    for name, rendition in result.renditions.items():
        yield f"{name}.webp", rendition["webp"]
        yield f"{name}.jpeg", rendition["jpeg"]


def phone_exif(orientation):
    """EXIF as a phone writes it: orientation, camera make and a GPS position (Hà Nội)."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = SECRET_MAKE
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (21.0, 1.0, 42.5)
    gps[3] = "E"
    gps[4] = (105.0, 51.0, 12.25)
    return exif


def assert_no_metadata(label, content_file):
    image, data = reopen(content_file)
    exif = image.getexif()
    assert GPS_IFD not in exif, f"{label}: GPSInfo pointer survived"
    assert not exif.get_ifd(GPS_IFD), f"{label}: GPS IFD survived"
    assert len(exif) == 0, f"{label}: EXIF not empty: {dict(exif)}"
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment", "dpi"):
        assert key not in image.info, f"{label}: {key} survived"
    if image.format == "PNG":
        assert not image.text, f"{label}: PNG text chunks survived"
    icc = image.info.get("icc_profile")
    if icc:  # only an sRGB profile may be kept
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
        assert "srgb" in description.lower(), f"{label}: non-sRGB ICC profile kept"
    assert b"Exif\x00\x00" not in data, f"{label}: raw EXIF block present"
    for secret in (SECRET_MAKE.encode(), SECRET_XMP, SECRET_COMMENT):
        assert secret not in data, f"{label}: {secret!r} found in output bytes"


def assert_declared_sizes_match(result):
    for name, rendition in result.renditions.items():
        for fmt in ("webp", "jpeg"):
            image, _ = reopen(rendition[fmt])
            assert image.size == (rendition["width"], rendition["height"]), (name, fmt)
    original, _ = reopen(result.original)
    assert original.size == (result.width, result.height)


def is_close(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


def png_chunk(tag, payload):
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload))


def png_bomb(width, height):
    """A valid 1-bit PNG of all-black pixels: kilobytes on disk, width×height once decoded."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def jpeg_declaring(width, height):
    """A tiny real JPEG whose SOF header is patched to claim width×height."""
    data = bytearray(encode(Image.new("RGB", (16, 16), GREY), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def noisy_photo(width, height, sigma):
    """A phone-like photo without numpy: colour gradients blended with per-channel noise.

    Sensor noise is what makes 12 MP phone JPEGs weigh 8–12 MB at quality 95, and it is the
    worst case for the renditions' budget because it does not compress.
    """
    gradient = Image.linear_gradient("L").resize((width, height))
    base = Image.merge(
        "RGB",
        (gradient, gradient.transpose(Image.Transpose.ROTATE_90).resize((width, height)), ImageOps.invert(gradient)),
    )
    noise = Image.merge("RGB", [Image.effect_noise((width, height), sigma) for _ in range(3)])
    photo = Image.blend(base, noise, 0.5)
    ImageDraw.Draw(photo).rectangle((width // 3, height // 3, width // 2, height // 2), fill=RED)
    return photo


# --- EXIF orientation and metadata stripping --------------------------------------------------


def test_rotated_phone_photo_comes_out_upright_without_any_metadata():
    # Stored landscape 400×300 with a red marker top-left; Orientation 6 means "rotate 90°
    # clockwise to display", so the upright photo is 300×400 with the marker top-right.
    stored = Image.new("RGB", (400, 300), GREY)
    ImageDraw.Draw(stored).rectangle((0, 0, 59, 59), fill=RED)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>' + SECRET_XMP + b"</exif:GPSLatitude></x:xmpmeta>"
    data = encode(
        stored,
        "JPEG",
        quality=95,
        exif=phone_exif(6),
        xmp=xmp,
        comment=SECRET_COMMENT,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )

    # The input really carries what we claim to remove.
    source = Image.open(io.BytesIO(data))
    assert source.getexif()[ORIENTATION] == 6
    assert source.getexif().get_ifd(GPS_IFD)[2] == (21.0, 1.0, 42.5)
    assert SECRET_XMP in data and SECRET_COMMENT in data and SECRET_MAKE.encode() in data

    result = image_process(upload("IMG_2024.jpg", data), stem="le-ra-quan")

    assert (result.width, result.height) == (300, 400)
    assert result.format == "JPEG" and result.source_format == "JPEG"
    assert result.original.name == "le-ra-quan.jpg"
    original, _ = reopen(result.original)
    assert original.size == (300, 400)
    assert is_close(original.getpixel((300 - 20, 20)), RED), "marker should be top-right once upright"
    assert is_close(original.getpixel((20, 20)), GREY)
    assert is_close(original.getpixel((20, 400 - 20)), GREY)

    content, _ = reopen(result.renditions["content"]["jpeg"])
    assert content.size == (300, 400)  # narrower than 960: kept, not upscaled
    assert is_close(content.getpixel((300 - 20, 20)), RED)

    for label, content_file in all_outputs(result):
        assert_no_metadata(label, content_file)
    assert_declared_sizes_match(result)


def test_gps_is_stripped_from_png_and_webp_sources_too():
    """PNG (eXIf chunk, text chunks) and WebP (EXIF/XMP chunks) carry metadata as well."""
    from PIL import PngImagePlugin

    picture = Image.new("RGB", (200, 150), GREY)
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", SECRET_COMMENT.decode())
    sources = {
        "scan.png": encode(picture, "PNG", exif=phone_exif(1), pnginfo=text),
        "photo.webp": encode(picture, "WEBP", exif=phone_exif(1), xmp=SECRET_XMP),
    }
    for name, data in sources.items():
        assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), f"{name}: input must have GPS"
        result = image_process(upload(name, data), stem="x")
        for label, content_file in all_outputs(result):
            assert_no_metadata(f"{name} {label}", content_file)


# --- type detection by content ----------------------------------------------------------------


def test_png_renamed_jpg_is_refused_with_explanation():
    data = encode(Image.new("RGB", (64, 64), GREY), "PNG")

    with pytest.raises(ImageRejected) as caught:
        image_process(upload("x.jpg", data, "image/jpeg"), stem="x")

    assert caught.value.message == (
        "Tệp «x.jpg» có đuôi .jpg nhưng nội dung là ảnh PNG. Hãy đổi đúng đuôi tệp hoặc lưu lại ảnh."
    )
    assert caught.value.code == "extension_mismatch"
    assert isinstance(caught.value, ValueError)


def test_jpeg_named_png_with_lying_content_type_is_refused():
    data = encode(Image.new("RGB", (64, 64), GREY), "JPEG")

    with pytest.raises(ImageRejected) as caught:
        image_process(upload("Anh Bia.PNG", data, "image/png"), stem="x")

    assert caught.value.message == (
        "Tệp «Anh Bia.PNG» có đuôi .png nhưng nội dung là ảnh JPEG. Hãy đổi đúng đuôi tệp hoặc lưu lại ảnh."
    )


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("anh.jpg", "JPEG", "JPEG"),
        ("anh.JPEG", "JPEG", "JPEG"),
        ("anh.png", "PNG", "PNG"),
        ("anh.webp", "WEBP", "WEBP"),
        ("anh.gif", "GIF", "GIF"),
        ("anh", "PNG", "PNG"),  # no extension: content decides
        ("anh.jfif", "JPEG", "JPEG"),  # unknown extension: content decides
        ("anh.bin", "WEBP", "WEBP"),
    ],
)
def test_accepted_formats_are_detected_from_content(name, fmt, expected):
    data = encode(Image.new("RGB", (90, 60), GREY), fmt)

    result = image_process(upload(name, data, "application/octet-stream"), stem="anh")

    assert result.source_format == expected
    assert (result.width, result.height) == (90, 60)
    assert result.original.name == "anh.jpg"  # opaque sources are stored as JPEG


def test_phone_jpeg_with_mpf_extension_is_a_jpeg():
    """Samsung/iPhone JPEGs with extra pictures (MPF) open as "MPO" in Pillow; they are JPEGs."""
    main = Image.new("RGB", (120, 80), RED)
    data = encode(main, "MPO", save_all=True, append_images=[Image.new("RGB", (60, 40), GREY)])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = image_process(upload("20240501_101010.jpg", data), stem="mpo")

    assert result.source_format == "JPEG"
    assert (result.width, result.height) == (120, 80)
    original, _ = reopen(result.original)
    assert is_close(original.getpixel((60, 40)), RED)


def _truncated_png():
    data = encode(noisy_photo(200, 150, 64), "PNG")
    return data[: len(data) // 2]


def _png_with_bad_crc():
    data = bytearray(encode(noisy_photo(200, 150, 64), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 100] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ten.jpg", "Đây là văn bản, không phải ảnh.\n".encode() * 20),
        ("ten.jpg", b""),
        ("ten.jpg", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"),
        ("ten.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>1</script></svg>'),
        ("ten.jpg", b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"),
        ("ten.jpg", encode(Image.new("RGB", (10, 10)), "BMP")),  # a real image, but not accepted
        ("ten.jpg", encode(Image.new("RGB", (10, 10)), "TIFF")),
        ("ten.jpg", _truncated_png()),
        ("ten.jpg", _png_with_bad_crc()),
    ],
    ids=["text", "empty", "pdf", "svg", "html", "bmp", "tiff", "truncated-png", "png-bad-crc"],
)
def test_non_images_and_broken_images_are_refused(name, data):
    with pytest.raises(ImageRejected) as caught:
        image_process(upload(name, data), stem="x")

    assert caught.value.message == "Tệp «ten.jpg» không phải là ảnh hợp lệ (chỉ nhận JPEG, PNG, WebP, GIF)."
    assert caught.value.code == "invalid"


def test_truncated_jpeg_is_refused():
    data = encode(noisy_photo(400, 300, 64), "JPEG", quality=90)
    image_process(upload("full.jpg", data), stem="full")  # the complete file is fine

    for cut in (len(data) // 2, len(data) - 2000):
        with pytest.raises(ImageRejected) as caught:
            image_process(upload("cut.jpg", data[:cut]), stem="cut")
        assert caught.value.code == "invalid"
        assert "«cut.jpg» không phải là ảnh hợp lệ" in caught.value.message


# --- limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        png_bomb(8000, 7000),  # 56 MP: under Pillow's guard, caught by our 50 MP header check
        png_bomb(10000, 10000),  # 100 MP: Pillow's DecompressionBombWarning, turned into an error
        png_bomb(20000, 20000),  # 400 MP: Pillow's DecompressionBombError
        jpeg_declaring(9000, 9000),  # 81 MP claimed by a 600-byte JPEG
    ],
    ids=["png-56mp", "png-100mp", "png-400mp", "jpeg-81mp"],
)
def test_decompression_bombs_are_refused_from_the_header(data):
    assert len(data) < 100 * 1024, "the bomb must be small on disk"

    started = time.perf_counter()
    with pytest.raises(ImageRejected) as caught:
        image_process(upload("bom.png" if data.startswith(b"\x89PNG") else "bom.jpg", data), stem="bom")
    elapsed = time.perf_counter() - started

    assert caught.value.code == "too_many_pixels"
    assert caught.value.message.startswith("Ảnh có kích thước điểm ảnh quá lớn")
    assert "tối đa 50 megapixel" in caught.value.message
    assert elapsed < 0.5, f"refusal took {elapsed:.2f}s: the pixels were decoded"


def test_pixel_limit_message_gives_dimensions():
    with pytest.raises(ImageRejected) as caught:
        image_process(upload("bom.png", png_bomb(8000, 7000)), stem="bom")

    assert "8000×7000" in caught.value.message


def test_file_over_15_mb_is_refused_before_decoding():
    # A real JPEG padded past the limit: only the size can be the reason for refusal.
    data = encode(Image.new("RGB", (64, 64), GREY), "JPEG")
    data += b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(data))

    with pytest.raises(ImageRejected) as caught:
        image_process(upload("to.jpg", data), stem="to")

    assert caught.value.code == "too_large"
    assert caught.value.message.startswith("Ảnh quá lớn")
    assert "tối đa 15 MB" in caught.value.message
    assert "15,0 MB" in caught.value.message


def test_size_limit_does_not_trust_declared_size():
    data = encode(Image.new("RGB", (64, 64), GREY), "JPEG")
    data += b"\x00" * (MAX_UPLOAD_BYTES + 10 - len(data))
    lying = upload("to.jpg", data)
    lying.size = 1000

    with pytest.raises(ImageRejected) as caught:
        image_process(lying, stem="to")

    assert caught.value.code == "too_large"


def test_file_at_the_limit_is_accepted():
    # Phones append data after the JPEG end marker (motion photos): that is not an error.
    data = encode(Image.new("RGB", (64, 64), GREY), "JPEG")
    data += b"\x00" * (MAX_UPLOAD_BYTES - len(data))

    result = image_process(upload("vua.jpg", data), stem="vua")

    assert (result.width, result.height) == (64, 64)


# --- formats with frames or transparency ------------------------------------------------------


def test_gif_keeps_only_the_first_frame():
    frames = [Image.new("RGB", (64, 48), colour) for colour in (RED, (20, 200, 20), (20, 20, 200))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 3

    result = image_process(upload("dong.gif", data, "image/gif"), stem="dong")

    assert result.source_format == "GIF"
    assert result.format == "JPEG"
    assert (result.width, result.height) == (64, 48)
    original, _ = reopen(result.original)
    assert getattr(original, "n_frames", 1) == 1
    assert is_close(original.getpixel((32, 24)), RED)
    for rendition in result.renditions.values():
        for fmt in ("webp", "jpeg"):
            image, _ = reopen(rendition[fmt])
            assert is_close(image.getpixel((image.width // 2, image.height // 2)), RED)


def test_transparent_png_stays_png_and_renditions_are_flattened_on_white():
    # Left half fully transparent *black*: dropping alpha instead of compositing would give black.
    logo = Image.new("RGBA", (240, 160), (0, 0, 0, 0))
    ImageDraw.Draw(logo).rectangle((120, 0, 239, 159), fill=(20, 20, 200, 255))
    data = encode(logo, "PNG")

    result = image_process(upload("logo.png", data, "image/png"), stem="logo")

    assert result.format == "PNG" and result.source_format == "PNG"
    assert result.original.name == "logo.png"
    original, _ = reopen(result.original)
    assert original.mode == "RGBA"
    assert original.getpixel((10, 80))[3] == 0
    for name, rendition in result.renditions.items():
        for fmt in ("jpeg", "webp"):
            image, _ = reopen(rendition[fmt])
            assert image.mode == "RGB", (name, fmt)
            assert is_close(image.getpixel((5, image.height // 2)), (255, 255, 255), 10), (name, fmt)
            assert is_close(image.getpixel((image.width - 5, image.height // 2)), (20, 20, 200)), (name, fmt)


def test_png_with_opaque_alpha_channel_becomes_jpeg():
    data = encode(Image.new("RGBA", (100, 100), (10, 120, 10, 255)), "PNG")

    result = image_process(upload("anh.png", data), stem="anh")

    assert result.format == "JPEG"
    assert result.original.name == "anh.jpg"


# --- renditions -------------------------------------------------------------------------------


def test_small_image_is_never_upscaled():
    data = encode(Image.new("RGB", (300, 200), GREY), "JPEG")

    result = image_process(upload("nho.jpg", data), stem="nho")

    sizes = {name: (r["width"], r["height"]) for name, r in result.renditions.items()}
    assert sizes == {
        "content": (300, 200),
        "thumb": (300, 200),  # already 3:2, smaller than 480×320
        "og": (300, 158),  # 1200:630 crop of a 300 px wide image, not blown up to 1200×630
    }
    assert_declared_sizes_match(result)


def test_large_image_gets_the_configured_boxes():
    data = encode(Image.new("RGB", (2000, 2000), GREY), "JPEG")

    result = image_process(upload("vuong.jpg", data), stem="vuong")

    assert {name: (r["width"], r["height"]) for name, r in result.renditions.items()} == {
        "thumb": (480, 320),
        "content": (960, 960),
        "og": (1200, 630),
    }
    assert set(result.renditions) == set(RENDITIONS)
    assert result.renditions["thumb"]["webp"].name == "vuong-thumb.webp"
    assert result.renditions["og"]["jpeg"].name == "vuong-og.jpg"
    assert isinstance(result.original, ContentFile)


def test_crop_renditions_are_centred():
    # Wide panorama: a red centre band must stay in the middle of the 3:2 thumbnail.
    panorama = Image.new("RGB", (3000, 600), GREY)
    ImageDraw.Draw(panorama).rectangle((1400, 0, 1599, 599), fill=RED)

    result = image_process(upload("pano.jpg", encode(panorama, "JPEG")), stem="pano")

    thumb, _ = reopen(result.renditions["thumb"]["jpeg"])
    assert thumb.size == (480, 320)
    assert is_close(thumb.getpixel((240, 160)), RED)
    assert is_close(thumb.getpixel((10, 160)), GREY)


@pytest.fixture(scope="module")
def big_phone_photo():
    """4000×3000 noisy photo at quality 95 with GPS: the heaviest kind of upload editors make."""
    return encode(noisy_photo(4000, 3000, 96), "JPEG", quality=95, exif=phone_exif(1))


def test_big_phone_photo_fits_the_size_and_time_budget(big_phone_photo):
    assert 9 * 1024 * 1024 < len(big_phone_photo) < MAX_UPLOAD_BYTES, f"input is {len(big_phone_photo)} bytes"

    timings = []
    for _ in range(2):  # best of two: the budget is about the code, not a busy CI neighbour
        started = time.perf_counter()
        result = image_process(upload("IMG_20240501.jpg", big_phone_photo), stem="hoi-nghi")
        timings.append(time.perf_counter() - started)

    sizes = {
        f"{name}.{fmt}": rendition[fmt].size
        for name, rendition in result.renditions.items()
        for fmt in ("webp", "jpeg")
    }
    report = f"input {len(big_phone_photo)} B, original {result.original.size} B, {sizes}, times {timings}"
    assert (result.width, result.height) == (4000, 3000), report
    webp_total = sum(rendition["webp"].size for rendition in result.renditions.values())
    assert webp_total < 300 * 1024, report
    assert sizes["content.jpeg"] < 250 * 1024, report
    assert result.original.size < len(big_phone_photo), report
    # Only a guard against a pathological slowdown (a 10x regression); the speed itself is not a
    # test's business on a shared CI machine (about 1 s here when the machine is idle).
    assert min(timings) < 10, report
    assert_no_metadata("big original", result.original)
