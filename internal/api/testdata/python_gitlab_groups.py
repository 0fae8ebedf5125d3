"""python-gitlab's group import/export flow (its functional test
test_group_import_export), with a group that has content to compare.

Usage: python_gitlab_groups.py URL TOKEN WORKDIR
Creates a group with a sub-group, labels, milestones, badges, a board with
label lists and members; exports it; downloads the archive; imports it
under a new path; prints one JSON object: what the source and the imported
group hold, side by side, and the answers of the export and import calls.
"""
import json
import os
import sys
import time

import gitlab

url, token, workdir = sys.argv[1:4]
gl = gitlab.Gitlab(url, private_token=token)
gl.auth()
seen = {}

# A group with content, made through the API as a user would.
users = [gl.users.create({"username": u, "name": u.title(), "email": u + "@example.com", "password": "s3cret-pass-" + u,
                          "skip_confirmation": True}) for u in ("gita", "gunnar")]
group = gl.groups.create({"name": "Source Group", "path": "source-group", "description": "the source"})
sub = gl.groups.create({"name": "Sub Group", "path": "sub-group", "parent_id": group.id, "description": "a child"})
for g, prefix in ((group, "top"), (sub, "sub")):
    bug = g.labels.create({"name": prefix + "-bug", "color": "#d9534f", "description": "a bug"})
    g.labels.create({"name": prefix + "-feature", "color": "#428bca"})
    ms = g.milestones.create({"title": prefix + " 1.0", "description": "first", "due_date": "2027-01-31",
                              "start_date": "2027-01-01"})
    closed = g.milestones.create({"title": prefix + " 0.9"})
    closed.state_event = "close"
    closed.save()
    g.badges.create({"link_url": "https://example.com/" + prefix, "image_url": "https://example.com/" + prefix + ".svg",
                     "name": prefix + " badge"})
    board = g.boards.create({"name": prefix + " board"})
    board.lists.create({"label_id": bug.id})
group.members.create({"user_id": users[0].id, "access_level": gitlab.const.AccessLevel.DEVELOPER})
sub.members.create({"user_id": users[1].id, "access_level": gitlab.const.AccessLevel.MAINTAINER})


def content(g):
    """What a group holds, without ids (they change on import)."""
    g = gl.groups.get(g.id)
    boards = []
    for b in g.boards.list(get_all=True):
        lists = [(l.label["name"], l.position) for l in b.lists.list(get_all=True)]
        boards.append({"name": b.name, "lists": lists})
    return {
        "name": g.name, "description": g.description, "visibility": g.visibility,
        "labels": sorted((l.name, l.color, l.description) for l in g.labels.list(get_all=True, only_group_labels=True)),
        "milestones": sorted((m.title, m.description, m.state, m.due_date, m.start_date) for m in g.milestones.list(get_all=True)),
        "badges": sorted((b.name, b.link_url, b.image_url) for b in g.badges.list(get_all=True)),
        "boards": sorted(boards, key=lambda b: b["name"]),
        "members": sorted((m.username, m.access_level) for m in g.members.list(get_all=True)),
        "subgroups": sorted(s.path for s in g.subgroups.list(get_all=True)),
    }


def wait(path, key):
    """Polls one of Ferry's status routes until the job has ended
    (python-gitlab's test sleeps 10 s: GitLab has no such route)."""
    for _ in range(1200):
        status = gl.http_get(path)
        if status[key] in ("finished", "failed"):
            return status
        time.sleep(0.05)
    return status


# python-gitlab's flow, unchanged in substance: export, download, import.
export = group.exports.create()
seen["export_message"] = export.message
seen["export_status"] = wait("/ferry/groups/%d/export" % group.id, "export_status")["export_status"]
archive = os.path.join(workdir, "gitlab-group-export.tgz")
with open(archive, "wb") as f:
    export.download(streamed=True, action=f.write)
with open(archive, "rb") as f:
    seen["download_gzip"] = f.read(2) == b"\x1f\x8b"
with open(archive, "rb") as f:
    output = gl.groups.import_group(f, "imported_group", "Imported Group")
seen["import_message"] = output["message"]

imported = gl.groups.get("imported_group")
status = wait("/ferry/groups/%d/import" % imported.id, "import_status")
seen["import_status"] = status["import_status"]
seen["import_error"] = status.get("import_error")
seen["imported_path"] = imported.path
seen["imported_name"] = imported.name

source, copy = content(group), content(imported)
source_sub = content(sub)
copy_sub = content(gl.groups.get("imported_group/sub-group"))
seen["source"], seen["copy"] = source, copy
seen["source_sub"], seen["copy_sub"] = source_sub, copy_sub
print(json.dumps(seen))
