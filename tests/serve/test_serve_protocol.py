"""``backprop-lab serve`` without a browser: the real server, spoken to over the websocket its
page uses (textual-serve's protocol: ``["stdin", keys]``, ``["resize", …]``; the lab's screen
comes back as terminal bytes, read here through a VT100 screen model).

Each test starts the installed ``backprop-lab serve`` on a free loopback port and stops it as
ctrl+c does, checking that no lab process outlives it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import types

import pytest

pytest.importorskip("textual_serve")
pytest.importorskip("pyte")

import aiohttp  # noqa: E402  (after the skip: it comes with the web extra)
from serve_harness import (  # noqa: E402
    STATUS,
    TRAINS_UNTIL_PAUSED,
    LabSocket,
    Served,
    alive,
    console_script,
    wait_until,
)

from tui.session import LabSession  # noqa: E402

pytestmark = pytest.mark.web


@pytest.fixture
def serve(tmp_path):
    """``serve(*args)`` starts a server in ``tmp_path``; every server is stopped (ctrl+c) at
    the end, and must leave no lab running."""
    servers: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(*args, cwd=tmp_path)
        servers.append(served)
        return served

    yield start
    for served in servers:
        served.stop()


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, (await response.read()).decode("utf-8", "replace")


def test_the_training_space_pauses_outlasts_any_test():
    """``TRAINS_UNTIL_PAUSED`` keeps xor training until space pauses it, however long the test
    takes to press it: with 100,000 epochs (as it was) the lab, served, reached its end after
    ~7-12 s here (~8,000-15,000 steps a second), and space then said "Training is finished"
    where the test waited for "paused". Now more than 15 minutes at 100,000 steps a second."""
    from scenarios import build_run, load_scenario

    overrides = [value for flag, value in zip(*[iter(TRAINS_UNTIL_PAUSED)] * 2) if flag == "--set"]
    assert len(overrides) * 2 == len(TRAINS_UNTIL_PAUSED)
    run = build_run(load_scenario("xor", overrides))
    assert run.stop.epochs * run.trainer.batches_per_epoch / 100_000 > 15 * 60
    assert run.stop.loss_below < 1e-100  # xor's loss is still ~1e-5 after 100,000 steps


async def test_a_tab_gets_a_lab_that_draws_trains_steps_and_quits(serve):
    served = serve("xor", *TRAINS_UNTIL_PAUSED)
    tab = await LabSocket().connect(served)
    try:
        status = await tab.wait_for(STATUS)  # drawn: the status line and the five panels
        assert status.group(1) == "idle" and status.group(3) == "1"
        for panel in ("Network", "Loss", "Data", "Debugger", "Gradients"):
            await tab.wait_for(f"─ {panel} ─")
        await tab.keys(" ")
        await tab.wait_for(r"│ running │ batch loss \d")  # training: a loss figure
        await tab.keys(" ")
        paused = await tab.wait_for(STATUS.replace(r"(\w+)", "(paused)", 1))
        assert int(paused.group(3).replace(",", "")) > 1
        await tab.keys("s", "s")
        stepped = await tab.wait_for(STATUS.replace(r"(\S+)$", r"(Forward\(l=1\))"))
        step = int(stepped.group(3).replace(",", ""))
        assert step - int(paused.group(3).replace(",", "")) in (0, 1)  # the paused step or next
        await tab.keys("q")
        await tab.wait_for("Quit\\?")  # the lab asks: the training is not saved
        await tab.keys("y")
        await asyncio.wait_for(tab.closed.wait(), 30)
        assert tab.ws.close_code == 1000  # ended, not failed: the box says "has ended"
    finally:
        await tab.close()
    served.wait_log(r"lab 1 ended \(quit in its tab\) \(0 of 4 labs running\)")
    (pid,) = served.lab_pids()
    wait_until(lambda: not alive(pid), 10, "the lab to end")
    status, page = await get(served.url)  # the server stays up for the other tabs
    assert status == 200 and "textual.js" in page


async def test_each_tab_gets_its_own_lab(serve):
    served = serve("xor")
    first = await LabSocket().connect(served)
    second = await LabSocket(size=(100, 30)).connect(served)
    try:
        await first.wait_for(STATUS)
        await second.wait_for(r"Backprop Lab │ xor │ idle")
        for epoch in (1, 2, 3):  # three epochs (of one step) in the first tab only
            await first.keys("e")
            await first.wait_for(rf"step {epoch} · epoch {epoch} · StepEnd")
        await asyncio.sleep(0.5)
        assert "step 1 · epoch 1 · StepStart" in second.screen()
        pids = served.lab_pids()
        assert len(set(pids)) == 2
        served.wait_log(r"2 of 4 labs running")
    finally:
        await first.close()
        await second.close()


async def test_when_every_lab_is_in_use_a_page_says_so(serve):
    served = serve("xor", "--max-sessions", "1")
    tab = await LabSocket().connect(served)
    try:
        await tab.wait_for(STATUS)
        status, page = await get(served.url)
        assert status == 503
        text = " ".join(page.split())
        assert "Every lab of this server is in use" in text
        # one lab, not '1 at once (1 are running now)'
        assert "runs at most 1 lab at once (1 is running now)" in text
        # the command in one piece, not broken after 'serve --'
        assert "<code>backprop-lab serve --max-sessions N</code>" in text
        assert re.search(r"code \{\s*white-space: nowrap;", page)
        # the server says so, as it does for everything a visitor does
        served.wait_log(r"a browser at \S+ was turned away \(busy page\): 1 of 1 labs running")
        # a tab whose page came just before the server filled up is told in its terminal
        late = await LabSocket().connect(served)
        await late.wait_for("Every lab of this server is in use")
        await late.close()
        assert len(served.lab_pids()) == 1
        served.wait_log("was turned away: ")
    finally:
        await tab.close()
    served.wait_log(r"lab 1 ended \(its tab was closed\)")
    status, _ = await get(served.url)
    assert status == 200  # room again


async def test_the_busy_page_asks_again_by_itself_and_opens_the_lab_when_a_place_is_free(serve):
    """The busy page said "wait for someone to finish, then try again": a student whose
    classmate closed a tab had to reload by hand. Now the page asks the server every few
    seconds (``places``, beside it: not logged) and reloads itself once a place is free."""
    served = serve("xor", "--max-sessions", "1")
    tab = await LabSocket().connect(served)
    try:
        await tab.wait_for(STATUS)
        status, page = await get(served.url)
        assert status == 503
        text = " ".join(page.split())
        assert "This page asks again every 5 seconds and opens the lab by itself" in text
        assert 'fetch("places"' in page and "window.location.reload()" in page
        status, places = await get(served.url + "places")
        assert status == 200
        assert json.loads(places) == {"free": False, "running": 1, "max_sessions": 1}
    finally:
        await tab.close()
    served.wait_log(r"lab 1 ended \(its tab was closed\)")
    _, places = await get(served.url + "places")
    assert json.loads(places)["free"] is True  # the page reloads: the lab page, not busy
    status, _ = await get(served.url)
    assert status == 200
    assert served.log.count("turned away") == 1  # the page's questions are not in the log


async def test_a_page_reloaded_when_every_lab_is_in_use_gets_its_lab_again(serve):
    """A reload at the limit (--max-sessions 1, or a class in every place) got "Every lab of
    this server is in use" (seen in Chromium): the browser asks for the new page while the old
    one and its lab still run, and the old lab held its place until it had ended. The browser
    with a lab here gets the lab page; its websocket gets the place the old tab gave up."""
    served = serve("xor", "--max-sessions", "1")
    # a browser keeps the cookies of an address such as 127.0.0.1 (aiohttp's jar: when unsafe)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(served.url) as page:
            assert page.status == 200
        cookies = {c.key: c.value for c in browser.cookie_jar}
        tab = await LabSocket(cookies=cookies).connect(served)
        await tab.wait_for(STATUS)
        async with browser.get(served.url) as reloaded:  # the reload, the old tab still open
            assert reloaded.status == 200
            assert "every lab is in use" not in (await reloaded.text()).lower()
        await tab.close()  # the old page goes once the new one has arrived,
        again = await LabSocket(cookies=cookies).connect(served)  # and the new one connects
        try:
            await again.wait_for(STATUS)
            served.wait_log(r"lab 2 \(process \d+\) started for \S+ \(1 of 1 labs running\)")
            assert "turned away" not in served.log
            status, _ = await get(served.url)  # another browser: the server is full
            assert status == 503
        finally:
            await again.close()


async def test_a_window_too_small_for_the_lab_is_told_of_the_browser_not_a_terminal(serve):
    """A 640×420 browser window (71×20 cells) was told "Backprop Lab needs a terminal of at
    least 80×24 … reduce the font size … q quits": a terminal's words. In a tab the lab runs
    under Textual's web driver, and the message speaks of the window and the browser's zoom."""
    served = serve("xor")
    tab = await LabSocket(size=(71, 20)).connect(served)
    try:
        await tab.wait_for("80×24")
        text = " ".join(tab.screen().split())  # the message, its lines wrapped at 71 columns
        assert "Please make the browser window larger, or zoom out (ctrl+minus" in text, text
        assert "q ends the lab." in text
        assert "terminal" not in text and "font size" not in text
    finally:
        await tab.close()


async def test_a_tab_closed_mid_training_ends_its_lab(serve):
    served = serve("spiral")
    tab = await LabSocket().connect(served)
    other = await LabSocket().connect(served)
    await tab.wait_for(r"Backprop Lab │ spiral │ idle")
    await other.wait_for(r"Backprop Lab │ spiral │ idle")
    await tab.keys(" ")
    await tab.wait_for(r"│ running │")
    closing, staying = served.lab_pids()
    await tab.close()  # mid-training
    wait_until(lambda: not alive(closing), 15, "the closed tab's lab to end")
    served.wait_log(r"lab 1 ended \(its tab was closed\) \(1 of 4 labs running\)")
    assert alive(staying)
    await other.keys("e")  # the other tab goes on
    await other.wait_for(r"step 10 · epoch 1 · batch 10/10 · StepEnd")
    await other.close()


async def test_a_lab_that_crashes_leaves_the_server_and_the_other_tabs(serve):
    served = serve("xor")
    doomed = await LabSocket().connect(served)
    other = await LabSocket().connect(served)
    await doomed.wait_for(STATUS)
    await other.wait_for(STATUS)
    crashing, staying = served.lab_pids()
    os.kill(crashing, signal.SIGKILL)
    await asyncio.wait_for(doomed.closed.wait(), 15)  # the page learns that its lab ended
    assert "This lab stopped with an error (killed by SIGKILL)" in doomed.screen()
    # how: the page's box said "It was closed, or the server stopped" over that (audit 6)
    assert doomed.ws.close_code == 4001  # the server's FAILED_CLOSE: the box says so
    served.wait_log(r"lab 1 stopped with an error \(killed by SIGKILL")
    await other.keys("e")
    await other.wait_for(r"step 1 · epoch 1 · StepEnd")
    assert alive(staying)
    status, _ = await get(served.url)
    assert status == 200
    await doomed.close()
    await other.close()


async def test_ctrl_c_stops_the_server_and_every_lab(serve):
    served = serve("spiral")
    tabs = [await LabSocket().connect(served) for _ in range(2)]
    for tab in tabs:
        await tab.wait_for(r"Backprop Lab │ spiral │ idle")
        await tab.keys(" ")
        await tab.wait_for(r"│ running │")
    pids = served.lab_pids()
    assert served.stop(signal.SIGINT) == 0  # stop() also checks that no lab is left
    assert not any(alive(pid) for pid in pids)
    assert "stopping: ending 2 running lab(s)" in served.log
    assert served.log.rstrip().endswith("backprop-lab serve: stopped")
    for tab in tabs:
        await asyncio.wait_for(tab.closed.wait(), 10)
        await tab.close()


async def test_ctrl_c_stops_every_lab_when_the_server_s_output_has_gone(tmp_path):
    """``backprop-lab serve | tee log``: ctrl+c ends tee too, and the server's "stopping" line
    then raised BrokenPipeError: the server ended untidily, exit status 1 after ~10 s (its labs
    left to the kernel meanwhile). Now it stops its labs and ends as it does otherwise."""
    server = subprocess.Popen(
        [console_script(), "serve", "xor", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = re.search(r"is served at (http://\S+)", server.stdout.readline()).group(1)
        served = types.SimpleNamespace(ws_url=url.replace("http://", "ws://") + "/ws")
        tab = await LabSocket().connect(served)
        await tab.wait_for(STATUS)
        while not (started := re.search(r"\(process (\d+)\) started", server.stdout.readline())):
            pass
        lab = int(started.group(1))
        server.stdout.close()  # tee has gone
        server.send_signal(signal.SIGINT)
        ended = time.monotonic()
        status = await asyncio.to_thread(server.wait, 30)
        took = time.monotonic() - ended
        assert status == 0 and took < 5, f"exit status {status} after {took:.1f} s"
        assert not alive(lab)
        await tab.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
async def test_a_killed_server_takes_its_labs_along(serve):
    served = serve("xor")
    tab = await LabSocket().connect(served)
    await tab.wait_for(STATUS)
    (pid,) = served.lab_pids()
    served.process.kill()  # no chance to clean up
    served.process.wait(timeout=10)
    wait_until(lambda: not alive(pid), 10, "the lab of a killed server to end")
    await tab.close()


async def test_ctrl_s_sends_the_session_to_the_browser(serve, tmp_path):
    served = serve("xor")
    tab = await LabSocket().connect(served)
    try:
        await tab.wait_for(STATUS)
        for epoch in (1, 2):
            await tab.keys("e")
            await tab.wait_for(rf"step {epoch} · epoch {epoch} · StepEnd")
        await tab.keys("\x13")  # ctrl+s
        for _ in range(100):
            if tab.texts:
                break
            await asyncio.sleep(0.1)
        ((kind, key),) = tab.texts  # the page is told to fetch /download/KEY
        assert kind == "deliver_file_start"
        async with aiohttp.ClientSession() as http, http.get(f"{served.url}download/{key}") as r:
            assert r.status == 200
            assert "filename=xor-step2.lab.npz" in r.headers["Content-Disposition"]
            content = await r.read()
        await tab.wait_for("in your browser's downloads")
        await tab.keys("q")  # saved: q quits without asking
        await asyncio.wait_for(tab.closed.wait(), 30)
    finally:
        await tab.close()
    assert not list(tmp_path.glob("*.lab.npz"))  # nothing written on the server
    saved = tmp_path / "downloaded.lab.npz"
    saved.write_bytes(content)
    assert LabSession.load(saved).steps_done == 2


async def test_the_page_is_the_lab_s_and_needs_nothing_from_the_internet(serve):
    served = serve("xor")
    status, page = await get(served.url + "?fontsize=24")
    assert status == 200
    assert "<title>Backprop Lab</title>" in page
    assert 'data-font-size="24"' in page
    assert not re.search(r'(src|href)="(\w+:)?//', page)  # every URL relative to the page
    # closed with FAILED_CLOSE, the box over the lab's last screen says that it failed
    assert 'if (event.code === 4001) document.body.classList.add("-failed")' in page
    assert '<div class="title failed">This lab stopped with an error</div>' in page
    status, _ = await get(served.url + "static/fonts/RobotoMono-VariableFont_wght.ttf")
    assert status == 200


async def test_messages_that_are_not_the_page_s_are_ignored(serve):
    served = serve("xor")
    tab = LabSocket()  # a 120×40 screen model …
    tab.size = (10**9, 40)  # … asking for an absurd width: the lab starts at 120×40
    await tab.connect(served)
    try:
        await tab.wait_for(STATUS)
        for junk in ("not json", "[]", "{}", '["stdin", 5]', '["resize", {"width": 1e12}]'):
            await tab.ws.send_str(junk)
        await tab.ws.send_str('["resize", {"width": -3, "height": 10000000}]')
        await tab.ws.send_bytes(b"\x00\xff")
        await tab.keys("e")
        await tab.wait_for(r"step 1 · epoch 1 · StepEnd")  # the lab took no harm
        assert served.process.poll() is None
    finally:
        await tab.close()
