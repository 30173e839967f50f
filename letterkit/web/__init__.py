"""letterkit in the browser, and its HTTP API: ``letterkit serve``.

``site`` holds what the server knows (the folder's workspace, the token); ``security`` is
the gate every request passes (token, Host, Origin, size, headers); ``api_v1`` is the HTTP
API under /api/v1; ``pages`` the HTML pages; ``forms`` turns a letter's JSON Schema into a
form and a posted form back into a letter's data; ``server`` runs it all on uvicorn.
Every route calls one method of the folder's ``letterkit.Workspace``; nothing here renders,
stores, merges or diffs by itself.
Imported only by ``letterkit serve``, so the command line's start-up never pays for FastAPI.
"""

from __future__ import annotations

from letterkit.extras import require

require("serve")  # before the modules below import FastAPI: say which extra to install

from letterkit.web.app import create_app  # noqa: E402

__all__ = ["create_app"]
