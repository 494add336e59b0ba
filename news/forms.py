import uuid

from captcha.fields import CaptchaField
from django import forms

CONSENT_TEXT = (
    "Tôi đồng ý để Ban Biên tập xử lý họ tên và thư điện tử tôi cung cấp, chỉ nhằm duyệt và hiển thị "
    "ý kiến này (không công bố thư điện tử), theo Luật Bảo vệ dữ liệu cá nhân năm 2025."
)


class CommentForm(forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=100, error_messages={"required": "Hãy nhập họ và tên."})
    email = forms.EmailField(
        label="Thư điện tử (không bắt buộc, không công bố)", required=False,
        error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    )
    body = forms.CharField(
        label="Ý kiến của bạn", max_length=3000, widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Hãy nhập ý kiến.", "max_length": "Ý kiến dài tối đa 3.000 ký tự."},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT, required=True,
        error_messages={"required": "Cần đánh dấu đồng ý xử lý dữ liệu cá nhân để gửi ý kiến."},
    )
    captcha = CaptchaField(
        label="Mã xác nhận (gõ các ký tự trong ảnh)",
        error_messages={
            "invalid": "Mã xác nhận chưa đúng, hãy thử lại với mã mới.", "required": "Hãy nhập mã xác nhận.",
        },
    )
    submission_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # A field people never see: bots that fill every input give themselves away.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission_id"] = uuid.uuid4()
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("Không gửi được ý kiến.")
        return ""
