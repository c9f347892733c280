"""Point pyalex at a live BZPEER, as the README tells its users to."""

import pyalex
import pyalex.api
import requests


def point_pyalex_at(monkeypatch, base: str) -> None:
    monkeypatch.setitem(pyalex.config, "openalex_url", base)

    class ToLiveServer(requests.Session):  # the README's redirect, for pyalex after 0.16
        def request(self, method, url, *args, **kwargs):
            url = url.replace("https://api.openalex.org", base, 1)
            return super().request(method, url, *args, **kwargs)

    monkeypatch.setattr(pyalex.api, "_get_requests_session", ToLiveServer)
    # Retries would hide a failing answer.
    monkeypatch.setitem(pyalex.config, "max_retries", 0)
