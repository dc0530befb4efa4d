"""The cyclic collector is paused during bulk work and always comes back."""

import gc
import threading

import pytest

from zibo_edu.lib import collector


def test_the_collector_is_off_inside_and_back_on_after_nested_pauses():
    assert gc.isenabled()
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer block still runs"
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_error():
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_leave_it_on():
    first_in, second_done = threading.Event(), threading.Event()

    def first():
        with collector.paused():
            first_in.set()
            second_done.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collector.paused():
        pass
    assert not gc.isenabled(), "the first thread's pause still runs"
    second_done.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
