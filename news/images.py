"""Image pipeline for uploaded news photos.

Editors upload 4–12 MB phone JPEGs straight from the camera roll. Those files carry EXIF
orientation (so they look sideways if we ignore it), GPS coordinates and device details
(which must never be republished: they can reveal where a source or an editor lives) and
are far too heavy for readers on mobile data. ``image_process`` turns one upload into:

* an upright, metadata-free full-resolution original, kept for re-cropping later;
* small WebP + JPEG renditions for list thumbnails, article bodies and social cards.

Everything is decided from the file's bytes, never from its name or declared content type,
because both are chosen by the client. The module depends only on Pillow and Django's
``ContentFile`` so it can be tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import io
import os
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
"""15 MB (MiB, like nginx's ``client_max_body_size 15m``): the heaviest phone JPEGs are ~12 MB."""

MAX_PIXELS = 50_000_000
"""50 megapixels: above every phone camera in use, below what a 2-core server can decode safely.

Decoded RGBA costs 4 bytes per pixel, so this keeps one upload under ~200 MB of memory.
"""

# Formats Pillow is allowed to try. Restricting the plugins (instead of letting Pillow probe its
# ~40 readers) keeps rarely used, less hardened decoders away from untrusted bytes.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

# Pillow reports phone JPEGs carrying an MPF extension (Samsung, some iPhones, depth maps) as
# "MPO". They are ordinary JPEGs for browsers and for us: we keep the first (main) picture.
_FORMAT_ALIASES = {"MPO": "JPEG"}

_EXTENSION_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
_FORMAT_LABELS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}

ORIGINAL_JPEG_QUALITY = 90
RENDITION_JPEG_QUALITY = 80
RENDITION_WEBP_QUALITY = 78
# libwebp's default effort. Method 6 saves ~10–20 % on noisy photos but triples encode time
# (measured ~0.2 s -> ~0.6 s for the three renditions of a 12 MP photo on 2 cores).
RENDITION_WEBP_METHOD = 4

BACKGROUND = (255, 255, 255)
"""Transparent areas become white: the portal's cards and article body are white."""

RENDITIONS = {  # name -> (max width, max height, crop?)
    "thumb": (480, 320, True),  # cover thumbnails in lists, 3:2 crop, centred
    "content": (960, 960, False),  # body width; portrait photos capped at 960 px high (page weight)
    "og": (1200, 630, True),  # Open Graph / Twitter card, crop
}

_ACCEPTED_LIST = ", ".join(_FORMAT_LABELS[f] for f in ACCEPTED_FORMATS)


class ImageRejected(ValueError):
    """An upload we refuse; ``message`` is a Vietnamese sentence shown to the editor as-is.

    ``code`` is a stable English tag ("too_large", "invalid", "too_many_pixels",
    "extension_mismatch") so callers and tests need not match on the wording.
    """

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class ProcessedImage:
    """Result of ``image_process``: files are unsaved ``ContentFile``s, storage is the caller's job."""

    original: ContentFile
    width: int
    height: int
    renditions: dict = field(default_factory=dict)
    format: str = "JPEG"  # format of ``original`` as stored ("JPEG" or "PNG")
    source_format: str = ""  # format detected in the upload ("JPEG", "PNG", "WEBP", "GIF")


def image_process(upload, *, stem: str) -> ProcessedImage:
    """Validate an uploaded image and build the stored original and its renditions.

    ``upload`` is any Django ``File`` (``UploadedFile``, ``ContentFile``…); ``stem`` is the
    file name without extension that every output is named after ("<stem>.jpg",
    "<stem>-thumb.webp"…). Raises ``ImageRejected`` with a message for the editor when the
    upload is not an image we accept; never raises Pillow's own exceptions for bad input.
    """
    if not stem:
        raise ValueError("stem must be a non-empty file name stem")
    name = os.path.basename(getattr(upload, "name", None) or "") or "không tên"
    data = _read_upload(upload, name)
    source_format = _probe(data, name)
    image = _decode(data, name)
    _check_extension(name, source_format)

    image = _upright(image)
    image = _to_srgb(image)
    image = _normalise_mode(image)
    # Nothing from the upload's metadata (EXIF, GPS, XMP, ICC, comments, PNG text) may reach
    # an output. Pillow copies ``info`` through convert/resize/crop and some encoders read
    # from it (PNG embeds ``info["icc_profile"]``, JPEG ``info["comment"]``), so empty it once
    # here and every derived image starts empty too.
    image.info.clear()

    if image.mode == "RGBA":
        # Keep real transparency (logos, diagrams) lossless in the original; renditions below
        # are flattened because JPEG cannot carry alpha and WebP should look the same as
        # the JPEG fallback served to the same <picture>.
        original_format, original = "PNG", _encode(image, "PNG", optimize=False)
        flat = _flatten(image)
    else:
        original_format = "JPEG"
        original = _encode(image, "JPEG", quality=ORIGINAL_JPEG_QUALITY, optimize=True)
        flat = image
    extension = "png" if original_format == "PNG" else "jpg"

    renditions = {}
    for rendition_name, (max_width, max_height, crop) in RENDITIONS.items():
        resized = _render(flat, max_width, max_height, crop)
        renditions[rendition_name] = {
            "webp": ContentFile(
                _encode(resized, "WEBP", quality=RENDITION_WEBP_QUALITY, method=RENDITION_WEBP_METHOD),
                name=f"{stem}-{rendition_name}.webp",
            ),
            "jpeg": ContentFile(
                _encode(resized, "JPEG", quality=RENDITION_JPEG_QUALITY, optimize=True, progressive=True),
                name=f"{stem}-{rendition_name}.jpg",
            ),
            "width": resized.width,
            "height": resized.height,
        }

    return ProcessedImage(
        original=ContentFile(original, name=f"{stem}.{extension}"),
        width=image.width,
        height=image.height,
        renditions=renditions,
        format=original_format,
        source_format=source_format,
    )


# --- validation -----------------------------------------------------------------------------


def _invalid(name: str) -> ImageRejected:
    return ImageRejected(
        f"Tệp «{name}» không phải là ảnh hợp lệ (chỉ nhận {_ACCEPTED_LIST}).",
        code="invalid",
    )


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> ImageRejected:
    limit = MAX_PIXELS // 1_000_000
    if size:
        width, height = size
        detail = f"«{name}» có {width}×{height} điểm ảnh (khoảng {width * height / 1_000_000:.0f} megapixel)"
    else:
        detail = f"«{name}» vượt xa giới hạn"
    return ImageRejected(
        f"Ảnh có kích thước điểm ảnh quá lớn: {detail}, tối đa {limit} megapixel. Hãy thu nhỏ ảnh rồi tải lên lại.",
        code="too_many_pixels",
    )


def _megabytes(size: int) -> str:
    """Vietnamese decimal comma: 15.3 -> "15,3"."""
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _read_upload(upload, name: str) -> bytes:
    """Read at most the limit + 1 byte, so a huge upload is refused without loading it all.

    The declared ``size`` is trusted only to refuse early; the bytes actually read decide.
    """
    limit = MAX_UPLOAD_BYTES
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(name, declared)
    try:
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        pass  # non-seekable streams are read from where they are
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, declared if declared and declared > limit else len(data))
    if not data:
        raise _invalid(name)
    return data


def _too_large(name: str, size: int) -> ImageRejected:
    return ImageRejected(
        f"Ảnh quá lớn: tệp «{name}» nặng {_megabytes(size)} MB, tối đa {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. "
        "Hãy giảm kích thước ảnh rồi tải lên lại.",
        code="too_large",
    )


def _open(data: bytes) -> Image.Image:
    """Open from memory with only the accepted decoders (lazy: reads the header only)."""
    return Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)


def _probe(data: bytes, name: str) -> str:
    """Identify the format from the bytes and check the header before any pixel is decoded.

    The pixel limit is checked from the header, before ``verify()`` or ``load()``: a PNG of
    20000×20000 white pixels compresses to a few KB but would need 1.6 GB once decoded.
    Pillow's own guard (a warning above ~89 MP, an error above ~179 MP) fires inside
    ``Image.open``; the warning is turned into an error because a warning would let the
    decode go ahead. ``catch_warnings`` is process-global state, hence only around Pillow calls.
    """
    size = None
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open(data) as probe:
                source_format = _FORMAT_ALIASES.get(probe.format, probe.format)
                size = probe.size
                if source_format not in ACCEPTED_FORMATS:
                    raise _invalid(name)
                if size[0] * size[1] > MAX_PIXELS:
                    raise _too_many_pixels(name, size)
                # Structural check (PNG: chunk CRCs) on the still-undecoded file. verify()
                # leaves the object unusable, so ``_decode`` reopens the bytes.
                probe.verify()
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(name, size) from exc
        except Exception as exc:  # Pillow raises many types (OSError, SyntaxError, struct.error…)
            raise _invalid(name) from exc
    return source_format


def _decode(data: bytes, name: str) -> Image.Image:
    """Fully decode the first frame; a truncated or corrupt file fails here.

    ``verify()`` does nothing for JPEG, GIF and WebP, so only a complete decode proves the
    file is readable (Pillow raises "image file is truncated" unless the process-wide
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` was switched on elsewhere). GIF and animated WebP
    open on their first frame, which is the one we keep.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open(data)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels(name, None) from exc
        except Exception as exc:
            raise _invalid(name) from exc
    if image.width * image.height > MAX_PIXELS:  # same header, but never trust a single check
        raise _too_many_pixels(name, image.size)
    return image


def _check_extension(name: str, source_format: str) -> None:
    """Refuse a name whose extension contradicts the content (e.g. a PNG saved as "x.jpg").

    The content alone would be enough for us, but the product asks editors to fix such files:
    they are usually screenshots renamed by hand, and a wrong extension confuses whoever
    downloads the original later. Unknown or missing extensions are judged on content only.
    """
    extension = os.path.splitext(name)[1].lower()
    expected = _EXTENSION_FORMATS.get(extension)
    if expected is not None and expected != source_format:
        raise ImageRejected(
            f"Tệp «{name}» có đuôi {extension} nhưng nội dung là ảnh {_FORMAT_LABELS[source_format]}. "
            "Hãy đổi đúng đuôi tệp hoặc lưu lại ảnh.",
            code="extension_mismatch",
        )


# --- transformation -------------------------------------------------------------------------


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation so pixels are stored the way the photo was taken.

    Once metadata is stripped, browsers can no longer rotate the picture for us. A photo
    with unreadable EXIF is kept as decoded rather than refused: the picture itself is fine.
    """
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _is_srgb(profile) -> bool:
    from PIL import ImageCms

    description = ImageCms.getProfileDescription(profile) or ""
    return "srgb" in description.lower()


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels to sRGB when the upload embeds another colour profile.

    Outputs are stored without an ICC profile, and browsers treat untagged images as sRGB.
    iPhones shoot in Display P3 and some cameras in Adobe RGB: dropping their profile without
    converting would make every such photo look washed out. Best effort: if LittleCMS cannot
    handle the profile, the pixels are kept as they are.
    """
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if _is_srgb(source):
            return image
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
            return image
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode)
        return converted if converted is not None else image
    except Exception:
        return image


def _normalise_mode(image: Image.Image) -> Image.Image:
    """Reduce every decoded mode to RGB, or RGBA when some pixel really is transparent.

    A PNG often has an alpha channel that is fully opaque; treating it as opaque lets it
    become a much smaller JPEG original.
    """
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        # 16-bit greyscale PNG: scale to 8 bits, a plain convert() would clip to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema()[0] < 255:
            return image
    return image if image.mode == "RGB" else image.convert("RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """Composite an RGBA image onto the white page background."""
    flat = Image.new("RGB", image.size, BACKGROUND)
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def _render(image: Image.Image, max_width: int, max_height: int | None, crop: bool) -> Image.Image:
    """Resize for one rendition, never upscaling.

    Cropped renditions keep their aspect ratio (3:2, 1.91:1) even for small sources: the
    box shrinks to the largest one of that ratio the source can fill, then ``ImageOps.fit``
    crops around the centre. A 300×300 source therefore gives a 300×200 thumbnail, not a
    blurry 480×320 one.
    """
    width, height = image.size
    if crop:
        scale = min(1.0, width / max_width, height / max_height)
        box = (max(1, round(max_width * scale)), max(1, round(max_height * scale)))
        return ImageOps.fit(image, box, method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    scale = min(1.0, max_width / width, (max_height / height) if max_height else 1.0)
    if scale >= 1.0:
        return image
    box = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(box, Image.Resampling.LANCZOS)


def _encode(image: Image.Image, format: str, **options) -> bytes:
    """Encode with explicit options only: no ``exif=``, ``icc_profile=``, ``xmp=`` or ``pnginfo=``."""
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()
