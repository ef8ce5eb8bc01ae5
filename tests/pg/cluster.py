"""A throw-away PostgreSQL cluster for tests, CI and the load test: Debian's server binaries,
``initdb`` into a private folder, ``pg_ctl`` on a local port, two roles.

Nothing here is mocked: it is the server Pantau runs on in production, started the way an operator
would, but tuned for disposable data (no fsync, minimal WAL) and reachable only on 127.0.0.1 and a
Unix socket inside the cluster folder. ``initdb`` refuses to run as root, so as root the cluster
belongs to the ``postgres`` system user that Debian's package creates.

The roles are the production shape (see docs/scaling.md): ``pantau_writer`` owns the database and
loads it; ``pantau_reader`` may only SELECT (default privileges grant it every table the writer
creates, and its sessions are read-only by default), and is what the dashboard connects as.

    python -m tests.pg.cluster start [--dir data/pg] [--port 54329]   # prints shell exports
    python -m tests.pg.cluster stop  [--dir data/pg]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

DATABASE = "pantau"
WRITER, READER = "pantau_writer", "pantau_reader"
# Throw-away credentials for a cluster that listens on 127.0.0.1 only and dies with the test run.
WRITER_PASSWORD, READER_PASSWORD = "pantau-writer-local", "pantau-reader-local"
DEFAULT_PORT = 54329

# Disposable-data settings: durability off (a crash loses nothing we need) and minimal WAL, which
# lets a COPY into a table created in the same transaction skip the WAL altogether.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "'4GB'",
    "shared_buffers": "'256MB'",
    "work_mem": "'32MB'",
    "maintenance_work_mem": "'256MB'",
    "max_connections": "200",
    "log_min_messages": "warning",
}


class ClusterError(RuntimeError):
    """The server binaries are missing or the cluster would not start."""


def server_bin() -> Path:
    """The newest installed server's bin folder (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    raise ClusterError("PostgreSQL server binaries not found: install Debian's 'postgresql' "
                       "package (make deps-postgres does it)")


@dataclass(frozen=True)
class Cluster:
    """A running cluster's coordinates."""

    directory: Path
    port: int

    @property
    def socket_dir(self) -> Path:
        return self.directory / "socket"

    def admin_dsn(self, database: str = DATABASE) -> str:
        """The superuser over the Unix socket (trusted: only this machine's root can reach it)."""
        return f"host={self.socket_dir} port={self.port} user=postgres dbname={database}"

    def url(self, role: str = READER, database: str = DATABASE) -> str:
        password = WRITER_PASSWORD if role == WRITER else READER_PASSWORD
        return f"postgresql+psycopg://{role}:{password}@127.0.0.1:{self.port}/{database}"

    @property
    def reader_url(self) -> str:
        return self.url(READER)

    @property
    def writer_url(self) -> str:
        return self.url(WRITER)

    def exports(self) -> dict[str, str]:
        return {"PANTAU_DATABASE_URL": self.reader_url,
                "PANTAU_WRITER_DATABASE_URL": self.writer_url,
                "PANTAU_PG_ADMIN_DSN": self.admin_dsn(),
                "PANTAU_PG_HOME": str(self.directory)}


def _owner() -> str | None:
    """The user the server runs as: ourselves, unless we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/bin/false",
                        "postgres"], check=True)
    return "postgres"


def _run(argv: list[str], owner: str | None, **kwargs) -> subprocess.CompletedProcess:
    if owner:
        argv = ["runuser", "-u", owner, "--", *argv]
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kwargs)


def _running(directory: Path, owner: str | None) -> bool:
    try:
        _run([str(server_bin() / "pg_ctl"), "status", "-D", str(directory / "data")], owner)
    except subprocess.CalledProcessError:
        return False
    return True


def home(directory: Path) -> Path:
    """Where the cluster in ``directory`` really lives: there, unless the server's user cannot
    reach it (a checkout under a private home folder); then in a folder of the temporary
    directory named after it, so every later call finds the same cluster."""
    directory = directory.resolve()
    owner = _owner()
    if owner is None:
        return directory
    existing = next(p for p in (directory, *directory.parents) if p.exists())
    if subprocess.run(["runuser", "-u", owner, "--", "test", "-x", str(existing)]).returncode == 0:
        return directory
    digest = hashlib.sha1(str(directory).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"pantau-pg-{digest}"


def start(directory: Path, port: int = DEFAULT_PORT) -> Cluster:
    """Create (first time) and start the cluster in ``directory``; idempotent."""
    directory = home(directory)
    cluster = Cluster(directory, port)
    owner = _owner()
    data = directory / "data"
    bin_dir = server_bin()
    if not (data / "PG_VERSION").exists():
        directory.mkdir(parents=True, exist_ok=True)
        cluster.socket_dir.mkdir(exist_ok=True)
        if owner:
            shutil.chown(directory, owner)
            shutil.chown(cluster.socket_dir, owner)
            if subprocess.run(["runuser", "-u", owner, "--", "test", "-w", str(directory)]
                              ).returncode != 0:
                raise ClusterError(f"{directory} is not reachable by the '{owner}' user that "
                                   "runs the server: choose a folder it can reach (PG_DIR=...)")
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
              "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256"], owner)
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# Pantau throw-away cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in SERVER_SETTINGS.items())
    if not _running(directory, owner):
        try:
            _run([str(bin_dir / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data),
                  "-l", str(directory / "server.log"),
                  "-o", f"-p {port} -k {cluster.socket_dir}"], owner)
        except subprocess.CalledProcessError as exc:
            log = (directory / "server.log")
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ClusterError(f"pg_ctl start failed: {exc.stderr}\n{tail}") from exc
    _provision(cluster)
    return cluster


def _provision(cluster: Cluster) -> None:
    """The two roles and the database, created once (later calls change nothing)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            admin = psycopg.connect(cluster.admin_dsn("postgres"), autocommit=True)
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    with admin:
        roles = {r for (r,) in admin.execute("SELECT rolname FROM pg_roles")}
        if WRITER not in roles:
            admin.execute(f"CREATE ROLE {WRITER} LOGIN PASSWORD '{WRITER_PASSWORD}'")
        if READER not in roles:
            admin.execute(f"CREATE ROLE {READER} LOGIN PASSWORD '{READER_PASSWORD}'")
            admin.execute(f"ALTER ROLE {READER} SET default_transaction_read_only = on")
    create_database(cluster, DATABASE, exist_ok=True)


def create_database(cluster: Cluster, name: str, *, exist_ok: bool = False) -> None:
    """A database the writer owns and the reader may only read (present and future tables)."""
    with psycopg.connect(cluster.admin_dsn("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not exist_ok:
            raise ClusterError(f"database {name} exists")
        if not exists:
            admin.execute(f"CREATE DATABASE {name} OWNER {WRITER}")
    with psycopg.connect(cluster.admin_dsn(name), autocommit=True) as conn:
        conn.execute(f"GRANT CONNECT ON DATABASE {name} TO {READER}")
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {READER}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}")
        conn.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {WRITER} GRANT SELECT ON TABLES "
                     f"TO {READER}")


def drop_database(cluster: Cluster, name: str) -> None:
    with psycopg.connect(cluster.admin_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stop(directory: Path) -> None:
    directory = home(directory)
    if (directory / "data" / "PG_VERSION").exists() and _running(directory, _owner()):
        _run([str(server_bin() / "pg_ctl"), "stop", "-m", "fast", "-w", "-D",
              str(directory / "data")], _owner())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop", "env"))
    parser.add_argument("--dir", type=Path, default=Path("data/pg"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PG_PORT", DEFAULT_PORT)))
    args = parser.parse_args()
    if args.action == "stop":
        stop(args.dir)
        return
    cluster = start(args.dir, args.port) if args.action == "start" else Cluster(
        home(args.dir), args.port)
    for key, value in cluster.exports().items():
        print(f"export {key}='{value}'")


if __name__ == "__main__":
    main()
