"""Exports a group with python-gitlab, as a migration script would.

Usage: python_gitlab_group_export.py URL TOKEN GROUP OUT
GitLab has no status route for group exports: the script waits on
Ferry's GET /ferry/groups/:id/export, then downloads the archive streamed.
Prints one JSON object with what it saw.
"""
import json
import sys
import tarfile
import time

import gitlab

url, token, group_path, out = sys.argv[1:5]
gl = gitlab.Gitlab(url, private_token=token)
group = gl.groups.get(group_path)
seen = {}
export = group.exports.create()
seen["create"] = export.attributes.get("message")
status = {}
for _ in range(600):
    status = gl.http_get(f"/ferry/groups/{group.id}/export")
    if status["export_status"] in ("finished", "failed"):
        break
    time.sleep(0.05)
seen["export_status"] = status["export_status"]
with open(out, "wb") as f:
    export.download(streamed=True, action=f.write)
with tarfile.open(out, "r:gz") as tar:
    names = tar.getnames()
    seen["all"] = tar.extractfile("./tree/groups/_all.ndjson").read().decode().split()
seen["has_group_json"] = f"./tree/groups/{group.id}.json" in names
print(json.dumps(seen))
