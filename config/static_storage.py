"""whitenoise's compressed manifest storage, each file's URL worked out once per process.

A page names its stylesheet, icon and scripts through `{% static %}`: with the manifest, each
call cleans the name, looks up its hashed name and joins and quotes the URL, about 40 us, three
times for every article page built. The manifest is read once, when the storage is made, so a
name's URL cannot change during the process: it is kept after its first use. (In DEBUG, where
the URL is the unhashed name, nothing is kept.)
"""

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptUrlsManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name: Any, force: bool = False) -> str:
        if settings.DEBUG and not force:
            return str(super().url(name, force))
        key = (name, force)
        url = self._urls.get(key)
        if url is None:  # a missing file raises (manifest_strict): nothing kept
            url = self._urls[key] = str(super().url(name, force))
        return url
