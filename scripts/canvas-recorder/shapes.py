"""Runs one canvas shape against the recorder's Celery app and waits for it to finish."""
import sys
import time

from celery import chain, chord, group

from canvasapp import add, boom, flaky, on_error_new, on_error_old, on_error_old2, tsum

SHAPES = {
    "nested-chord": lambda: chord([chord([add.s(1, 1), add.s(2, 2)], tsum.s()),
                                   chord([add.s(3, 3), add.s(4, 4)], tsum.s()), add.s(5, 5)], tsum.s())(),
    "chain-of-groups": lambda: chain(group(add.s(1, 1), add.s(2, 2), add.s(3, 3)), group(tsum.s(), tsum.s()),
                                     tsum.s())(),
    "chord-in-chain": lambda: chain(chord([add.s(1, 1), add.s(2, 2)], tsum.s()),
                                    chord([add.s(3), add.s(4)], tsum.s()))(),
    "chord-of-chains": lambda: chord([chain(add.s(1, 1), add.s(2)), chain(add.s(3, 3), add.s(4)),
                                      chain(add.s(5, 5), add.s(6))], tsum.s())(),
    # an old-style errback list is sent as a group whose parent is the failed task; a new-style errback
    # (request, exc, traceback) runs inline in the failing task and emits nothing
    "errbacks": lambda: (boom.apply_async((2,), link_error=on_error_new.s()),
                         boom.apply_async((1,), link_error=[on_error_old.s(), on_error_old2.s()]))[1],
    "retry-success": lambda: flaky.delay(7),
}

if __name__ == "__main__":
    result = SHAPES[sys.argv[1]]()
    try:
        print(sys.argv[1], "->", result.get(timeout=60, propagate=False))
    except Exception as e:  # the errback shape ends in a failure on purpose
        print(sys.argv[1], "ended with", e)
    time.sleep(2)  # callbacks and errbacks finish after the result is ready
