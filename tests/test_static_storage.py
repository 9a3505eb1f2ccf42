"""Production's static storage gives whitenoise's URLs, each worked out once per process."""

import json

import pytest

from config.static_storage import KeptUrlsManifestStaticFilesStorage
from tests.test_settings import PRODUCTION, _settings


@pytest.fixture
def storage(tmp_path, settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123abcd.css"}, "version": "1.1"})
    )
    return KeptUrlsManifestStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_files_url_is_the_manifests_and_worked_out_once(storage, monkeypatch):
    looked_up: list[str] = []
    stored_name = storage.stored_name

    def counted(name: str) -> str:
        looked_up.append(name)
        return stored_name(name)

    monkeypatch.setattr(storage, "stored_name", counted)
    for _ in range(3):
        assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert looked_up == ["css/site.css"]


def test_a_file_missing_from_the_manifest_is_refused_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/gone.css")


def test_production_uses_it():
    values = _settings("STORAGES", **PRODUCTION)
    backend = values["STORAGES"]["staticfiles"]["BACKEND"]
    assert backend == "config.static_storage.KeptUrlsManifestStaticFilesStorage"


def test_in_debug_the_unhashed_name_is_given_and_nothing_kept(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
    settings.DEBUG = False
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
