"""JupyterHub for the course on one machine: real Unix users, a formgrader service per course (section),
nbgrader's exchange.

hubctl.py start runs `jupyterhub -f deploy/hub/jupyterhub_config.py` with BILLCODE_HUB_STATE set to the folder
whose hub.json (written by hubctl.py setup) names the courses, the accounts, the ports and the secrets.
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)
state = Path(os.environ["BILLCODE_HUB_STATE"])
cfg = json.loads((state / "hub.json").read_text(encoding="utf-8"))
if "courses" not in cfg:  # a deployment set up before sections: one course, its settings at the top
    cfg["courses"] = {cfg["course"]: {"name": cfg["course"], **cfg}}
courses = list(cfg["courses"].values())
venv_bin = Path(cfg["venv"]) / "bin"
jupyter = state / "jupyter"
staff = {name for one in courses for name in (one["grader"], *one["instructors"])}
students = {name for one in courses for name in one["students"]}

# The hub, its database and secrets; the proxy from npm; everything on localhost (TLS belongs in front of it).
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = cfg["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = cfg["hub_port"]
c.JupyterHub.db_url = f"sqlite:///{state / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "hub" / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [cfg["proxy"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{cfg['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = str(state / "hub" / "proxy.pid")
c.JupyterHub.cleanup_servers = True

# The try-out's login: one shared password for the course's accounts (use PAM or OAuth for a real class).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = cfg["password"]
c.Authenticator.allowed_users = staff | students

# Each user's server runs as that Unix user, from the shared venv (it holds the course package and its kernel).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 120
c.Spawner.environment = {
    "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
    # Staff see every nbgrader panel; students get the Assignments panel only (the others disabled and locked).
    "JUPYTER_CONFIG_PATH": lambda spawner: (f"{jupyter / ('staff' if spawner.user.name in staff else 'student')}"
                                            f":{jupyter / 'common'}"),
}

# Each course's formgrader: a hub-managed server running as that course's grader account in its course root.
c.JupyterHub.services = [{
    "name": one["name"],
    "url": f"http://127.0.0.1:{one['service_port']}",
    "command": [str(venv_bin / "jupyterhub-singleuser"), "--ServerApp.default_url=/formgrader"],
    "user": one["grader"],
    "cwd": str(Path(cfg["home_base"]) / one["grader"] / one["name"]),
    "api_token": one["service_token"],
    "oauth_no_confirm": True,
    "environment": {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_CONFIG_PATH": f"{jupyter / 'staff'}:{jupyter / 'common'}",
        "HOME": str(Path(cfg["home_base"]) / one["grader"]),
        "LANG": "C.UTF-8",
        **({"BILLCODE_SANDBOX": os.environ["BILLCODE_SANDBOX"]} if "BILLCODE_SANDBOX" in os.environ else {}),
    },
} for one in courses]

# Groups: who may use each formgrader, who takes each course (nbgrader's JupyterHubAuthPlugin reads these).
c.JupyterHub.load_groups = {}
c.JupyterHub.load_roles = [
    # nbgrader's server extensions call the hub with the server's own token: let it act as its user.
    {"name": "server", "scopes": ["inherit"]},
]
for one in courses:
    course = one["name"]
    c.JupyterHub.load_groups[f"formgrade-{course}"] = {"users": sorted({one["grader"], *one["instructors"]})}
    c.JupyterHub.load_groups[f"nbgrader-{course}"] = {"users": sorted({*one["instructors"], *one["students"]})}
    c.JupyterHub.load_roles += [
        {"name": f"formgrade-{course}", "groups": [f"formgrade-{course}"],
         "scopes": [f"access:services!service={course}"]},
        # The course list and Assignments panel look the course's service up (nbgrader#1831 without read:services).
        {"name": f"nbgrader-{course}", "groups": [f"nbgrader-{course}"],
         "scopes": ["list:services", f"read:services!service={course}"]},
        {"name": f"{course}-service", "services": [course],
         "scopes": ["list:users", "read:users", "read:users:groups", "list:groups", "read:groups", "groups",
                    "admin:groups", "list:services"]},
    ]
