"""Reminders become outbox rows (zibo_edu/lib/outbox.py), and a returned figure's email a row of
its own (ReturnEmail). Every reminder recorded before was sent inline with its claim: it is marked
sent, at the time it was recorded."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def sent_when_recorded(apps, schema_editor) -> None:
    Reminder = apps.get_model("targets", "Reminder")
    Reminder.objects.filter(created_at__isnull=False).update(
        sent_at=models.F("created_at"), state_since=models.F("created_at")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0003_names_single_line'),
        ('targets', '0014_names_single_line'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminder',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='body',
            field=models.TextField(blank=True, verbose_name='message'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='last_error',
            field=models.TextField(blank=True, verbose_name='last error'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='queued_at',
            field=models.DateTimeField(blank=True, help_text='When its next step was last signalled to the task queue (empty: never).', null=True, verbose_name='queued at'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='sent at'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='state',
            # the rows already there were sent inline: sent; a new row starts queued (below)
            field=models.CharField(choices=[('queued', 'queued'), ('sending', 'sending'), ('sent', 'sent'), ('failed', 'failed')], default='sent', max_length=10, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='state',
            field=models.CharField(choices=[('queued', 'queued'), ('sending', 'sending'), ('sent', 'sent'), ('failed', 'failed')], default='queued', max_length=10, verbose_name='state'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='state_since',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='in this state since'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='subject',
            field=models.CharField(blank=True, max_length=255, verbose_name='subject'),
        ),
        migrations.AddField(
            model_name='reminder',
            name='sweeps',
            field=models.PositiveSmallIntegerField(default=0, help_text='How often the sweep had to take the row back or signal it again.', verbose_name='taken up by the sweep'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='created_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='created at'),
        ),
        migrations.CreateModel(
            name='ReturnEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state_since', models.DateTimeField(default=django.utils.timezone.now, verbose_name='in this state since')),
                ('queued_at', models.DateTimeField(blank=True, help_text='When its next step was last signalled to the task queue (empty: never).', null=True, verbose_name='queued at')),
                ('sweeps', models.PositiveSmallIntegerField(default=0, help_text='How often the sweep had to take the row back or signal it again.', verbose_name='taken up by the sweep')),
                ('state', models.CharField(choices=[('queued', 'queued'), ('sending', 'sending'), ('sent', 'sent'), ('failed', 'failed')], default='queued', max_length=10, verbose_name='state')),
                ('subject', models.CharField(blank=True, max_length=255, verbose_name='subject')),
                ('body', models.TextField(blank=True, verbose_name='message')),
                ('recipients', models.TextField(blank=True, verbose_name='recipients')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('created_at', models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='created at')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('district', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='return_emails', to='departments.district')),
            ],
            options={
                'verbose_name': 'return email',
                'verbose_name_plural': 'return emails',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.RunPython(sent_when_recorded, migrations.RunPython.noop),
    ]
