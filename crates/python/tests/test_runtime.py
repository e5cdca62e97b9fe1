"""The engine and the interpreter: a Rust panic becomes navlayer.InternalError (never a crash,
never a BaseException), and loads and renders release the interpreter so other threads run."""

from __future__ import annotations

import threading
import time

import pytest

import navlayer
from navlayer import _navlayer
from conftest import BUNDLES_18_1, catalogue
from test_layer import REFERENCE


@pytest.mark.parametrize("detach", [True, False])
def test_a_panic_becomes_an_internal_error(detach):
    with pytest.raises(navlayer.InternalError) as e:
        _navlayer._panic_for_tests("boom in the engine", detach)
    assert isinstance(e.value, Exception) and e.value.kind == "panic"
    assert "boom in the engine" in str(e.value) and "bug" in str(e.value)
    # The interpreter and the engine carry on.
    assert catalogue("ics").object("T0800")["name"]
    try:
        _navlayer._panic_for_tests("caught as a plain Exception", detach)
    except Exception as caught:  # noqa: BLE001 - the point of the test
        assert isinstance(caught, navlayer.NavlayerError)


def longest_pause(work):
    """Runs `work` in a thread while the main thread keeps running Python code; returns the
    longest time the main thread could not run while `work` ran, and how long `work` took. With
    the interpreter held for the whole call, that pause is (nearly) the whole call; released, the
    main thread is only paused by the OS scheduler."""
    window = {}

    def run():
        window["start"] = time.perf_counter()
        work()
        window["end"] = time.perf_counter()

    stamps = []
    t = threading.Thread(target=run)
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
    t.join()
    start, end = window["start"], window["end"]
    inside = [start] + [s for s in stamps if start < s < end] + [end]
    return max(b - a for a, b in zip(inside, inside[1:])), end - start


def test_loading_releases_the_interpreter():
    pause, seconds = longest_pause(lambda: navlayer.Catalogue.load(str(BUNDLES_18_1["enterprise"])))
    assert seconds > 0.05 and pause < seconds / 2, (pause, seconds)


def test_rendering_releases_the_interpreter(enterprise):
    layer = navlayer.Layer.read(REFERENCE)
    pause, seconds = longest_pause(lambda: layer.render("png", catalogue=enterprise, page="24x36", dpi=100))
    assert seconds > 0.05 and pause < seconds / 2, (pause, seconds)


def test_the_check_above_sees_a_held_interpreter():
    """The same measure on work that holds the interpreter (pure Python) finds the long pause."""

    def hold():
        deadline = time.perf_counter() + 0.3
        x = 0
        while time.perf_counter() < deadline:
            x += 1

    import sys

    old = sys.getswitchinterval()
    sys.setswitchinterval(1.0)  # the interpreter does not hand over the GIL by itself
    try:
        pause, seconds = longest_pause(hold)
    finally:
        sys.setswitchinterval(old)
    assert pause > seconds / 2, (pause, seconds)


def test_threads_share_one_catalogue(enterprise):
    from navlayer.compat import MitreAttackData

    data = MitreAttackData(src=enterprise)
    results = {}

    def work(i):
        results[i] = [len(data.get_techniques_used_by_group(g.id)) for g in data.get_groups()]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({tuple(r) for r in results.values()}) == 1 and sum(results[0]) == 4640
