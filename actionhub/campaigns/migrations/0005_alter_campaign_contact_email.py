from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0004_demonstration_recurrence_made'),
    ]

    operations = [
        migrations.AlterField(
            model_name='campaign',
            name='contact_email',
            field=models.EmailField(help_text="The organisation's contact address, shown on the campaign's pages (data protection requests go to the DATA_PROTECTION_EMAIL setting).", max_length=254),
        ),
    ]
