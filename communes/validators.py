"""Upload validation by content, never by file name or declared content type."""
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000


def validate_image_upload(upload):
    """Refuse non-images, unknown formats, oversize files and decompression bombs."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationError(
            "Ảnh quá lớn (%(size)s MB). Dung lượng tối đa là 15 MB.",
            params={"size": round(size / 1024 / 1024, 1)},
            code="image_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "Ảnh có kích thước quá lớn (%(w)s × %(h)s điểm ảnh).",
                    params={"w": width, "h": height},
                    code="image_too_many_pixels",
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise ValidationError(
            "Ảnh có kích thước điểm ảnh quá lớn, không thể xử lý an toàn.", code="image_too_many_pixels"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "Tệp tải lên không phải là ảnh hợp lệ (chỉ nhận JPEG, PNG, WebP, GIF).",
            code="invalid_image",
        ) from error
    finally:
        if position is not None:
            upload.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            "Định dạng ảnh %(format)s không được hỗ trợ (chỉ nhận JPEG, PNG, WebP, GIF).",
            params={"format": image_format},
            code="invalid_image_format",
        )
