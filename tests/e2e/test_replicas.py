"""docker-compose.yml's `replicas` profile where no Docker engine is (this project's machines):
its nginx configuration, deploy/nginx/replicas.conf, run by a real nginx in front of two real app
processes on one PostgreSQL database. Only what Compose itself provides is stood in for: the
service name `app-replica` resolving to the two replicas, and nginx's port. The compose file's
own shape is checked in tests/unit/test_deploy.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from settings import PROJECT_DIR
from tests.support.accounts import signup
from tests.support.dbservers import PostgresServer
from tests.support.live import Server, call
from tests.support.ports import HOST, free_port
from tests.support.skips import skip_or_fail
from tests.support.sse import EventStream
from tests.support.tokens import SECRET

pytestmark = pytest.mark.slow

NGINX_CONF = PROJECT_DIR / "deploy" / "nginx" / "replicas.conf"
# What the nginx image's own nginx.conf gives around conf.d/*.conf, in a directory of the test's.
MAIN_CONF = """
{user}
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
events {{}}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/default.conf;
}}
"""


@pytest.fixture
def replicas(postgres_server: PostgresServer, tmp_path: Path) -> Iterator[list[Server]]:
    url = postgres_server.create_database("replicas")
    env = {
        "DATABASE_URL": url,
        "JWT_SECRET": SECRET,
        "BCRYPT_ROUNDS": "4",
        "DATA_DIR": str(tmp_path / "data"),
    }
    started: list[Server] = []
    try:
        for _ in range(2):
            started.append(Server(env).start())
        yield started
    finally:
        for server in started:
            server.stop()
        postgres_server.drop_database("replicas")
    for server in started:
        assert "Traceback" not in server.output()


@pytest.fixture
def proxy(replicas: list[Server], tmp_path: Path) -> Iterator[str]:
    """nginx with deploy/nginx/replicas.conf: `app-replica:7860` stands for the two replicas."""
    nginx = shutil.which("nginx") or skip_or_fail("nginx is not installed (scripts/install-test-deps.sh)")
    conf = NGINX_CONF.read_text()
    assert conf.count("server app-replica:7860;") == 1 and conf.count("listen 80;") == 1
    port = free_port()
    servers = "\n    ".join(f"server {HOST}:{server.port};" for server in replicas)
    conf = conf.replace("server app-replica:7860;", servers).replace("listen 80;", f"listen {HOST}:{port};")
    (tmp_path / "default.conf").write_text(conf)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(MAIN_CONF.format(user=user, dir=tmp_path))
    process = subprocess.Popen(
        [nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"]
    )
    try:
        base = f"http://{HOST}:{port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                if call("GET", f"{base}/livez", timeout=1).status == 200:
                    break
            except OSError:
                pass
            error_log = tmp_path / "error.log"
            assert time.monotonic() < deadline, error_log.read_text() if error_log.exists() else "no nginx"
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def test_nginx_sends_requests_to_both_replicas(replicas: list[Server], proxy: str) -> None:
    for _ in range(10):
        assert call("GET", f"{proxy}/health?through=nginx").status == 200
    served = [len(re.findall(r'"GET /health\?through=nginx HTTP', server.output())) for server in replicas]
    assert sum(served) == 10 and min(served) >= 3, served


def test_the_replicas_answer_as_one_service_on_the_proxys_address(replicas: list[Server], proxy: str) -> None:
    """The client's host reaches the app (task URLs), and a token from one replica works on the other."""
    token = signup(replicas[0])["access_token"]
    for number in range(4):
        created = call("POST", f"{proxy}/api/tasks", {"title": f"task {number}"}, token)
        assert created.status == 201
        # The body's url (nginx would rewrite a Location naming its upstream, not the body).
        assert created.body["url"] == f"{proxy}/api/tasks/{created.body['id']}"
    listed = call("GET", f"{proxy}/api/tasks", None, token)
    assert sorted(task["title"] for task in listed.body) == [f"task {n}" for n in range(4)]


def test_events_reach_a_stream_through_nginx_whichever_replica_took_the_write(
    replicas: list[Server], proxy: str
) -> None:
    """nginx buffers what it proxies unless the response says not to; the replica holding the
    stream hears of writes made on the other one."""
    token = signup(replicas[0])["access_token"]
    stream = EventStream(f"{proxy}/api/events", token)
    assert stream.status == 200 and stream.next().comments == ["connected"]
    for number in range(4):  # nginx takes turns: the writes land on both replicas
        started = time.monotonic()
        assert call("POST", f"{proxy}/api/tasks", {"title": f"heard {number}"}, token).status == 201
        heard = stream.events(1 + (number == 0))[-1]
        assert heard.json()["data"]["task"]["title"] == f"heard {number}"
        assert time.monotonic() - started < 2.0
    stream.close()
