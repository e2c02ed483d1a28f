"""A Python with torch already imported, for the tests' oracle runs (test/helpers/python.ts).

Importing torch costs ~2 s of CPU a process; the media-truth and toolchain tests run /usr/bin/python3 many times per
file. The server imports numpy, torch, torchaudio and Pillow once, then forks per request: the fork runs the request
exactly as `/usr/bin/python3 ARGS` would (argv, cwd, environment, stdin/stdout/stderr, exit status), without the import.
Test tooling only.

usage: python_zygote.py serve SOCKET    (exits when its stdin closes: the test process that started it has ended)
       python3 -S python_zygote.py client SOCKET ARGS...   (what test/helpers/python.ts's wrapper runs)

The client runs /usr/bin/python3 ARGS itself (os.execv) when the server cannot be reached, when ARGS are not
`[-u] [-W ARG]... (-c CODE | SCRIPT) ...`, or when an environment variable read at interpreter or library start-up
(PYTHON*, OMP_*, MKL_*, OPENBLAS_*, TORCH*, LD_*, LC_*, LANG, ...) differs from the server's.
"""
import os
import socket
import sys

REAL = "/usr/bin/python3"
# read when the interpreter or numpy/torch start: a request whose value differs runs in a fresh interpreter
STARTUP_ENV = ("PYTHON", "OMP_", "MKL_", "OPENBLAS_", "GOTO", "KMP_", "TORCH", "CUDA", "LD_", "LC_", "LANG", "NUMEXPR", "PYTORCH")


def parse(argv):
    """(options, code, script, rest) of a python3 command line, or None where it is not one the server runs."""
    opts = {"u": False, "W": []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-u":
            opts["u"] = True
            i += 1
        elif a == "-W" and i + 1 < len(argv):
            opts["W"].append(argv[i + 1])
            i += 2
        elif a.startswith("-W") and len(a) > 2:
            opts["W"].append(a[2:])
            i += 1
        elif a == "-c" and i + 1 < len(argv):
            return opts, argv[i + 1], None, argv[i + 2:]
        elif a.startswith("-"):
            return None
        else:
            return opts, None, a, argv[i + 1:]
    return None


def client(sock_path, argv):
    import json

    if parse(argv) is None:
        os.execv(REAL, [REAL] + argv)
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock_path)
    except OSError:
        os.execv(REAL, [REAL] + argv)
    body = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
    socket.send_fds(s, [len(body).to_bytes(8, "little")], [0, 1, 2])
    s.sendall(body)
    reply = b""
    while len(reply) < 5:
        b = s.recv(5 - len(reply))
        if not b:
            break
        reply += b
    if len(reply) < 5 or reply[:1] == b"F":
        s.close()
        os.execv(REAL, [REAL] + argv)
    status = int.from_bytes(reply[1:5], "little", signed=True)
    if reply[:1] == b"S":  # killed by a signal: the same here
        os.kill(os.getpid(), status)
    os._exit(status)


def run(req, fds):
    """In the forked runner: become `python3 ARGS` of the request, run it, and exit as it would."""
    import atexit
    import gc
    import traceback
    import types
    import warnings

    for i, fd in enumerate(fds):
        os.dup2(fd, i)
        os.close(fd)
    opts, code, script, rest = parse(req["argv"])
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    if opts["u"]:
        sys.stdout.reconfigure(write_through=True)
        sys.stderr.reconfigure(write_through=True)
    for w in opts["W"]:
        sys.warnoptions.append(w)
        warnings._processoptions([w])
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = __builtins__
    sys.modules["__main__"] = main
    status = 0
    try:
        if code is not None:
            sys.argv = ["-c"] + rest
            sys.path[0] = ""
            exec(compile(code, "<string>", "exec"), main.__dict__)
        else:
            import runpy

            sys.argv = [script] + rest
            sys.path[0] = os.path.dirname(os.path.realpath(script))
            main.__dict__.update(runpy.run_path(script, run_name="__main__"))
    except SystemExit as e:
        if e.code is None:
            status = 0
        elif isinstance(e.code, int):
            status = e.code
        else:
            print(e.code, file=sys.stderr)
            status = 1
    except BaseException as e:  # the interpreter's report of an uncaught exception, without this frame
        traceback.print_exception(type(e), e, e.__traceback__.tb_next if e.__traceback__ else None)
        status = 1
    try:
        atexit._run_exitfuncs()
        main.__dict__.clear()  # files left open in the script are closed (and flushed) as at interpreter exit
        gc.collect()  # (the server's objects are frozen: only the run's own are looked at)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status & 0xFF)


def handle(conn, env0):
    """In a per-request fork: read the request, run it in a fork of its own, report its exit status."""
    import json
    import select
    import signal

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    head, fds, _, _ = socket.recv_fds(conn, 8, 3)
    n = int.from_bytes(head, "little")
    body = b""
    while len(body) < n:
        b = conn.recv(min(1 << 20, n - len(body)))
        if not b:
            os._exit(1)
        body += b
    req = json.loads(body)
    env = req["env"]
    differs = [k for k in set(env) | set(env0) if env.get(k) != env0.get(k) and k.startswith(STARTUP_ENV)]
    if len(fds) != 3 or differs:
        conn.sendall(b"F\0\0\0\0")
        os._exit(0)
    pid = os.fork()
    if pid == 0:
        conn.close()
        run(req, fds)
    for fd in fds:
        os.close(fd)
    while True:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        r, _, _ = select.select([conn], [], [], 0.05)
        if r and not conn.recv(1, socket.MSG_PEEK):  # the client was killed (a timeout): so is its run
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os._exit(0)
    if os.WIFSIGNALED(st):
        conn.sendall(b"S" + os.WTERMSIG(st).to_bytes(4, "little", signed=True))
    else:
        conn.sendall(b"X" + os.WEXITSTATUS(st).to_bytes(4, "little", signed=True))
    os._exit(0)


def serve(sock_path):
    import signal
    import threading

    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path + ".tmp")
    srv.listen(64)
    os.rename(sock_path + ".tmp", sock_path)  # clients connect from now on and wait in the backlog for the imports

    def watch():
        while os.read(0, 4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    env0 = dict(os.environ)
    import numpy  # noqa: F401
    import torch  # noqa: F401
    import torchaudio  # noqa: F401
    import PIL.Image  # noqa: F401
    import gc

    gc.collect()
    gc.freeze()  # a fork's collections leave the server's objects alone (scanning them copied every page: 0.5 s a run)
    def reap(*_):  # the per-request forks (waited for, so their CPU counts in this process's children's, as a run's did)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass

    signal.signal(signal.SIGCHLD, reap)
    while True:
        conn, _ = srv.accept()
        if os.fork() == 0:
            srv.close()
            try:
                handle(conn, env0)
            finally:
                os._exit(1)
        conn.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        client(sys.argv[2], sys.argv[3:])
