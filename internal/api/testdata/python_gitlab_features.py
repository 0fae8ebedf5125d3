"""Drives Ferry's feature flags with python-gitlab.

It repeats what python-gitlab's own functional test of remote-import-s3
does (turn the import_project_from_remote_file_s3 flag on with
gl.features.set, then import from an S3 object that cannot be read and
expect a 400 naming the object), then turns the flag off and lists and
deletes flags.

Usage: python_gitlab_features.py URL TOKEN
Prints one JSON object with what it saw.
"""
import json
import sys

import gitlab

url, token = sys.argv[1:3]
gl = gitlab.Gitlab(url, private_token=token)
seen = {}


def import_s3():
    try:
        gl.projects.remote_import_s3(
            "remote-project", "aws-region", "aws-bucket-name", "aws-file-key",
            "aws-access-key-id", "secret-access-key", "remote-project", "root")
    except gitlab.exceptions.GitlabImportError as err:
        return err.response_code, err.error_message
    return None, None


flag = gl.features.set("import_project_from_remote_file_s3", True)
seen["set_state"] = flag.state
seen["set_gates"] = flag.gates
seen["s3_code"], seen["s3_message"] = import_s3()

gl.features.set("import_project_from_remote_file_s3", False)
seen["off_code"], seen["off_message"] = import_s3()

gl.features.set("some_unknown_flag", 25)
seen["listed"] = sorted((f.name, f.state) for f in gl.features.list())
gl.features.delete("some_unknown_flag")
gl.features.delete("import_project_from_remote_file_s3")
seen["after_delete"] = [f.name for f in gl.features.list()]
seen["default_code"], _ = import_s3()
print(json.dumps(seen))
