"""Password rules in Vietnamese. Django's validators are kept; only where its Vietnamese
catalogue lacks the current message (the minimum length since Django 5.x) is it said here."""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."
