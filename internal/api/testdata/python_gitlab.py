"""Drives Ferry with python-gitlab, as a migration script would.

Usage: python_gitlab.py URL TOKEN ARCHIVE
Prints one JSON object with what it saw.
"""
import json
import sys
import time

import gitlab

url, token, archive = sys.argv[1:4]
gl = gitlab.Gitlab(url, private_token=token)
gl.auth()
seen = {"user": gl.user.username}

with open(archive, "rb") as f:
    out = gl.projects.import_project(f, path="from-python", name="From Python", overwrite=False,
                                     override_params={"visibility": "internal"})
seen["import_create"] = out["import_status"]
project = gl.projects.get(out["id"], lazy=True)
status = project.imports.get()
for _ in range(600):
    if status.import_status in ("finished", "failed"):
        break
    time.sleep(0.05)
    status.refresh()
seen["import_status"] = status.import_status
seen["visibility"] = gl.projects.get(out["id"]).visibility

# What the project holds as imported, read page by page through Link.
for name, manager in [("releases", project.releases), ("pipelines", project.pipelines), ("jobs", project.jobs),
                      ("protected_branches", project.protectedbranches), ("protected_tags", project.protectedtags),
                      ("badges", project.badges), ("snippets", project.snippets), ("events", project.events)]:
    seen[name] = len(manager.list(get_all=True, per_page=2))
seen["release_tag"] = project.releases.get("release-1.0").tag_name

export = project.exports.create({"description": "from python"})
for _ in range(600):
    export.refresh()
    if export.export_status in ("finished", "failed"):
        break
    time.sleep(0.05)
seen["export_status"] = export.export_status
data = export.download()
seen["download_bytes"] = len(data)
seen["download_gzip"] = data[:2] == b"\x1f\x8b"
print(json.dumps(seen))
