from django.db import migrations, models


def brand_letters_ask_to_commit(apps, schema_editor):
    """The letters to brands so far asked brands to commit: say so."""
    LetterTemplate = apps.get_model("campaigns", "LetterTemplate")
    LetterTemplate.objects.filter(recipient="brand").update(for_brands="not-committed")


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_lettertemplate_recipient'),
    ]

    operations = [
        migrations.AddField(
            model_name='lettertemplate',
            name='for_brands',
            field=models.CharField(blank=True, choices=[('not-committed', 'Brands that have not committed: ask them to commit'), ('committed', 'Brands that have committed: thank them, ask for more'), ('overdue', 'Brands past the deadline of their commitment: ask why')], help_text='For a letter to brands: the brands it is offered to. Empty for MPs.', max_length=16),
        ),
        migrations.RunPython(brand_letters_ask_to_commit, migrations.RunPython.noop),
    ]
