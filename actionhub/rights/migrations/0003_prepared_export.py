import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rights', '0002_datarequest'),
        ('supporters', '0008_alter_consent_purpose'),
    ]

    operations = [
        migrations.CreateModel(
            name='PreparedExport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('json', 'JSON'), ('csv', 'CSV files (a zip)')], max_length=8)),
                ('asked_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('ready_at', models.DateTimeField(blank=True, null=True)),
                ('content', models.BinaryField(blank=True, null=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prepared_exports', to='supporters.person')),
            ],
        ),
    ]
