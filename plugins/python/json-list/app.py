"""A rollcall tracker in Python (componentize-py): the `plugin new` sample, in a second language.

It reads `{base-url}/{project}/releases.json`, a list like
`[{"version": "1.2.0", "date": "2025-09-01"}]`, and returns the releases. Built with

    componentize-py -d ../../../wit -w tracker componentize app -o json_list.wasm

it runs under the same host, with the same sandbox and grants, as the Rust trackers.
"""

import json
import re
from typing import List, Tuple

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import http, types

DEFAULT_BASE = "https://releases.example.org"
# The SDK's rule: a version with a letter word other than a known release marker is a test
# release (alpha, beta, rc, dev, pre, snapshot, …).
PRERELEASE = re.compile(r"(?i)(alpha|beta|rc|dev|pre|preview|snapshot|nightly|a|b)\d*")


def is_prerelease(version: str) -> bool:
    return any(PRERELEASE.fullmatch(word) for word in re.findall(r"[A-Za-z]+\d*", version))


class Tracking(exports.Tracking):
    def describe(self) -> types.PluginInfo:
        return types.PluginInfo(
            name="json-list-py",
            version="0.1.0",
            summary="a project's releases from a JSON list (a Python tracker)",
            hosts=["releases.example.org"],
            settings=[
                types.SettingInfo(
                    name="base-url",
                    description="where the upstream lives; its host is granted",
                    required=False,
                    default=DEFAULT_BASE,
                ),
                types.SettingInfo(
                    name="project",
                    description="the project's name",
                    required=True,
                    default=None,
                ),
            ],
        )

    def poll(self, settings: List[Tuple[str, str]]) -> types.UpstreamData:
        given = dict(settings)
        base = given.get("base-url", DEFAULT_BASE).strip().rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise Err(types.Error_Config(f"setting `base-url` = `{base}` must start with `https://`"))
        project = given.get("project")
        if not project:
            raise Err(types.Error_Config("setting `project` is required"))
        url = f"{base}/{project}/releases.json"
        response = http.get(url, [("accept", "application/json")])
        if response.status != 200:
            raise Err(types.Error_Status(types.HttpStatusError(url=url, status=response.status)))
        try:
            entries = json.loads(bytes(response.body))
        except ValueError as e:
            raise Err(types.Error_Parse(f"`{url}` is not JSON: {e}"))
        releases = [
            types.Release(
                version=str(entry["version"]),
                date=entry.get("date"),
                prerelease=is_prerelease(str(entry["version"])),
                line=None,
                url=None,
            )
            for entry in entries
        ]
        if not releases:
            raise Err(types.Error_Parse(f"`{url}` lists no releases"))
        return types.UpstreamData(releases=releases, lines=[], listing=types.Listing.WINDOW)
