"""Run a command against a throwaway PostgreSQL cluster, then delete the cluster.

    python tests/pg_cluster.py -- pytest -q
    python tests/pg_cluster.py --durable -- python bench/exam_bench.py

initdb into a fresh temporary folder, start the server on a free loopback port (socket in the
same folder), export DATABASE_URL to the command, and on exit (success, failure or Ctrl-C) stop
the server and remove the folder. Nothing is left behind. The test suite runs with fsync,
synchronous commit and full-page writes off (nothing it writes needs to survive a crash);
`--durable` keeps PostgreSQL's defaults (all three on), as production runs, for benchmarks.
As root, the cluster runs as the `postgres` user because PostgreSQL refuses to run as root.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if not initdb:
        sys.exit("PostgreSQL is not installed: run `make sysdeps` (or apt-get install postgresql).")
    return Path(initdb).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit(__doc__)
    command = argv[argv.index("--") + 1 :]
    durable = "--durable" in argv[: argv.index("--")]
    bindir = _bindir()
    workdir = Path(tempfile.mkdtemp(prefix="lms-pg-"))
    data = workdir / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    workdir.chmod(0o700)
    started = False
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "lms",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c max_connections=400"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(workdir / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://lms@127.0.0.1:{port}/lms",
            "PG_CLUSTER_DURABLE": "1" if durable else "0",
        }
        subprocess.run(
            [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "lms", "lms"],
            check=True,
        )
        proc = subprocess.Popen(command, env=env)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    finally:
        if started:
            subprocess.run(
                _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
