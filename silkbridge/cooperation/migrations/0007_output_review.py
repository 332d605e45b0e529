# Outputs pass the same review as the records. Existing outputs were public before: the
# defaults (is_published, review status "published") mark every one of them published, and
# their creation time is that of this migration.

import django.db.models.deletion
import django.db.models.manager
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cooperation', '0006_merge_0004_import_job_0005_chain'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='output',
            options={'default_manager_name': 'all_records', 'ordering': ['-year', 'kind'], 'verbose_name': 'output', 'verbose_name_plural': 'outputs'},
        ),
        migrations.AlterModelManagers(
            name='output',
            managers=[
                ('all_records', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name='output',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now, verbose_name='created'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='output',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='updated'),
        ),
        migrations.AddField(
            model_name='output',
            name='is_published',
            field=models.BooleanField(default=True, verbose_name='published'),
        ),
        migrations.AddField(
            model_name='output',
            name='pending',
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='output',
            name='review_comment',
            field=models.TextField(blank=True, verbose_name='comment of the review'),
        ),
        migrations.AddField(
            model_name='output',
            name='review_status',
            field=models.CharField(choices=[('draft', 'Draft (withdrawn)'), ('submitted', 'Submitted for review'), ('sent_back', 'Sent back'), ('published', 'Published')], default='published', max_length=20, verbose_name='review'),
        ),
        migrations.AddField(
            model_name='output',
            name='submitted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by'),
        ),
    ]
