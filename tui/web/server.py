"""``backprop-lab serve``: the lab in web browsers, one lab process per browser tab.

Built on textual-serve (the Textual project's server): its page and terminal (xterm.js), its
download route and the web driver's protocol (``AppService``) are used as they are. This module
adds what a classroom needs: the address is bound first (a port in use is a one-line error), at
most ``max_sessions`` tabs have a lab at once (a page says so when the server is full, except to
a browser with a lab here: its reload gets the lab page and the place its old tab gives up; that
page asks every few seconds and opens the lab once a place is free), the page finds the server
from its own address (so it works through ``--host 0.0.0.0`` and a reverse proxy), every lab
ends with its tab, and ctrl+c ends every lab before the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import secrets
import signal
import socket
import weakref
from pathlib import Path

import aiohttp_jinja2
import click
from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DOWNLOAD_CHUNK_SIZE, DownloadManager
from textual_serve.server import Server, to_int

from tui.web.lab_process import LabProcess

TEMPLATES = Path(__file__).parent / "templates"
HEARTBEAT = 15.0  # seconds between websocket pings: a vanished browser is noticed within ~30 s
DEFAULT_SIZE = (120, 40)  # columns × rows when the page does not say
MAX_CELLS = 1000  # a larger size from a browser is not a screen
CHUNK_WAIT = 30  # seconds a download waits for the lab's next chunk
PLACE_WAIT = 3.0  # seconds a tab's websocket waits for a place when every lab is in use
RETRY_EVERY = 5  # seconds between the busy page's questions whether a place is free
FAILED_CLOSE = 4001  # the websocket's close code (private range) of a lab that stopped with an
# error: the page's box then says so, not "It was closed, or the server stopped"
BROWSER_COOKIE = "backprop_lab_browser"  # names the browser whose tabs' labs run here
"""A reload at the limit: Chromium asks for the new page while the old one, and its lab, still
run (the old page closes its websocket only once the new page arrives), so the server is full
when it asks. A browser with a lab here (by this cookie) is sent the lab page all the same; its
websocket then finds the place the old lab gave up as its tab closed (waiting up to PLACE_WAIT
seconds: the server may read the old websocket's close after the new one's opening). Another
browser gets the page saying that every lab is in use."""


class LabDownloads(DownloadManager):
    """textual-serve's downloads (a file the lab gives, fetched by the browser in chunks), with
    a longer wait for each chunk: a lab on a busy machine (a class's labs training on two cores)
    can take more than textual-serve's 4 s to answer, and its time-out path then failed
    (``task_done() called too many times``), leaving the download behind."""

    async def download(self, delivery_key: str):
        app_service = await self._get_app_service(delivery_key)
        download = self._active_downloads[delivery_key]
        request = {"type": "deliver_chunk_request", "key": delivery_key, "name": download.name}
        try:
            while await app_service.send_meta({**request, "size": DOWNLOAD_CHUNK_SIZE}):
                try:
                    chunk = await asyncio.wait_for(download.incoming_chunks.get(), CHUNK_WAIT)
                except TimeoutError:
                    logging.getLogger("textual-serve").warning(
                        "a download from lab %s got no data for %d s: cut short",
                        getattr(app_service, "number", "?"),
                        CHUNK_WAIT,
                    )
                    return
                if not chunk:  # the end of the file, or the lab has ended
                    return
                yield chunk
        finally:
            self._active_downloads.pop(delivery_key, None)


class AddressError(Exception):
    """The server cannot listen where asked; the message is one line for the user."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: a free one); AddressError if none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise AddressError(f"cannot listen on {host!r}: not an address of this machine") from None
    except UnicodeError:  # the name cannot be encoded for lookup: an empty part, or one too long
        raise AddressError(
            f"cannot listen on {host[:80]!r}: not a host name or address (a name is parts of at "
            "most 63 letters, digits or hyphens joined by dots, e.g. 127.0.0.1 or localhost)"
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise AddressError(
                f"port {port} is in use on {host} (another server?); choose another with --port"
            ) from None
        if e.errno == errno.EACCES:
            raise AddressError(
                f"no permission to listen on port {port} of {host} (ports below 1024 need "
                "root); choose another with --port"
            ) from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise AddressError(f"cannot listen on {host}: not an address of this machine") from None
        raise AddressError(f"cannot listen on {host} port {port}: {e.strerror or e}") from None
    sock.setblocking(False)
    return sock


def urls(sock: socket.socket, host: str) -> tuple[str, str | None]:
    """The URL to open on this machine, and the ones for other machines (None when loopback).

    Listening on every address (0.0.0.0, ::), other machines are given this machine's network
    addresses first: its name alone (``http://vm:8000``) reaches it only where a name server
    knows it, which a classroom network often does not."""
    port = sock.getsockname()[1]
    if host in ("", "0.0.0.0", "::"):
        named = [f"http://{address}:{port}" for address in network_addresses()]
        named.append(f"http://{socket.gethostname()}:{port}")
        return f"http://127.0.0.1:{port}", " or ".join(named)
    shown = f"[{host}]" if ":" in host else host
    remote = None if _is_loopback(host) else f"http://{shown}:{port}"
    return f"http://{shown}:{port}", remote


ROUTE_PROBES = ("192.0.2.1", "10.255.255.255", "172.31.255.255", "192.168.255.255")
"""Addresses (a documentation one, then the private ranges') to which the kernel is asked the
way: the local address it would send from is this machine's address on that network."""


def network_addresses() -> list[str]:
    """This machine's IPv4 addresses that other machines can reach (not loopback), found
    without sending anything: the source address of a UDP socket connected towards each of
    ROUTE_PROBES (connecting a UDP socket only chooses a route), and the name's addresses."""
    found: list[str] = []
    for probe in ROUTE_PROBES:
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))
            found.append(udp.getsockname()[0])
    with contextlib.suppress(OSError):
        for *_, address in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(address[0]))
    usable = (a for a in found if not a.startswith(("127.", "0.")))
    return list(dict.fromkeys(usable))


def _cells(value, default: int = 0) -> int:
    """A terminal size the browser sent (columns or rows): 1 to MAX_CELLS, else ``default``."""
    number = to_int(str(value), 0)
    return number if 0 < number <= MAX_CELLS else default


def _is_loopback(host: str) -> bool:
    return host == "localhost" or host.startswith("127.") or host == "::1"


class LabServer(Server):
    """Serves ``lab_argv`` (the command of one lab) to browsers, one process per tab."""

    def __init__(self, lab_argv: list[str], *, host: str, max_sessions: int, title: str) -> None:
        super().__init__(
            command=" ".join(lab_argv), host=host, title=title, templates_path=TEMPLATES
        )
        self.lab_argv = lab_argv
        self.download_manager = LabDownloads()
        self.max_sessions = max_sessions
        self.labs: set[LabProcess] = set()
        self.leaving: set[LabProcess] = set()  # their tab has gone: being ended, no place held
        self._place_freed = asyncio.Condition()
        self.started = 0
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._stop = asyncio.Event()

    # --- pages --------------------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.on_startup.clear()  # textual-serve's banner: the command prints its own lines
        app.router.add_get("/places", self.handle_places, name="places")
        return app

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page with the terminal, or a page saying that every lab is in use."""
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 72)
        context = {
            "title": self.title,
            "max_sessions": self.max_sessions,
            "font_size": font_size,
            "retry_every": RETRY_EVERY,
            "failed_close": FAILED_CLOSE,
        }
        browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_hex(8)
        if not self._has_room_for(browser):
            self._say(f"a browser at {request.remote} was turned away (busy page): {self._count()}")
            context["running"] = self.in_use
            response = aiohttp_jinja2.render_template("busy.html", request, context, status=503)
            response.headers["Retry-After"] = str(RETRY_EVERY)
            return response
        response = aiohttp_jinja2.render_template("lab.html", request, context)
        response.set_cookie(BROWSER_COOKIE, browser, httponly=True, samesite="Strict")
        return response

    async def handle_places(self, request: web.Request) -> web.Response:
        """Whether this browser would get the lab page now: the busy page asks every
        RETRY_EVERY seconds and reloads itself when so (a classmate closed a tab). Not in the
        log: a waiting page asks often; the reload that follows is."""
        room = self._has_room_for(request.cookies.get(BROWSER_COOKIE))
        places = {"free": room, "running": self.in_use, "max_sessions": self.max_sessions}
        return web.json_response(places, headers={"Cache-Control": "no-store"})

    def _has_room_for(self, browser: str | None) -> bool:
        """A place is free, or ``browser`` (its cookie) has a lab here whose tab is open (a
        reload: the old tab gives its place up as the new one starts)."""
        mine = browser is not None and any(
            lab.browser == browser for lab in self.labs - self.leaving
        )
        return not self.full or mine

    @property
    def in_use(self) -> int:
        """Places taken: labs whose tab is open (one whose tab has gone is ending)."""
        return len(self.labs) - len(self.leaving)

    @property
    def full(self) -> bool:
        return self.in_use >= self.max_sessions

    async def _wait_for_a_place(self) -> bool:
        """Whether a lab can start, waiting up to PLACE_WAIT seconds for a place when the
        server is full (a reloaded page's old lab gives its place up about as it asks)."""
        if not self.full:
            return True
        async with self._place_freed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._place_freed.wait_for(lambda: not self.full), PLACE_WAIT
                )
        return not self.full

    async def _give_place_up(self, lab: LabProcess) -> None:
        """``lab``'s tab has gone: its place is free while the lab ends."""
        self.leaving.add(lab)
        async with self._place_freed:
            self._place_freed.notify_all()

    # --- labs ---------------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab: start its lab, relay keys and screen until either side ends."""
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT)
        await websocket.prepare(request)
        self._sockets.add(websocket)
        if self._stop.is_set() or not await self._wait_for_a_place():
            await self._turn_away(websocket, request)
            return websocket
        width = _cells(request.query.get("width"), DEFAULT_SIZE[0])
        height = _cells(request.query.get("height"), DEFAULT_SIZE[1])
        self.started += 1

        async def close_tab() -> None:  # the page tells a failed lab from an ended one
            await websocket.close(code=FAILED_CLOSE if lab.failed else WSCloseCode.OK)

        lab = LabProcess(
            self.lab_argv,
            self.started,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close_tab,
            download_manager=self.download_manager,
        )
        lab.browser = request.cookies.get(BROWSER_COOKIE)
        self.labs.add(lab)
        try:
            await lab.start(width, height)
            self._say(
                f"lab {lab.number} (process {lab.pid}) started for {request.remote} "
                f"({self._count()})"
            )
            await self._process_messages(websocket, lab)
        except Exception as error:  # one tab's failure must not stop the server
            logging.getLogger("textual-serve").exception(error)
        finally:
            await self._give_place_up(lab)
            with contextlib.suppress(asyncio.CancelledError):
                await lab.stop()
            self.labs.discard(lab)
            self.leaving.discard(lab)
            self._say(f"lab {lab.number} {self._how_it_ended(lab)} ({self._count()})")
            with contextlib.suppress(Exception):
                await websocket.close()
        return websocket

    async def _turn_away(self, websocket: web.WebSocketResponse, request: web.Request) -> None:
        """Tell a tab that arrived when the server was full (its page was served just before)."""
        self._say(f"a browser at {request.remote} was turned away: {self._count()}")
        text = (
            f"\r\n  Every lab of this server is in use ({self.max_sessions} at most).\r\n\r\n"
            "  Each browser tab runs its own lab: close one of them, then reload this page.\r\n"
        )
        await websocket.send_bytes(text.encode("utf-8"))
        async for _ in websocket:  # keep the message on screen until the tab goes
            pass

    async def _process_messages(self, websocket: web.WebSocketResponse, lab: AppService) -> None:
        """The browser's messages to its lab (textual-serve's protocol): keys, size, focus."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, *rest = message.json()
            except (ValueError, TypeError):
                continue  # not the page's protocol: ignored, as the page never sends it
            data = rest[0] if rest else None
            if kind == "stdin" and isinstance(data, str):
                await lab.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = _cells(data.get("width")), _cells(data.get("height"))
                if width and height:
                    await lab.set_terminal_size(width, height)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await lab.blur()
            elif kind == "focus":
                await lab.focus()

    def _how_it_ended(self, lab: LabProcess) -> str:
        if lab.failed:
            return f"stopped with an error ({lab.how_it_ended}; its output is above)"
        if lab.asked_to_stop:
            return "ended" if self._stop.is_set() else "ended (its tab was closed)"
        return "ended (quit in its tab)"

    def _count(self) -> str:
        return f"{self.in_use} of {self.max_sessions} labs running"

    def _say(self, line: str) -> None:
        """A line of the server's log; none when its output has gone (``serve | tee log``: ctrl+c
        ends tee too, and the line that said "stopping" raised BrokenPipeError, so the labs
        were left to the server's untidy end: exit status 1 after ~10 s)."""
        with contextlib.suppress(OSError):
            click.echo(f"backprop-lab serve: {line}")

    # --- running ------------------------------------------------------------------------------

    def run(self, sock: socket.socket, announce) -> None:
        """Serve on ``sock`` until SIGINT (ctrl+c), SIGTERM or SIGHUP; ``announce()`` is called
        once the server accepts connections. Every lab is ended before this returns."""
        logging.basicConfig(level=logging.WARNING, format="backprop-lab serve: %(message)s")
        asyncio.run(self._serve(sock, announce))

    async def _serve(self, sock: socket.socket, announce) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, self._stop.set)
        runner = web.AppRunner(await self._make_app(), access_log=None, shutdown_timeout=5)
        await runner.setup()
        try:
            await web.SockSite(runner, sock).start()
            announce()
            await self._stop.wait()
            if self.labs:
                self._say(f"stopping: ending {len(self.labs)} running lab(s)")
            await self.stop_labs()
        finally:
            await runner.cleanup()
        self._say("stopped")

    async def stop_labs(self) -> None:
        """End every lab, then close the tabs' connections."""
        await asyncio.gather(*(lab.stop() for lab in list(self.labs)), return_exceptions=True)
        for websocket in list(self._sockets):
            with contextlib.suppress(Exception):
                await websocket.close(code=1001, message=b"the server stopped")
