"""A small LRU of computed values, per process and thread-safe: an unchanged document is not
rendered twice. Two threads asking at once may both compute; the result is the same."""

import threading
from collections import OrderedDict


class Memo:
    def __init__(self, size):
        self.size = size
        self._values = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make):
        """The value for key, made with make() when it is not kept yet."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._values.clear()
