"""The image upload endpoint CKEditor 5 calls from the article editor."""
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from communes.selectors import user_commune_ids

from .images import ImageRejected
from .models import BodyImage
from .services import image_upload_process


@require_POST
def body_image_upload(request):
    """Runs the upload through the Pillow pipeline; answers CKEditor's JSON in Vietnamese."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        return JsonResponse({"error": {"message": "Bạn cần đăng nhập để tải ảnh."}}, status=403)
    communes = user_commune_ids(user)
    commune = request.commune
    if commune is None or (not user.is_superuser and commune.pk not in communes):
        if not communes:
            return JsonResponse({"error": {"message": "Bạn không thuộc đơn vị nào."}}, status=403)
        commune_id = min(communes)
    else:
        commune_id = commune.pk
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": "Không nhận được tệp ảnh."}}, status=400)
    try:
        name, renditions = image_upload_process(upload, folder="body")
    except ImageRejected as error:
        return JsonResponse({"error": {"message": error.message}}, status=400)
    BodyImage.objects.create(commune_id=commune_id, image=name, renditions=renditions, uploaded_by=user)
    content = renditions.get("content", {})
    return JsonResponse({"url": default_storage.url(content.get("jpeg") or name)})
