from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supporters', '0007_alter_consent_purpose'),
    ]

    operations = [
        migrations.AlterField(
            model_name='consent',
            name='purpose',
            field=models.CharField(choices=[('sign-pledge', 'Sign the pledge'), ('show-name', 'Show my first name on the site'), ('campaign-emails', 'Email me about this campaign'), ('pass-to-mp', 'Pass my letter and details to my MP'), ('pass-to-brand', 'Pass my letter and details to a brand'), ('rsvp', 'Keep my details to organise an event I am coming to'), ('group-leader', "Keep my details to run a community group's page"), ('group-news', 'Email me news for community group leaders')], max_length=32),
        ),
    ]
