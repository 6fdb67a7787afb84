"""Which of the course's own code a graded notebook's cells load and call, seen from inside the kernel.

The grading runner (run_notebook) has the kernel run `install(channel)` at start-up, before any cell. From then
on, every time code written in a cell (a course cell, an answer, a cell the student added) enters the course
package's code (a function, a method, a module it imports) other than the notebooks' front door (`from billcode
import ...`), a line goes to `channel`, a FIFO the runner reads: the module, the function and the cell's file.
That covers `import billcode` then attribute access, `sys.modules[...]`, `f.__globals__[...]`, imports in any
cell, calls through pandas or a thread the cell started: whatever the route, the call itself is seen. The runner
hands the lines to the grader with the executed notebook (the channel the scores come through); the grader names
the modules in the report when the cell is the student's.

Student code runs in the same process, so the record is made hard to hide rather than impossible: the profiler
cannot be replaced (sys.setprofile and sys.settrace are refused by an audit hook, which Python cannot remove),
threads get it too, searching the interpreter's objects (gc) is refused, and code compiled under the name of a
course, library or cell file, ctypes, a program started from a cell, a thread started outside `threading` and a
closed or replaced channel are all reported as attempts to hide. What it cannot see: code that rewrites the
interpreter's memory (ctypes), which is named but not stopped.

Only the standard library: it runs in the student's kernel, which must not import the instructor's tools.
"""

import os
import sys
import threading

SEP = "\t"


def install(channel: str, package: str, quiet: tuple = ()) -> None:
    """Start recording into the FIFO `channel` what cells run of the course package at `package` (its folder).

    `quiet` names (by ipykernel's cell file name) the course's own cells that are neither answers nor tests: while
    the kernel runs one of them at the top level, the recorder is off (Python 3.11 runs every line slower while a
    profiler is set: 03's search index took 65% longer). A cell run from inside another keeps it on.
    """
    import _thread
    import weakref

    write, fstat, current = os.write, os.fstat, threading.current_thread
    fd = os.open(channel, os.O_WRONLY)
    opened = fstat(fd)
    here = os.path.abspath(__file__)
    prefix = os.path.abspath(package) + os.sep
    root = os.path.dirname(os.path.abspath(package)) + os.sep  # module names are relative to the package's parent
    stdlib = tuple({os.path.abspath(p) + os.sep for p in (sys.base_prefix, sys.base_exec_prefix)})
    libraries = tuple({os.path.abspath(p) + os.sep for p in (sys.prefix, sys.exec_prefix, *sys.path)
                       if p and os.path.isdir(p) and not (os.path.abspath(p) + os.sep).startswith(prefix)
                       and not prefix.startswith(os.path.abspath(p) + os.sep)}) + stdlib
    try:
        from ipykernel.compiler import get_tmp_directory

        cells = get_tmp_directory() + os.sep
    except Exception:  # no ipykernel: no cell can be told apart
        cells = os.sep + "nonexistent-cells" + os.sep
    bootstrap = threading.Thread._bootstrap_inner.__code__
    start, raw_thread = threading.Thread.start.__code__, _thread.start_new_thread
    front = set()
    try:
        import billcode

        for name in getattr(billcode, "__all__", ()):
            obj = getattr(billcode, name, None)
            code = getattr(getattr(obj, "__wrapped__", obj), "__code__", None)
            if code is not None:
                front.add(code)
    except Exception:
        pass
    sent: set = set()
    origins = weakref.WeakKeyDictionary()  # thread -> (kind, file) of the code that started it

    def emit(*fields: str) -> None:
        line = SEP.join(f.replace(SEP, " ").replace("\n", " ") for f in fields) + "\n"
        if line in sent:
            return
        sent.add(line)
        try:
            now = fstat(fd)
            if (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino):
                write(fd, line.encode("utf-8", "backslashreplace"))
        except OSError:
            pass  # the runner sees the channel closed or replaced

    def kind(filename: str) -> str:
        if filename.startswith(cells):
            return "cell"
        if filename.startswith(prefix):
            return "course"
        return "library"  # site-packages, the standard library, code made with exec ("<string>")

    def responsible(frame):
        """(kind, file) of the nearest cell or course frame out from this one; a thread's starter if none."""
        while frame is not None:
            filename = frame.f_code.co_filename
            found = kind(filename)
            if found != "library":
                return found, filename
            frame = frame.f_back
        return origins.get(current(), ("", ""))

    def module(filename: str) -> str:
        name = filename[len(root):] if filename.startswith(root) else filename
        return name.removesuffix(".py").removesuffix(os.sep + "__init__").replace(os.sep, ".")

    def thread_started(frame) -> None:
        """Thread.start (the recorder is on): remember which cell started the thread, and give it the recorder."""
        origins[frame.f_locals.get("self")] = responsible(frame.f_back)
        if threading._profile_hook is not profile or threading.Thread._bootstrap_inner.__code__ is not bootstrap:
            threading._profile_hook = profile
            emit("hidden", "changed how threads start", "", responsible(frame.f_back)[1])

    def profile(frame, event, arg):
        if event != "call":
            if event == "c_call" and arg is raw_thread and frame.f_code is not start:
                who, where = responsible(frame)
                if who == "cell":
                    emit("hidden", "started a thread outside the threading module", "", where)
            return
        code = frame.f_code
        if code is start:
            thread_started(frame)
            return
        filename = code.co_filename
        if not filename.startswith(prefix) or filename == here or code in front:
            return
        caller = frame.f_back
        if caller is not None and caller.f_code.co_filename.startswith(prefix):
            return  # the course's code calling itself
        who, where = responsible(caller)
        if who == "cell":
            emit("call", module(filename), code.co_qualname, where)

    def first_outside_stdlib(frame):
        while frame is not None and frame.f_code.co_filename.startswith(stdlib):
            frame = frame.f_back
        return frame

    hooks: dict = {}

    def audit(event: str, args: tuple) -> None:
        if event == "exec":
            code = args[0] if args else None
            if getattr(code, "co_filename", "").startswith(cells):
                hooks["at_cell"](code)
            return
        if event in ("sys.setprofile", "sys.settrace"):
            caller = sys._getframe(1).f_code
            if event == "sys.setprofile" and caller is hooks["switching"]:
                return  # the recorder itself, around a quiet course cell
            if caller is bootstrap and threading._profile_hook is profile:
                return  # threading giving a new thread the recorder
            emit("hidden", f"tried to change the profiler ({event})", "", responsible(sys._getframe(1))[1])
            raise RuntimeError("grading: the grader's profiler stays in place while the notebook is graded")
        if event == "import" and args and isinstance(args[0], str) and args[0].startswith("billcode"):
            who, where = responsible(sys._getframe(1))
            if who == "cell":
                emit("import", args[0], "", where)
        elif event in ("compile", "code.__new__"):
            name = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
            if name.startswith((prefix, cells, *libraries)):
                frame = first_outside_stdlib(sys._getframe(1))
                if frame is not None and kind(frame.f_code.co_filename) == "cell":
                    emit("hidden", "compiled code under the name of another file", "", frame.f_code.co_filename)
        elif event in ("gc.get_objects", "gc.get_referrers", "gc.get_referents"):
            frame = first_outside_stdlib(sys._getframe(1))
            if frame is not None and kind(frame.f_code.co_filename) == "cell":
                emit("hidden", "searched the interpreter's objects", "", frame.f_code.co_filename)
                raise RuntimeError("grading: the interpreter's objects cannot be searched while the notebook is graded")
        elif event.startswith("ctypes."):
            frame = first_outside_stdlib(sys._getframe(1))
            if frame is not None and kind(frame.f_code.co_filename) == "cell":
                emit("hidden", "used ctypes", "", frame.f_code.co_filename)
        elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"):
            frame = first_outside_stdlib(sys._getframe(1))
            if frame is not None and kind(frame.f_code.co_filename) == "cell":
                emit("hidden", "started another program", "", frame.f_code.co_filename)

    quiet_files = frozenset(cells + name for name in quiet)

    def switch(on: bool) -> None:
        threading.setprofile(profile if on else None)  # threads a course cell starts (03's search index) too
        sys.setprofile(profile if on else None)

    switching = switch.__code__

    from inspect import getattr_static
    from types import FunctionType, MethodType

    def from_cell(obj) -> bool:
        """Tell whether calling obj runs code written in a cell (read without running any of the object's code)."""
        found = [obj]
        for name in ("__func__", "__wrapped__", "__init__", "__call__"):
            for owner in (obj, type(obj)):
                try:
                    found.append(getattr_static(owner, name))
                except Exception:
                    pass
        for candidate in found:
            if type(candidate) in (staticmethod, classmethod):
                candidate = candidate.__func__
            if type(candidate) is MethodType:
                candidate = candidate.__func__
            if type(candidate) is FunctionType and candidate.__code__.co_filename.startswith(cells):
                return True
        return False

    def names_in(code) -> set:
        names = set(code.co_names)
        for const in code.co_consts:
            if hasattr(const, "co_names"):
                names |= names_in(const)
        return names

    def tampered(code) -> bool:
        """Cell code a quiet course cell would run unrecorded: a name it uses (in the notebook's namespace or the
        course's front door) rebound to code written in a cell, or an IPython event callback written in a cell."""
        space = getattr(sys.modules.get("__main__"), "__dict__", {})
        door = getattr(sys.modules.get("billcode"), "__dict__", {})
        if any(from_cell(space.get(name)) or from_cell(door.get(name)) for name in names_in(code)):
            return True
        try:
            shell = sys.modules["IPython"].get_ipython()
            callbacks = [c for listed in shell.events.callbacks.values() for c in listed]
        except Exception:
            callbacks = []
        return any(from_cell(c) for c in callbacks)

    def at_cell(code) -> None:
        """The kernel is about to run a cell's code: the recorder off for a quiet course cell run at the top level,
        unless it would run code written in a cell (then it stays on, and that code is recorded as usual)."""
        if code.co_filename in quiet_files and responsible(sys._getframe(2))[0] != "cell" and not tampered(code):
            switch(False)
        elif sys.getprofile() is not profile:
            switch(True)

    emit("hello", str(os.getpid()), str(fd), cells)
    sys.setprofile(profile)
    threading.setprofile(profile)
    hooks.update(switching=switching, at_cell=at_cell)
    sys.addaudithook(audit)  # last: from here on, nothing can set another profiler
