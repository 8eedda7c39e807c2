from django import forms

from chibo.lib import vntext


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ",
        max_length=100,
        help_text="Ví dụ: Bảng tính tổng hợp của Văn phòng.",
    )

    def clean_name(self) -> str:
        name = vntext.nfc(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Hãy nhập tên gợi nhớ.")
        return name
