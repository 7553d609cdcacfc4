"""Real PostgreSQL and MariaDB servers for the test suite, from Debian's packages.

Each server runs from temporary directories, listens on 127.0.0.1 on a free port and
has a password-authenticated user `todo` (password `todo`) that may create databases:

    with PostgresServer(tmp_path) as server:
        url = server.create_database("todo_test")  # postgresql://todo:todo@127.0.0.1:PORT/todo_test
        server.restart()  # same port, same data: clients reconnect to the same URL

Install the binaries with `scripts/install-db-servers.sh`. The server processes are
children of the test process: they are stopped at exit (atexit) and killed when the
thread that started them ends (parent-death signal), so start them from the main thread.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, NoReturn, Self

from tests.support.ports import HOST, free_port

__all__ = ["MariaDBServer", "PostgresServer"]

USER = "todo"
PASSWORD = "todo"
DATABASE = "todo"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0

DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
INSTALL_HINT = "run scripts/install-db-servers.sh"


def is_root() -> bool:
    return os.geteuid() == 0


def find_tool(name: str) -> str | None:
    """`shutil.which`, also searching the sbin directories missing from a user's PATH."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin"])
    return shutil.which(name, path=path)


def has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def check_name(name: str) -> str:
    if DATABASE_NAME.fullmatch(name) is None:
        raise ValueError(f"Invalid database name: {name!r}")
    return name


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def process_state(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process from /proc, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    state, ppid = stat.rpartition(")")[2].split()[:2]
    return state, int(ppid)


def children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        state = process_state(int(name)) if name.isdigit() else None
        if state is not None and state[1] == pid:
            found.append(int(name))
    return found


def wait_dead(pids: list[int], timeout: float) -> None:
    """Wait until none of `pids` runs; zombies count as dead (PID 1 may never reap them)."""
    deadline = time.monotonic() + timeout
    while any(state is not None and state[0] != "Z" for state in map(process_state, pids)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"Processes {pids} still running after SIGKILL")
        time.sleep(0.02)


class DatabaseServer:
    """Lifecycle shared by both servers: start, stop, kill, restart and cleanup."""

    name: str
    scheme: str
    stop_signal: signal.Signals
    tools: tuple[str, ...]

    def __init__(self, base_dir: str | os.PathLike[str]) -> None:
        available, reason = self.available()
        if not available:
            raise RuntimeError(reason)
        self.base_dir = Path(base_dir)
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.base_dir / f"{self.name}.log"
        # Short private directory: unix socket paths are limited to 107 bytes.
        self.run_dir = Path(tempfile.mkdtemp(prefix=f"dbservers-{self.name}-"))
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._initialized = False
        atexit.register(self.close)

    @classmethod
    def available(cls) -> tuple[bool, str]:
        """Whether the server binaries are installed, and if not, why."""
        raise NotImplementedError()

    @property
    def url(self) -> str:
        """URL of the default database, `todo`."""
        return self.database_url(DATABASE)

    def database_url(self, name: str) -> str:
        if self.port is None:
            raise RuntimeError(f"{self.name} has not been started")
        return f"{self.scheme}://{USER}:{PASSWORD}@{HOST}:{self.port}/{name}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the server, initialising its data directory on first start."""
        if self._process is not None:
            raise RuntimeError(f"{self.name} is already running")
        if self.port is None:
            self.port = free_port()
        if not self._initialized:
            self._initialize()
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                ["setpriv", "--pdeathsig", "KILL", "--", *self._server_command()],
                cwd=self.run_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self._run_as(),
            )
        self._wait_until_ready(self._process)
        if not self._initialized:
            self._create_user()
            self._initialized = True

    def stop(self) -> None:
        """Shut the server down cleanly and wait for it to exit."""
        if self._process is None:
            return
        self._process.send_signal(self.stop_signal)
        try:
            self._process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
        self._process = None

    def kill(self) -> None:
        """SIGKILL the server and its child processes, like a crash. Data is kept."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return  # Already reaped: its PID may belong to another process by now.
        process.send_signal(signal.SIGSTOP)  # No new children while we collect them.
        pids = [process.pid, *children(process.pid)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait()
        wait_dead(pids, STOP_TIMEOUT)

    def restart(self) -> None:
        """Stop, then start again on the same port with the same data."""
        self.stop()
        self.start()

    def close(self) -> None:
        """Stop the server and remove its private directory."""
        self.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        atexit.unregister(self.close)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _wait_until_ready(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready():
            if process.poll() is not None:
                self._fail(f"exited with code {process.returncode}")
            if time.monotonic() > deadline:
                self._fail(f"did not accept connections within {START_TIMEOUT:.0f}s")
            time.sleep(0.05)

    def _fail(self, problem: str) -> NoReturn:
        self.kill()
        tail = log_tail(self.log_path)
        raise RuntimeError(f"{self.name} on port {self.port} {problem}; {self.log_path} ends with:\n{tail}")

    def _run(self, *args: str | os.PathLike[str], **kwargs: Any) -> None:
        """Run a helper command; raise RuntimeError with its output if it fails."""
        result = subprocess.run(
            args,
            cwd=self.run_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
            **kwargs,
        )
        if result.returncode != 0:
            output = result.stdout + result.stderr
            raise RuntimeError(f"{os.fspath(args[0])} exited with code {result.returncode}:\n{output}")

    def _succeeds(self, *args: str | os.PathLike[str]) -> bool:
        result = subprocess.run(args, capture_output=True, timeout=10, check=False)
        return result.returncode == 0

    def _run_as(self) -> dict[str, Any]:
        """Popen arguments that switch the server's OS user, if it needs one."""
        return {}

    def _initialize(self) -> None:
        raise NotImplementedError()

    def _server_command(self) -> list[str | os.PathLike[str]]:
        raise NotImplementedError()

    def _ready(self) -> bool:
        raise NotImplementedError()

    def _create_user(self) -> None:
        raise NotImplementedError()


def postgres_bin_dir() -> Path | None:
    """The /usr/lib/postgresql/VERSION/bin with all the tools we need, preferring 15."""
    for bin_dir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=postgres_preference):
        if all((bin_dir / tool).is_file() for tool in PostgresServer.tools):
            return bin_dir
    return None


def postgres_preference(bin_dir: Path) -> tuple[bool, int]:
    version = bin_dir.parent.name
    return version != "15", -int(version) if version.isdigit() else 0


class PostgresServer(DatabaseServer):
    """PostgreSQL, run as the `postgres` OS user when we are root.

    The data directory lives in the private run directory, not in `base_dir`: pytest's
    temporary directories are private to root, so the `postgres` user cannot reach them.
    """

    name = "postgres"
    scheme = "postgresql"
    stop_signal = signal.SIGINT  # Fast shutdown: disconnect clients, checkpoint, exit.
    tools = ("initdb", "postgres", "psql", "pg_isready")
    durable = False  # True: fsync and full_page_writes on, as in production (the benches)

    def __init__(self, base_dir: str | os.PathLike[str]) -> None:
        super().__init__(base_dir)
        self.bin_dir = postgres_bin_dir()
        self.data_dir = self.run_dir / "data"
        if is_root():
            shutil.chown(self.run_dir, "postgres", "postgres")

    @classmethod
    def available(cls) -> tuple[bool, str]:
        if postgres_bin_dir() is None:
            return False, f"PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; {INSTALL_HINT}"
        if is_root() and not has_user("postgres"):
            return False, f"OS user 'postgres' does not exist; {INSTALL_HINT}"
        return True, ""

    def create_database(self, name: str) -> str:
        """Create a fresh, empty database owned by `todo` (dropping any old one); return its URL."""
        self.drop_database(name)
        self.execute(f'CREATE DATABASE "{check_name(name)}" OWNER {USER}')
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database if it exists, disconnecting its clients."""
        self.execute(f'DROP DATABASE IF EXISTS "{check_name(name)}" WITH (FORCE)')

    def execute(self, *statements: str) -> None:
        """Run SQL as the superuser over the unix socket, one transaction per statement."""
        commands = [arg for statement in statements for arg in ("-c", statement)]
        self._run(
            self._tool("psql"),
            *("-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.run_dir, "-p", str(self.port)),
            *("-U", "postgres", "-d", "postgres", *commands),
        )

    def _tool(self, name: str) -> Path:
        assert self.bin_dir is not None
        return self.bin_dir / name

    def _run_as(self) -> dict[str, Any]:
        return {"user": "postgres", "group": "postgres", "extra_groups": []} if is_root() else {}

    def _initialize(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self._run(
            self._tool("initdb"),
            *("-D", self.data_dir, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"),
            *("--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"),
            **self._run_as(),
        )

    def _server_command(self) -> list[str | os.PathLike[str]]:
        settings = {
            "listen_addresses": HOST,
            "unix_socket_directories": str(self.run_dir),
            "max_connections": "100",
            "shared_buffers": "32MB",
            # Safe while the OS does not crash; synchronous_commit stays on, so a
            # killed server keeps every committed transaction.
            "fsync": "on" if self.durable else "off",
            "full_page_writes": "on" if self.durable else "off",
        }
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        return [self._tool("postgres"), "-D", self.data_dir, "-p", str(self.port), *options]

    def _ready(self) -> bool:
        return self._succeeds(self._tool("pg_isready"), "-q", "-h", HOST, "-p", str(self.port))

    def _create_user(self) -> None:
        self.execute(
            f"CREATE ROLE {USER} LOGIN CREATEDB PASSWORD '{PASSWORD}'",
            f"CREATE DATABASE {DATABASE} OWNER {USER}",
        )


class MariaDBServer(DatabaseServer):
    """MariaDB, run as the current OS user (`--user=root` when root).

    Data lives in `base_dir`; the socket and pid file in the private run directory.
    """

    name = "mariadb"
    scheme = "mysql"
    stop_signal = signal.SIGTERM
    tools = ("mariadbd", "mariadb-install-db", "mariadb", "mariadb-admin")
    # No native AIO: each server would take Linux AIO contexts from a machine-wide pool
    # (fs.aio-max-nr) that a parallel suite's servers, and other work's, can use up.
    innodb_options = (
        "--innodb-buffer-pool-size=64M",
        "--innodb-log-file-size=16M",
        "--innodb-use-native-aio=0",
    )

    def __init__(self, base_dir: str | os.PathLike[str]) -> None:
        super().__init__(base_dir)
        self.data_dir = self.base_dir / "mariadb"
        # A temporary directory of its own: a server starting removes the temporary tables it
        # finds in its tmpdir, which in a shared /tmp are another installing server's.
        self.tmp_dir = self.base_dir / "mariadb-tmp"
        self.socket = self.run_dir / "mariadbd.sock"
        self.os_user = pwd.getpwuid(os.geteuid()).pw_name

    @classmethod
    def available(cls) -> tuple[bool, str]:
        missing = [tool for tool in cls.tools if find_tool(tool) is None]
        if missing:
            return False, f"MariaDB tools not found: {', '.join(missing)}; {INSTALL_HINT}"
        return True, ""

    def create_database(self, name: str) -> str:
        """Create a fresh, empty database (dropping any old one); return its URL."""
        self.drop_database(name)
        self.execute(f"CREATE DATABASE `{check_name(name)}`")
        return self.database_url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database if it exists."""
        self.execute(f"DROP DATABASE IF EXISTS `{check_name(name)}`")

    def execute(self, *statements: str) -> None:
        """Run SQL as the admin user over the unix socket."""
        self._run(*self._client("mariadb"), "-e", ";\n".join(statements))

    def _client(self, tool: str) -> list[str]:
        # unix_socket authentication: the MariaDB account named like our OS user.
        return [self._tool(tool), "--no-defaults", f"--socket={self.socket}", f"--user={self.os_user}"]

    def _tool(self, name: str) -> str:
        path = find_tool(name)
        assert path is not None
        return path

    def _user_option(self) -> list[str]:
        return ["--user=root"] if is_root() else []

    def _initialize(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self._run(
            self._tool("mariadb-install-db"),
            *("--no-defaults", f"--datadir={self.data_dir}", "--skip-test-db", "--skip-name-resolve"),
            f"--tmpdir={self.tmp_dir}",
            f"--auth-root-socket-user={self.os_user}",
            *self._user_option(),
            *self.innodb_options,
        )

    def _server_command(self) -> list[str | os.PathLike[str]]:
        return [
            self._tool("mariadbd"),
            *("--no-defaults", f"--datadir={self.data_dir}", f"--socket={self.socket}"),
            f"--tmpdir={self.tmp_dir}",
            *(f"--pid-file={self.run_dir / 'mariadbd.pid'}", f"--port={self.port}"),
            *(f"--bind-address={HOST}", "--skip-networking=0", "--skip-name-resolve"),
            *("--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"),
            # Each commit is written to the OS, synced once a second: a killed server keeps
            # every committed transaction.
            "--innodb-flush-log-at-trx-commit=2",
            *self.innodb_options,
            *self._user_option(),
        ]

    def _ready(self) -> bool:
        return self._succeeds(*self._client("mariadb-admin"), "--connect-timeout=2", "ping")

    def _create_user(self) -> None:
        hosts = ("%", "localhost")
        self.execute(
            *(f"CREATE USER '{USER}'@'{host}' IDENTIFIED BY '{PASSWORD}'" for host in hosts),
            *(f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'{host}'" for host in hosts),
            f"CREATE DATABASE {DATABASE}",
        )
