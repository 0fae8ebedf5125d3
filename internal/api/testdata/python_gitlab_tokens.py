"""Lists and revokes personal access tokens with python-gitlab.

Usage: python_gitlab_tokens.py URL TOKEN USER_ID TOKEN_ID
Prints one JSON object: the user's token names before TOKEN_ID is
revoked, and the names of those still active after.
"""
import json
import sys

import gitlab

url, token, user_id, token_id = sys.argv[1:5]
gl = gitlab.Gitlab(url, private_token=token)
seen = {"before": [t.name for t in gl.personal_access_tokens.list(user_id=int(user_id))]}
gl.personal_access_tokens.delete(int(token_id))
seen["active"] = [t.name for t in gl.personal_access_tokens.list(user_id=int(user_id)) if t.active]
print(json.dumps(seen))
