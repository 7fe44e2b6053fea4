from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mailings', '0002_mailing_source_help_text'),
    ]

    operations = [
        migrations.AlterField(
            model_name='mailing',
            name='action',
            field=models.CharField(blank=True, choices=[('', 'Anything: everyone who agreed to hear more'), ('signed', 'Signed the pledge'), ('wrote-to-mp', 'Wrote to their MP'), ('rsvped', 'Said they are coming to a demonstration'), ('asked-brand', 'Asked a brand to commit'), ('group-leaders', 'Leads a community group (leaders who asked for news)')], default='', max_length=16, verbose_name='who did'),
        ),
    ]
