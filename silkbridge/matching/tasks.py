from django_tasks import task

from silkbridge.matching import index


@task()
def refresh_index(requested_at: float) -> bool:
    """Bring the index up to date with every change committed before ``requested_at``;
    a no-op when a newer rebuild already did (many edits cost one rebuild)."""
    return index.rebuild(requested_at=requested_at)
