"""The working calendar as data: the extra-holiday table becomes the calendar's days (a day
off or a make-up working day), and each year of the calendar gets its source note."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_regimes")]

    operations = [
        migrations.RenameModel("Holiday", "CalendarDay"),
        migrations.AddField(
            model_name="calendarday",
            name="kind",
            field=models.CharField(
                choices=[("off", "Ngày nghỉ"), ("make_up", "Ngày làm bù")],
                default="off",
                max_length=8,
                verbose_name="loại",
            ),
        ),
        migrations.AlterField(
            model_name="calendarday",
            name="day",
            field=models.DateField(unique=True, verbose_name="ngày"),
        ),
        migrations.AlterModelOptions(
            name="calendarday",
            options={
                "ordering": ["day"],
                "verbose_name": "ngày nghỉ, ngày làm bù",
                "verbose_name_plural": "ngày nghỉ, ngày làm bù",
            },
        ),
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="năm")),
                (
                    "source",
                    models.TextField(
                        help_text="Thông báo nghỉ lễ, Tết của năm; ghi [?] chỗ chưa đối chiếu được.",
                        verbose_name="nguồn",
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(
                        default=False,
                        help_text="Bỏ chọn khi lịch của năm còn là dự kiến hoặc chưa đối chiếu ([?]).",
                        verbose_name="đã đối chiếu văn bản chính thức",
                    ),
                ),
            ],
            options={
                "verbose_name": "lịch làm việc năm",
                "verbose_name_plural": "lịch làm việc theo năm",
                "ordering": ["year"],
            },
        ),
    ]
