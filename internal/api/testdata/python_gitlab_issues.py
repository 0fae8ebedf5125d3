"""Reads an imported project's issues and merge requests with python-gitlab.

Usage: python_gitlab_issues.py URL TOKEN PROJECT_ID; prints what it saw as JSON.
"""
import json
import sys

import gitlab

gl = gitlab.Gitlab(sys.argv[1], private_token=sys.argv[2])
project = gl.projects.get(int(sys.argv[3]))
issue = project.issues.get(10)
mr = project.mergerequests.get(9)
print(json.dumps({
    "opened": [i.iid for i in project.issues.list(state="opened", get_all=True, per_page=4)],
    "labelled": [i.iid for i in project.issues.list(labels=["test2"], get_all=True)],
    "title": issue.title,
    "author": issue.author["username"],
    "notes": len(issue.notes.list(get_all=True, per_page=3)),
    "discussions": len(issue.discussions.list(get_all=True)),
    "merge_requests": [m.iid for m in project.mergerequests.list(get_all=True, per_page=2)],
    "mr_source": mr.source_branch,
    "mr_notes": len(mr.notes.list(get_all=True)),
    "all_issues": len(gl.issues.list(scope="all", get_all=True)),
}))
