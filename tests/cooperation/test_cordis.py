from pathlib import Path
from typing import Any

import pytest

from silkbridge.cooperation.cordis import PLACEHOLDER, import_cordis
from silkbridge.cooperation.models import Partnership, Project
from silkbridge.registry.models import Organisation
from tests.factories import OrganisationFactory

DATA = Path(__file__).resolve().parent.parent / "data"
ROWS, NAMES = DATA / "cordis_sample.csv", DATA / "cordis_names_sample.csv"


@pytest.mark.django_db
def test_cordis_import_creates_projects_partners_and_links_known_organisations(reference: Any) -> None:
    aarhus = OrganisationFactory(
        name="Aarhus University", names={"da": "Aarhus Universitet"}, country_id="DK", city="Aarhus", kind="education"
    )
    report = import_cordis(ROWS, NAMES)
    assert report.rows == 40 and report.projects_created == 3 and report.partnerships_created == 40
    assert report.organisations_matched >= 1 and report.placeholders == 38 - 25
    aarhus.refresh_from_db()
    assert aarhus.pic == "999997736"
    assert Partnership.objects.filter(organisation=aarhus).exists()
    project = Project.objects.get(partners__organisation=aarhus)
    assert project.external_id.startswith("cordis:h2020:") and "title not in the source file" in project.title
    assert project.currency == "EUR" and project.start_on is not None
    placeholder = Organisation.objects.filter(name__startswith="Unnamed CORDIS participant").first()
    assert placeholder is not None and placeholder.name == PLACEHOLDER.format(pic=placeholder.pic)
    # EU country codes are mapped to ISO 3166-1
    assert not Organisation.objects.filter(country_id__in=["UK", "EL"]).exists()
    assert Organisation.objects.filter(pic__isnull=False, country_id="GB").exists()


@pytest.mark.django_db
def test_cordis_import_twice_changes_nothing(reference: Any) -> None:
    import_cordis(ROWS, NAMES)
    counts = (Project.objects.count(), Organisation.objects.count(), Partnership.objects.count())
    again = import_cordis(ROWS, NAMES)
    assert (again.projects_created, again.organisations_created, again.partnerships_created) == (0, 0, 0)
    assert (Project.objects.count(), Organisation.objects.count(), Partnership.objects.count()) == counts


# The kill test: `import-cordis` in a subprocess (on an SQLite file of its own), stopped with
# SIGKILL in the middle of its writes, leaves the database as it was; a rerun does it all.
KILLED_RUN = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from silkbridge.cooperation.models import Partnership, Project
from silkbridge.registry.models import Organisation

model = {"organisations": Organisation, "projects": Project, "partnerships": Partnership}[sys.argv[1]]
original = type(model.objects).bulk_create

def bulk_create(self, objs, *args, **kwargs):
    result = original(self, objs, *args, **kwargs)
    if self.model is model:
        print("WRITTEN", flush=True)  # these rows are written, inside the import's transaction
        time.sleep(60)
    return result

type(model.objects).bulk_create = bulk_create
call_command("import-cordis", sys.argv[2], "--names", sys.argv[3])
"""

COUNTS = """
import django
django.setup()
from silkbridge.cooperation.models import Partnership, Project
from silkbridge.registry.models import Organisation
print(Organisation.objects.exclude(pic=None).count(), Project.objects.count(), Partnership.objects.count())
"""


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    root = str(Path(__file__).resolve().parent.parent.parent)
    env.update(
        DJANGO_SETTINGS_MODULE="silkbridge.settings", SILKBRIDGE_VAR_DIR=str(tmp_path), SILKBRIDGE_EMBEDDER="fake",
        SILKBRIDGE_TASKS="immediate", PYTHONPATH=root,
    )  # fmt: skip
    return env


def _python(tmp_path: Path, code: str, *args: str) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: Any) -> Path:
    """An SQLite file, migrated and with the reference data, copied by each test."""
    folder = tmp_path_factory.mktemp("cordis-template")
    _python(folder, "import django; django.setup(); from django.core.management import call_command; "
            "call_command('migrate', verbosity=0); call_command('load-reference')")  # fmt: skip
    return folder / "silkbridge.sqlite3"


@pytest.mark.parametrize("step", ["organisations", "projects", "partnerships"])
def test_killing_import_cordis_midway_leaves_the_database_as_it_was(migrated: Path, tmp_path: Path, step: str) -> None:
    import shutil
    import signal
    import subprocess
    import sys

    shutil.copy(migrated, tmp_path / "silkbridge.sqlite3")
    before = _python(tmp_path, COUNTS)
    assert before.split() == ["0", "0", "0"]
    run = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, step, str(ROWS), str(NAMES)],
        env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert run.stdout is not None
        while (line := run.stdout.readline()) and "WRITTEN" not in line:
            pass
        assert "WRITTEN" in line
        run.send_signal(signal.SIGKILL)
    finally:
        run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL
    assert _python(tmp_path, COUNTS) == before  # nothing of the killed run is left
    rerun_code = (
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('import-cordis', sys.argv[1], '--names', sys.argv[2])"
    )
    rerun = _python(tmp_path, rerun_code, str(ROWS), str(NAMES))
    assert "3 projects created, 40 partnerships created" in rerun
    organisations, projects, partnerships = _python(tmp_path, COUNTS).split()
    assert (projects, partnerships) == ("3", "40") and int(organisations) > 0
